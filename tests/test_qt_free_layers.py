"""The Qt-free layers must never import PySide6/qasync (ARCHITECTURE.md rule 1)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "console"
QT_FREE = ["core", "interact", "insight", "store", "commerce"]
FORBIDDEN = ("PySide6", "qasync", "shiboken6")


def _qt_free_files():
    for layer in QT_FREE:
        yield from (ROOT / layer).rglob("*.py")
    yield from ROOT.glob("providers/*/parse.py")


def test_no_qt_import_statements_in_qt_free_layers():
    offenders = []
    for path in _qt_free_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in FORBIDDEN for n in names):
                offenders.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    assert not offenders, offenders


def test_importing_qt_free_layers_does_not_load_qt_transitively():
    modules = [
        f"console.{p.relative_to(ROOT).with_suffix('').as_posix().replace('/', '.')}"
        for p in _qt_free_files()
        if p.name != "__init__.py"
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync', 'shiboken6')]\n"
        "print('QT:' + ','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("QT:"), out.stdout
