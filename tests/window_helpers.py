"""Shared set-up for window tests that run the app on a real qasync loop: the main window shown
for a test, and a scenario coroutine run on the Qt event loop with the app shut down after."""

from __future__ import annotations

import asyncio
import socket
from typing import Awaitable, Callable

import qasync
from PySide6.QtWidgets import QApplication


def shown_window(qtbot, app, tmp_path):
    """The app's main window, shown, with its layout kept in the test's folder."""
    from console.ui.main_window import MainWindow

    window = MainWindow(app, layout_file=tmp_path / "layout.ini")
    qtbot.addWidget(window)
    window.show()
    return window


def run_on_qt_loop(app, scenario: Callable[[], Awaitable[None]]) -> None:
    """Run `scenario()` to its end on a qasync loop over the Qt application (the way the window
    runs), then shut the app down whatever happened."""
    loop = qasync.QEventLoop(QApplication.instance())
    asyncio.set_event_loop(loop)
    try:
        with loop:
            loop.run_until_complete(scenario())
    finally:
        asyncio.set_event_loop(None)
        app.shutdown()


def free_port() -> int:
    """A port free on 127.0.0.1 right now, for a double that must be named in a config file
    before it starts (the OS picks it, so parallel runs never collide on a fixed number)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
