"""The camera/program view: paints the newest finished frame; never processes one.

A QTimer polls the pipeline's output slot (latest-frame-wins), so a slow paint can never queue
frames up behind it. When the camera is lost a clear placeholder replaces the picture.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from console.i18n import pick
from console.video.frames import Frame, LatestSlot


class VideoView(QWidget):
    def __init__(self, output: LatestSlot[Frame], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._output = output
        self._image: QImage | None = None
        self._keepalive = None  # the numpy buffer the QImage points into
        self._placeholder = pick("Starting camera…", "正在启动摄像头…")
        self.frames_shown = 0
        self.first_frame_callbacks: list = []
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMinimumSize(320, 180)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self._timer = QTimer(self)
        self._timer.setInterval(15)
        self._timer.timeout.connect(self._pull)
        self._timer.start()

    def set_placeholder(self, text: str | None) -> None:
        """Show `text` instead of the picture (None = show the picture again)."""
        self._placeholder = text or ""
        if text:
            self._image = None
        self.update()

    def _pull(self) -> None:
        frame = self._output.poll()
        if frame is None:
            return
        image = frame.image
        h, w = image.shape[:2]
        self._keepalive = image
        self._image = QImage(image.data, w, h, image.strides[0], QImage.Format_BGR888)
        self._placeholder = ""
        self.frames_shown += 1
        self.update()
        if self.frames_shown == 1:
            for callback in self.first_frame_callbacks:
                callback()

    def paintEvent(self, event) -> None:  # noqa: N802 — Qt API
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0b0c0f"))
        if self._image is not None:
            iw, ih = self._image.width(), self._image.height()
            scale = min(self.width() / iw, self.height() / ih)
            w, h = iw * scale, ih * scale
            target = QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)
            painter.setRenderHint(QPainter.SmoothPixmapTransform)
            painter.drawImage(target, self._image)
        elif self._placeholder:
            painter.setPen(QColor("#aeb3bd"))
            font = QFont(self.font())
            font.setPointSize(14)
            painter.setFont(font)
            painter.drawText(self.rect(), Qt.AlignCenter | Qt.TextWordWrap, self._placeholder)
        painter.end()
