"""View-menu entries for where the program goes besides the preview: the program window, the
virtual camera and the OBS link. Kept out of the main window so it stays an assembler."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from console.i18n import pick

from .program_window import ProgramWindow
from .taskman import run_in_background

PROGRAM_WINDOW_KEYS = "Ctrl+Shift+P"
VIRTUAL_CAMERA_KEYS = "Ctrl+Shift+C"
OBS_LINK_KEYS = "Ctrl+Shift+O"


class OutputActions:
    def __init__(self, app, menu: QMenu, parent: QWidget) -> None:
        self.app = app
        self._menu = menu
        self._parent = parent
        self.program_window: ProgramWindow | None = None
        menu.addSeparator()
        self.program_action: QAction = menu.addAction(pick("Program window (borderless)", "节目窗口（无边框）"))
        self.program_action.setCheckable(True)
        self.program_action.setShortcut(QKeySequence(PROGRAM_WINDOW_KEYS))
        self.program_action.setToolTip(pick(
            "Exactly the program frames in a window of their own, for window capture or a second screen",
            "独立窗口中只显示节目画面，可用于窗口采集或第二块屏幕"))
        self.program_action.toggled.connect(self.show_program_window)
        self.vcam_action = self._toggle("virtualcam", pick("Virtual camera", "虚拟摄像头"), VIRTUAL_CAMERA_KEYS, pick(
            "Send the program to a virtual camera other apps (直播伴侣, OBS, TikTok LIVE Studio) can choose",
            "把节目画面发送到虚拟摄像头，供直播伴侣、OBS、TikTok LIVE Studio 选择"))
        self.obs_action = self._toggle("obs", pick("OBS link", "OBS 联动"), OBS_LINK_KEYS, pick(
            "Connect to OBS (obs-websocket) so run-of-show cues can switch scenes and show or hide sources",
            "连接 OBS（obs-websocket），让流程单提示切换场景、显示或隐藏来源"))

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

    # -- outputs switched on and off (virtual camera, OBS link) -----------------------------------
    def _toggle(self, key: str, label: str, keys: str, tip: str) -> QAction:
        action = self._menu.addAction(label)
        action.setCheckable(True)
        action.setShortcut(QKeySequence(keys))
        action.setToolTip(tip)
        action.toggled.connect(lambda on: self.set_output(key, action, label, on))
        return action

    def set_output(self, key: str, action: QAction, label: str, on: bool) -> None:
        # Opening a device or a connection may take a moment: never on the GUI thread. When it
        # cannot start, the app has told the host why (what to install, the password …); the
        # check mark comes off and the reason is shown where it can be read and copied.
        def done(started: bool) -> None:
            if on and not started:
                action.blockSignals(True)
                action.setChecked(False)
                action.blockSignals(False)
                self._explain(label, self.app.notices[-1] if self.app.notices else "")

        run_in_background(lambda: self.app.set_output(key, on), on_done=done)

    def _explain(self, title: str, text: str) -> None:
        """Why it could not start, in a box the host can read at leisure (non-blocking)."""
        box = QMessageBox(QMessageBox.Information, title, text, QMessageBox.Ok, self._parent)
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
