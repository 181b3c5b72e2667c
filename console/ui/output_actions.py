"""View-menu entries for where the program goes besides the preview: the program window and the
virtual camera. Kept out of the main window so it stays an assembler."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from console.i18n import pick

from .program_window import ProgramWindow
from .taskman import run_in_background

PROGRAM_WINDOW_KEYS = "Ctrl+Shift+P"
VIRTUAL_CAMERA_KEYS = "Ctrl+Shift+C"


class OutputActions:
    def __init__(self, app, menu: QMenu, parent: QWidget) -> None:
        self.app = app
        self.program_window: ProgramWindow | None = None
        menu.addSeparator()
        self.program_action: QAction = menu.addAction(pick("Program window (borderless)", "节目窗口（无边框）"))
        self.program_action.setCheckable(True)
        self.program_action.setShortcut(QKeySequence(PROGRAM_WINDOW_KEYS))
        self.program_action.setToolTip(pick(
            "Exactly the program frames in a window of their own, for window capture or a second screen",
            "独立窗口中只显示节目画面，可用于窗口采集或第二块屏幕"))
        self.program_action.toggled.connect(self.show_program_window)
        self.vcam_action: QAction = menu.addAction(pick("Virtual camera", "虚拟摄像头"))
        self.vcam_action.setCheckable(True)
        self.vcam_action.setShortcut(QKeySequence(VIRTUAL_CAMERA_KEYS))
        self.vcam_action.setToolTip(pick(
            "Send the program to a virtual camera other apps (直播伴侣, OBS, TikTok LIVE Studio) can choose",
            "把节目画面发送到虚拟摄像头，供直播伴侣、OBS、TikTok LIVE Studio 选择"))
        self.vcam_action.toggled.connect(self.set_virtual_camera)
        self._parent = parent

    # -- program window -------------------------------------------------------------------------
    def show_program_window(self, on: bool) -> None:
        if on:
            if self.program_window is None:
                self.program_window = ProgramWindow(self.app.pipeline.program)
                self.program_window.sig_closed.connect(lambda: self.program_action.setChecked(False))
            self.program_window.show()
            self.program_window.raise_()
        elif self.program_window is not None:
            self.program_window.close()

    # -- virtual camera -------------------------------------------------------------------------
    def set_virtual_camera(self, on: bool) -> None:
        # Opening the device may take a moment (OBS on Windows): never on the GUI thread. When it
        # cannot start, the app has told the host what to install; the check mark comes off.
        def done(started: bool) -> None:
            if on and not started:
                self.vcam_action.blockSignals(True)
                self.vcam_action.setChecked(False)
                self.vcam_action.blockSignals(False)
                self._explain(self.app.notices[-1] if self.app.notices else "")

        run_in_background(lambda: self.app.set_virtual_camera(on), on_done=done)

    def _explain(self, text: str) -> None:
        """The install guidance in a box the host can read at leisure (non-blocking)."""
        box = QMessageBox(QMessageBox.Information, pick("Virtual camera", "虚拟摄像头"), text, QMessageBox.Ok, self._parent)
        box.setTextFormat(Qt.PlainText)
        box.setTextInteractionFlags(Qt.TextSelectableByMouse)  # the commands can be copied
        box.setAttribute(Qt.WA_DeleteOnClose)
        self.message_box = box
        box.open()

    def close(self) -> None:
        if self.program_window is not None:
            self.program_window.close()
            self.program_window.deleteLater()
            self.program_window = None
