"""The program window: a borderless window showing exactly the program frames.

For window capture (直播伴侣 / OBS "window capture") or a second screen: no title bar, no menus,
no letterbox — the window keeps the output aspect (16:9 or 9:16, following the View menu), so
every pixel of it is program. It takes frames from the pipeline's program Signal into its own
latest-frame-wins slot (the preview keeps its own), and paints them like the preview does.

Drag with the left button to move it; double-click for full screen on the screen it is on (Esc
leaves full screen); right-click for 1:1 size, full screen and close.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal as QtSignal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from console.core.signal import Signal
from console.i18n import pick
from console.video.frames import Frame, LatestSlot

from .video_view import VideoView

DEFAULT_HEIGHT = 540


class ProgramWindow(VideoView):
    sig_closed = QtSignal()

    def __init__(self, program: Signal, parent: QWidget | None = None) -> None:
        self._program = program
        self._slot: LatestSlot[Frame] = LatestSlot()
        super().__init__(self._slot, parent)
        self.setWindowFlags(Qt.Window | Qt.FramelessWindowHint)
        self.setWindowTitle(pick("Live Console — program", "Live Console — 节目画面"))
        self.setMinimumSize(64, 64)
        self.resize(DEFAULT_HEIGHT * 16 // 9, DEFAULT_HEIGHT)
        self._frame_size: tuple[int, int] | None = None
        self._drag_from: QPoint | None = None
        self._connected = False

    # -- frames ---------------------------------------------------------------------------------
    def showEvent(self, event) -> None:  # noqa: N802 — Qt API
        if not self._connected:  # only take frames while shown
            self._program.connect(self._slot.put)
            self._connected = True
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 — Qt API
        self._disconnect()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 — Qt API
        self._disconnect()
        self.sig_closed.emit()
        super().closeEvent(event)

    def _disconnect(self) -> None:
        if self._connected:
            self._program.disconnect(self._slot.put)
            self._connected = False

    def _pull(self) -> None:
        super()._pull()
        if self._image is None:
            return
        size = (self._image.width(), self._image.height())
        if size != self._frame_size:
            self._frame_size = size
            self._fit_aspect()

    def _fit_aspect(self) -> None:
        """Keep the window's height, take the frame's aspect: no letterbox anywhere."""
        if self._frame_size is None or self.isFullScreen():
            return
        w, h = self._frame_size
        height = self.height()
        self.resize(max(1, round(height * w / h)), height)

    def actual_size(self) -> None:
        """One window pixel per program pixel (sharpest for window capture)."""
        if self.isFullScreen():
            self.showNormal()
        if self._frame_size is not None:
            self.resize(*self._frame_size)

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
            self._fit_aspect()
        else:
            self.showFullScreen()

    # -- moving a window without a title bar ----------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 — Qt API
        if event.button() == Qt.LeftButton:
            self._drag_from = event.globalPosition().toPoint() - self.frameGeometry().topLeft()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 — Qt API
        if self._drag_from is not None and event.buttons() & Qt.LeftButton and not self.isFullScreen():
            self.move(event.globalPosition().toPoint() - self._drag_from)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 — Qt API
        self._drag_from = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 — Qt API
        self.toggle_full_screen()

    def keyPressEvent(self, event) -> None:  # noqa: N802 — Qt API
        if event.key() == Qt.Key_Escape and self.isFullScreen():
            self.toggle_full_screen()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event) -> None:  # noqa: N802 — Qt API
        menu = QMenu(self)
        menu.addAction(pick("Actual size (1:1)", "实际大小（1:1）"), self.actual_size)
        full = QAction(pick("Full screen", "全屏"), menu)
        full.setCheckable(True)
        full.setChecked(self.isFullScreen())
        full.setShortcut(QKeySequence("Esc") if self.isFullScreen() else QKeySequence())
        full.triggered.connect(self.toggle_full_screen)
        menu.addAction(full)
        menu.addSeparator()
        menu.addAction(pick("Close program window", "关闭节目窗口"), self.close)
        menu.popup(event.globalPos())  # non-blocking: exec() would stall the asyncio loop
