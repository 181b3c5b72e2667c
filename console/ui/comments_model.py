"""Live comments as a Qt list model: batched inserts, bounded ring, plain text only.

The hub may deliver thousands of events a second; the model buffers them and inserts at most
30 times a second with one beginInsertRows per batch (Twitch's web chat halved render time by
batching). Only the newest `capacity` rows are kept — history lives in SQLite.
"""

from __future__ import annotations

import collections
import threading
import time
from typing import Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor

from console.core.events import Comment, Event, Follow, Gift, Order, clip_comment
from console.i18n import pick

from .platform_badge import PlatformBadges

SHOWN = (Comment, Gift, Follow, Order)
KIND_COLORS = {"gift": QColor("#f4c152"), "follow": QColor("#5fd38d"), "order": QColor("#64b5f6")}
KindRole = Qt.UserRole + 1


def line_for(event: Event) -> str:
    name = event.viewer.name if event.viewer else "?"
    if isinstance(event, Comment):
        return f"{name}: {clip_comment(event.text)}"  # the log keeps the full text
    if isinstance(event, Gift):
        return pick(f"🎁 {name} sent {event.gift_name} ×{event.count}", f"🎁 {name} 送出 {event.gift_name} ×{event.count}")
    if isinstance(event, Follow):
        return pick(f"➕ {name} followed", f"➕ {name} 关注了主播")
    if isinstance(event, Order):
        return pick(f"🛒 {name} ordered {event.sku} ×{event.quantity}", f"🛒 {name} 下单 {event.sku} ×{event.quantity}")
    return name


class CommentsModel(QAbstractListModel):
    def __init__(self, capacity: int = 2000, flush_hz: float = 30.0, parent=None) -> None:
        super().__init__(parent)
        self._rows: collections.deque[tuple[str, str, float]] = collections.deque()
        self._pending: list[Event] = []
        self._lock = threading.Lock()
        self.capacity = capacity
        self.received = 0
        self.flushes = 0
        self.badges = PlatformBadges()
        """Platform badge per row when several platforms are connected (set by the main window)."""
        self._timer = QTimer(self)
        self._timer.setInterval(int(1000 / flush_hz))
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    def on_events(self, batch: Sequence[Event]) -> None:
        """Hub subscriber; safe from any thread, never touches Qt."""
        shown = [e for e in batch if isinstance(e, SHOWN)]
        if shown:
            with self._lock:
                self._pending.extend(shown)
                # Under a flood keep only what could ever be displayed.
                if len(self._pending) > self.capacity:
                    del self._pending[: len(self._pending) - self.capacity]

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        if not pending:
            return
        self.flushes += 1
        self.received += len(pending)
        overflow = len(self._rows) + len(pending) - self.capacity
        if overflow > 0:
            drop = min(overflow, len(self._rows))
            self.beginRemoveRows(QModelIndex(), 0, drop - 1)
            for _ in range(drop):
                self._rows.popleft()
            self.endRemoveRows()
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(pending) - 1)
        self._rows.extend((self.badges.prefix(e.platform) + line_for(e), e.kind, e.ts) for e in pending)
        self.endInsertRows()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        text, kind, ts = self._rows[index.row()]
        if role == Qt.DisplayRole:
            return text
        if role == Qt.ToolTipRole:
            return time.strftime("%H:%M:%S", time.localtime(ts))
        if role == Qt.ForegroundRole:
            return KIND_COLORS.get(kind)
        if role == KindRole:
            return kind
        return None
