"""Connection status per platform, for the status bar: live, connecting, reconnecting (attempt n,
next try counting down), ended, failed (reason in plain words).

Fed by the runner's `status_changed` Signal (emitted on the loop thread, delivered here with
`to_gui`); a switch of platforms mid-show rebinds to the new runner through
`app.platforms_changed`. The countdown to the next reconnect attempt ticks on `tick()`, which the
status bar calls on its own refresh timer.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from console.i18n import pick
from console.providers.status import ConnState, ConnStatus

from .taskman import to_gui

COLORS = {ConnState.LIVE: "#5fd38d", ConnState.CONNECTING: "#f4c152", ConnState.RECONNECTING: "#f4a352",
          ConnState.ENDED: "#9aa0a6", ConnState.FAILED: "#ff6b6b"}
DOTS = {ConnState.LIVE: "●", ConnState.CONNECTING: "◌", ConnState.RECONNECTING: "↻", ConnState.ENDED: "■",
        ConnState.FAILED: "✖"}


def line_for(status: ConnStatus, since_s: float = 0.0) -> str:
    """One platform's line; while reconnecting the next try counts down from when it was said."""
    if status.state is ConnState.RECONNECTING and status.next_try_s is not None:
        left = max(0.0, status.next_try_s - since_s)
        status = ConnStatus(status.platform, status.state, status.reason, status.attempt, left)
    return f"{DOTS[status.state]} {status.text()}"


class PlatformStatusLabel(QLabel):
    def __init__(self, app, parent=None) -> None:
        super().__init__(parent)
        self._app = app
        self.setTextFormat(Qt.PlainText)  # reasons may quote what a platform said
        self._seen: dict[str, tuple[ConnStatus, float]] = {}
        self._runner = None
        self._bind(app.platforms)
        app.platforms_changed.connect(lambda runner: to_gui(self._bind, runner))

    def _bind(self, runner) -> None:
        if self._runner is not None:
            self._runner.status_changed.disconnect(self._on_status)
        self._runner = runner
        now = time.monotonic()
        self._seen = {name: (status, now) for name, status in runner.statuses.items()}
        runner.status_changed.connect(self._on_status)
        self.tick()

    def _on_status(self, status: ConnStatus) -> None:
        to_gui(self._show, status, time.monotonic())  # emitted on the loop thread

    def _show(self, status: ConnStatus, at: float) -> None:
        if self._runner is None or status.platform not in self._runner.names:
            return  # a late status from the runner we just replaced
        self._seen[status.platform] = (status, at)
        self.tick()

    def tick(self) -> None:
        if self._runner is not None and self._runner.is_demo:
            self.setVisible(False)  # the DEMO badge says it all
            return
        self.setVisible(True)
        now = time.monotonic()
        lines = [line_for(status, now - at) for status, at in self._seen.values()]
        self.setText("   ".join(lines))
        self.setToolTip("\n".join(lines) + "\n" + pick("Platform settings: Platform menu", "平台设置：平台菜单"))
        worst = max((s.state for s, _ in self._seen.values()), key=list(COLORS).index, default=ConnState.LIVE)
        self.setStyleSheet(f"color: {COLORS[worst]};")

    def states(self) -> dict[str, ConnState]:
        return {name: status.state for name, (status, _) in self._seen.items()}
