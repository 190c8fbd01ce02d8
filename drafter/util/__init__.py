"""drafter.util: safe writes (fsutil), bounded regular-file reads (safeio), cross-process locks,
child processes killed as a group (proc), where the shipped data and the user's folders are
(resources).

The hardened line-marked YAML loader is imported as ``drafter.util.yamlpos`` on purpose: PyYAML
measured 0.05–0.2 s of import time, which commands that never read YAML would pay at start-up.
"""

from drafter.util.crash import crash_message, crash_summary, write_crash_report
from drafter.util.fsutil import (
    atomic_write,
    check_output_target,
    describe_os_error_for_user,
    describe_write_error,
    path_exists,
    precheck_output_path,
    remove_stale_temps,
    user_path,
)
from drafter.util.locks import lock_path, locked
from drafter.util.proc import kill_group, run_in_group
from drafter.util.resources import (
    crash_reports_dir,
    phrasebank_dir,
    project_root,
    seeds_dir,
    templates_dir,
    user_data_dir,
    user_drafts_dir,
    user_phrasebank_dir,
    user_templates_dir,
)
from drafter.util.safeio import (
    check_regular,
    describe_os_error,
    display_path,
    is_regular_file,
    open_regular,
    read_bounded,
)

__all__ = [
    "atomic_write",
    "check_output_target",
    "check_regular",
    "crash_message",
    "crash_reports_dir",
    "crash_summary",
    "describe_os_error",
    "describe_os_error_for_user",
    "describe_write_error",
    "display_path",
    "is_regular_file",
    "kill_group",
    "lock_path",
    "locked",
    "open_regular",
    "path_exists",
    "phrasebank_dir",
    "precheck_output_path",
    "project_root",
    "read_bounded",
    "remove_stale_temps",
    "run_in_group",
    "seeds_dir",
    "templates_dir",
    "user_data_dir",
    "user_drafts_dir",
    "user_path",
    "user_phrasebank_dir",
    "user_templates_dir",
    "write_crash_report",
]
