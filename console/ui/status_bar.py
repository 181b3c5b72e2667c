"""Status bar: platform (DEMO badge) and its connection status, fps, events/s, session time, camera, DB path."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from console.i18n import pick

from .platform_status import PlatformStatusLabel
from .taskman import to_gui


class ConsoleStatusBar(QStatusBar):
    def __init__(self, app, parent=None) -> None:
        super().__init__(parent)
        self._permanent: list = []
        self._app = app
        self._started = time.monotonic()
        self.platform = QLabel()
        self._show_platform()
        app.platforms_changed.connect(lambda runner: to_gui(self._new_session))
        self.connection = PlatformStatusLabel(app)
        self.fps = QLabel()
        self.events = QLabel()
        self.clock = QLabel()
        self.camera = QLabel()
        # The file name is enough to recognise the log; the whole path is on hover (a long path
        # would take the room the live health and the notices need).
        self.db = QLabel(pick(f"Log: {app.db_path.name}", f"日志：{app.db_path.name}"))
        self.db.setToolTip(str(app.db_path))
        self.addWidget(self.platform)
        self.addWidget(self.connection)
        for label in (self.fps, self.events, self.clock, self.camera):
            self.addWidget(label)
        self.addPermanentWidget(self.db)
        self._notices_seen = 0
        self._notice, self._notice_until = "", 0.0
        self._timer = QTimer(self)
        self._timer.setInterval(500)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self.refresh()

    def _new_session(self) -> None:
        self._started = time.monotonic()  # the clock shows this session's time
        self._show_platform()

    def _show_platform(self) -> None:
        provider = self._app.provider
        self.platform.setObjectName("demoBadge" if provider.is_demo else "platformName")
        self.platform.setText(pick("DEMO · simulated audience", "DEMO · 模拟观众") if provider.is_demo
                              else " + ".join(p.display_name for p in self._app.platforms.providers))
        self.platform.style().unpolish(self.platform)  # the badge style follows the object name
        self.platform.style().polish(self.platform)

    def _fitted(self, text: str) -> str:
        """The notice cut with "…" to the room left of the permanent labels (QStatusBar clips a
        long message mid-word, under them); the whole text stays in the tooltip."""
        taken = sum(w.width() + 8 for w in self._permanent if w.isVisible())
        room = max(120, self.width() - taken - 24)
        return self.fontMetrics().elidedText(text, Qt.ElideRight, room)

    def addPermanentWidget(self, widget, stretch: int = 0) -> None:  # noqa: N802 — Qt's name
        self._permanent.append(widget)
        super().addPermanentWidget(widget, stretch)

    def refresh(self) -> None:
        self.connection.tick()  # the next-try countdown
        # Problems reported from any thread (disk full, camera lost, no CJK font) reach the host
        # here, newest first; the full list stays in the tooltip.
        notices = list(self._app.notices)
        now = time.monotonic()
        if len(notices) > self._notices_seen:
            self._notices_seen = len(notices)
            self._notice, self._notice_until = "⚠ " + notices[-1], now + 30.0
            self.setToolTip("\n".join(notices[-10:]))
        if self._notice and now < self._notice_until:
            # Fitted again on every refresh: going live widens the health label after the fact.
            fitted = self._fitted(self._notice)
            if fitted != self.currentMessage():
                self.showMessage(fitted, int((self._notice_until - now) * 1000))
        video = self._app.pipeline.stats()
        self.fps.setText(f"{video.fps:4.1f} fps")
        self.events.setText(pick(f"{self._app.rates.per_second():,.0f} events/s", f"{self._app.rates.per_second():,.0f} 事件/秒"))
        elapsed = int(time.monotonic() - self._started)
        self.clock.setText(f"⏱ {elapsed // 3600:d}:{elapsed % 3600 // 60:02d}:{elapsed % 60:02d}")
        status = self._app.camera_status
        self.camera.setText(f"📷 {status.source}" + ("" if status.state == "ok" else f" — {status.state}"))
