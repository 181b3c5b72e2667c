"""Start the GUI: Qt application + qasync loop + the console services + the main window.

qasync makes the asyncio loop the Qt loop, so network code and widgets share one thread; camera,
inference and SQLite stay on their own threads (see console/app.py).
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from console import APP_NAME


def run_gui(options, *, print_first_frame: bool = False, process_start: float = 0.0) -> int:
    import qasync

    from console.app import ConsoleApp

    from .main_window import MainWindow
    from .theme import apply_dark_theme

    qt_app = QApplication.instance() or QApplication(sys.argv[:1])
    qt_app.setApplicationName(APP_NAME)
    apply_dark_theme(qt_app)
    if options.ask_resume is None:
        options.ask_resume = _ask_resume
    try:
        app = ConsoleApp(options)
    except Exception as exc:  # noqa: BLE001 — tell the host, don't dump a traceback
        QMessageBox.critical(None, APP_NAME, f"Live Console could not start:\n{exc}")
        print(f"live-console: could not start: {exc}", file=sys.stderr)
        return 1

    loop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    window = MainWindow(app)
    window.restore_layout()
    window.show()
    if print_first_frame:
        window.video.first_frame_callbacks.append(
            lambda: print(f"FIRST_FRAME {time.monotonic() - process_start:.4f}", flush=True)
        )
    app.start_video()
    stop = asyncio.Event()
    qt_app.lastWindowClosed.connect(stop.set)

    async def main() -> None:
        await app.run(quit_after=options.quit_after, stop=stop)
        if options.screenshot:
            await _screenshot(window, Path(options.screenshot))

    try:
        with loop:
            loop.run_until_complete(main())
    finally:
        window.save_layout()
        app.shutdown()
        window.close()
    return 0


def _ask_resume(session: dict) -> bool:
    """A crash interrupted a show: continue it (same session, its lottery) or start a new one?"""
    from PySide6.QtCore import Qt

    from console.i18n import pick
    from console.session_recovery import describe

    box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, describe(session))
    box.setTextFormat(Qt.TextFormat.PlainText)
    cont = box.addButton(pick("Continue that show", "继续该场直播"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(pick("Start a new show", "开始新的直播"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cont)
    box.exec()
    return box.clickedButton() is cont


async def _screenshot(window, path: Path) -> None:
    # Let pending paints land so the grab shows the latest frame and comments.
    for _ in range(3):
        QApplication.processEvents()
        await asyncio.sleep(0.05)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path)):
        print(f"live-console: could not save the screenshot to {path}", file=sys.stderr)
