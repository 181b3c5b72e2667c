"""The Qt-free layers must never import PySide6/qasync (ARCHITECTURE.md rule 1).

The rule itself is an import-linter contract in pyproject.toml (`[tool.importlinter]`): it sees
every import statement in every module of those packages, lazy ones inside functions included.
The second test imports them for real, so a dependency that pulls Qt in at runtime is caught too.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CONFIG = REPO / "pyproject.toml"


def _contract():
    data = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    return data["tool"]["importlinter"]["contracts"][0]


def test_contract_covers_every_qt_free_package():
    sources = set(_contract()["source_modules"])
    for pkg in ("core", "interact", "insight", "store", "commerce", "providers", "video"):
        assert f"console.{pkg}" in sources
    # Any new top-level package must be placed: Qt-free (in the contract) or UI.
    known_ui = {"ui", "cli"}
    for path in (REPO / "console").iterdir():
        if path.is_dir() and (path / "__init__.py").exists() and path.name not in known_ui:
            assert f"console.{path.name}" in sources, f"console/{path.name} is neither in the Qt-free contract nor UI"


def test_import_linter_contract_is_kept():
    out = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                          f"sys.exit(lint_imports(config_filename={str(CONFIG)!r}))"],
                         capture_output=True, text=True, cwd=REPO, timeout=300)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "1 kept, 0 broken" in out.stdout


def test_importing_qt_free_layers_does_not_load_qt_transitively():
    modules = []
    for name in _contract()["source_modules"]:
        rel = Path(*name.split(".")[1:])
        base = REPO / "console" / rel
        files = base.rglob("*.py") if base.is_dir() else [base.with_suffix(".py")]
        for p in files:
            if p.name != "__init__.py" and "tests" not in p.parts:
                modules.append("console." + p.relative_to(REPO / "console").with_suffix("").as_posix().replace("/", "."))
    assert len(modules) > 50
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'qasync', 'shiboken6')]\n"
        "print('QT:' + ','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("QT:"), out.stdout
