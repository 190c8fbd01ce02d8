"""The core never imports textual: only drafter/tui/ and the TUI command may."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORE_MODULES = sorted(
    p
    for p in (ROOT / "drafter").rglob("*.py")
    if p.relative_to(ROOT / "drafter").parts[0] not in {"tui", "cli"}
)


def test_no_core_module_imports_textual_statically():
    offenders = []
    for path in CORE_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "textual" or n.startswith("textual.") or n.startswith("drafter.tui") for n in names):
                offenders.append(path.name)
    assert CORE_MODULES, "no core modules found"
    assert offenders == []


def test_importing_every_core_module_does_not_load_textual():
    mods = [
        ".".join(("drafter", *p.relative_to(ROOT / "drafter").with_suffix("").parts)).removesuffix(
            ".__init__"
        )
        for p in CORE_MODULES
        if p.stem != "__main__"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(len(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0", out.stdout + out.stderr
