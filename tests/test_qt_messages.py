"""The offscreen plugin's "does not support propagateSizeHints()" stays off stderr unless
--verbose; every other Qt message still gets through."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from console.ui.qt_messages import is_chatter

ROOT = Path(__file__).resolve().parent.parent
CHATTER = "This plugin does not support propagateSizeHints()"

# A top-level window with a layout, shown and then given new size limits: exactly what makes
# the offscreen plugin print the warning (QWidget → QWindow::setMinimumSize → propagateSizeHints).
PROGRAM = """
import sys
from PySide6.QtCore import qWarning
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
if sys.argv[1] == "filtered":
    from console.ui.qt_messages import quiet_qt_chatter
    quiet_qt_chatter()
app = QApplication([])
w = QWidget(); QVBoxLayout(w).addWidget(QLabel("x")); w.show(); app.processEvents()
w.setMinimumSize(120, 120); app.processEvents()
qWarning("a real problem the host must see")
"""


def _run(mode: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", PROGRAM, mode], capture_output=True, text=True,
                         timeout=120, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr
    return out.stderr


def test_only_that_message_is_recognised():
    assert is_chatter(CHATTER) and is_chatter(CHATTER + "\n")
    assert not is_chatter("QPainter::begin: Paint device returned engine == 0")
    assert not is_chatter("This plugin does not support setParent!")


def test_the_filter_drops_the_chatter_and_passes_other_messages():
    plain = _run("plain")
    assert CHATTER in plain  # Qt really prints it here: the test reproduces the source
    filtered = _run("filtered")
    assert CHATTER not in filtered
    assert "a real problem the host must see" in filtered


def test_the_console_is_quiet_unless_verbose(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "c"),
               XDG_DATA_HOME=str(tmp_path / "d"))
    base = [sys.executable, "-m", "console", "--demo", "--camera", "demo", "--quit-after", "2",
            "--db", str(tmp_path / "s.db"), "--config", str(tmp_path / "none.toml")]
    quiet = subprocess.run(base, capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert quiet.returncode == 0, quiet.stderr[-2000:]
    assert CHATTER not in quiet.stderr
    verbose = subprocess.run(base + ["--verbose"], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env)
    assert verbose.returncode == 0, verbose.stderr[-2000:]
    assert CHATTER in verbose.stderr
