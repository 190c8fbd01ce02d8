"""``python -m drafter.roles learn [PATH...]``."""

import sys

from drafter.roles.learn import main

raise SystemExit(main(sys.argv[1:]))
