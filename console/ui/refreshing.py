"""Panels that redraw themselves from a model on a timer (heatmap, radar, dashboard).

One shape for all of them: `refresh()` runs every interval while the panel is on screen and once
whenever it is shown again. A dock behind another tab (or closed) costs nothing: it catches up
when shown.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget


class RefreshingPanel(QWidget):
    """Subclasses implement `refresh()` and call `start_refreshing()` once their widgets exist."""

    def start_refreshing(self, interval_ms: int = 1000) -> None:
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def refresh(self) -> None:
        raise NotImplementedError

    def _tick(self) -> None:
        if self.isVisible():
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 — Qt API
        super().showEvent(event)
        self.refresh()
