"""Keep one piece of Qt chatter off the host's terminal: "This plugin does not support
propagateSizeHints()".

Where it comes from: whenever a top-level window's size limits change (its layout's minimum
size when it is shown or its contents grow, setMinimumSize/MaximumSize), Qt hands them to the
platform plugin (QWidgetPrivate::setConstraints_sys → QWindow::setMinimumSize →
QPlatformWindow::propagateSizeHints). The offscreen plugin (headless runs, screenshots, `bench
ingest`, CI) has no window manager to tell and the base class prints that warning instead —
dozens of times a run, meaning nothing. Unless `--verbose` is given, a Qt message handler drops
exactly that message and passes every other one on unchanged (to the handler that was there
before, else to stderr in Qt's own format), in the spirit of console/native_logs.py.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qFormatLogMessage, qInstallMessageHandler

CHATTER = frozenset({"This plugin does not support propagateSizeHints()"})

_previous = None
_installed = False
dropped = 0
"""How many messages were kept off the terminal (for tests and --self-test curiosity)."""


def is_chatter(message: str) -> bool:
    return message.strip() in CHATTER


def _handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    global dropped
    if is_chatter(message):
        dropped += 1
        return
    if _previous is not None:
        _previous(mode, context, message)
        return
    try:
        sys.stderr.write(qFormatLogMessage(mode, context, message) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):  # no usable stderr (a windowed build)
        pass


def quiet_qt_chatter() -> bool:
    """Install the filter for this process; True if installed (False when already)."""
    global _previous, _installed
    if _installed:
        return False
    _previous = qInstallMessageHandler(_handler)
    _installed = True
    return True
