from drafter.cli.entry import main

raise SystemExit(main())
