"""Live comments as a Qt list model over a bounded ring, inserted in batches.

Events arrive classified from the insight thread (`on_classified`, any thread: a locked list
append). A 30 Hz timer on the GUI thread turns what arrived into rows and inserts them with ONE
beginInsertRows per batch (at most one beginRemoveRows before it when the view is full) —
Twitch's web chat halved render time by batching. Only the newest `capacity` rows are kept;
history lives in SQLite and is reached by search.

What the model shows is filtered here, not in a proxy: a proxy would call back into Python
once per row per insert. Blocked words and blocked viewers are dropped before the host ever
sees them. While the host has scrolled up (`paused`) or is looking at search/heatmap results,
new rows go to the ring only and are counted (`sig_new_count`) for the "N new" button.
"""

from __future__ import annotations

import collections
import html
import threading
import time
from typing import Any, Callable, Iterable, Sequence

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, QTimer, Signal

from console.core.events import Event, Follow, Gift, Order, Segment
from console.i18n import pick
from console.insight.service import DISPLAYED, Classified
from console.insight.text import display_line, fold, safe_text, tooltip_text

from .platform_badge import PlatformBadges

RowRole = Qt.UserRole + 1
KindRole = Qt.UserRole + 2

CHIPS: dict[str, Callable[["Row"], bool]] = {
    "all": lambda r: True,
    "questions": lambda r: "question" in r.intents,
    "buy": lambda r: "purchase_intent" in r.intents,
    "complaints": lambda r: "complaint" in r.intents or r.sentiment == "negative",
    "high_value": lambda r: r.segment == Segment.HIGH_VALUE,
    "new": lambda r: r.segment == Segment.NEW,
}


FLUSH_SHARE = 6
"""A flush may use at most 1/6 of the GUI thread's time; see CommentsModel._pace."""
MAX_FLUSH_INTERVAL_MS = 200
"""However slow the machine, rows appear at least 5 times a second."""


class Row:
    """One row. Display text is derived lazily: under a flood most rows scroll out of the ring
    before anyone looks at them, so they never pay for clean-up they do not need."""

    __slots__ = ("msg_id", "ts", "kind", "viewer_id", "_name", "_raw", "_text", "_line", "_folded",
                 "intents", "sentiment", "segment", "group_key", "faq", "received",
                 "answered", "pinned", "hidden", "highlighted", "layout", "platform")

    def __init__(self, msg_id: str, ts: float, kind: str, viewer_id: str, viewer_name: str, raw: str,
                 intents: tuple[str, ...] = (), sentiment: str = "neutral", segment: Segment | None = None,
                 group_key: str | None = None, faq: Any = None, received: float = 0.0,
                 platform: str = "") -> None:
        self.msg_id, self.ts, self.kind, self.viewer_id = msg_id, ts, kind, viewer_id
        self._name, self._raw = viewer_name, raw
        self._text = self._line = self._folded = None
        self.intents, self.sentiment, self.segment = intents, sentiment, segment
        self.group_key, self.faq, self.received = group_key, faq, received
        self.answered = self.pinned = self.hidden = self.highlighted = False
        self.layout: Any = None
        """The delegate's cached layout for this row (see comments_delegate)."""
        self.platform = platform
        """Where the comment came from: replies and moderation go back there (multistream)."""

    @property
    def viewer_name(self) -> str:
        """One safe line, at most 40 characters."""
        name = self._name
        if not name.isascii() or len(name) > 40 or not name.isprintable():
            name = self._name = display_line(name, 40)
        return name

    @property
    def text(self) -> str:
        """Full text, safe to store (lone surrogates replaced)."""
        if self._text is None:
            self._text = safe_text(self._raw)
        return self._text

    @property
    def line(self) -> str:
        """One display line: controls/bidi overrides removed, zalgo capped, clipped."""
        if self._line is None:
            self._line = display_line(self._raw)
        return self._line

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded


def describe(event: Event) -> str:
    name = event.viewer.name if event.viewer else "?"
    if isinstance(event, Gift):
        return pick(f"🎁 sent {event.gift_name} ×{event.count}", f"🎁 送出 {event.gift_name} ×{event.count}")
    if isinstance(event, Follow):
        return pick("➕ followed", "➕ 关注了主播")
    if isinstance(event, Order):
        return pick(f"🛒 ordered {event.sku} ×{event.quantity}", f"🛒 下单 {event.sku} ×{event.quantity}")
    return getattr(event, "text", "") or name


def row_from(item: Classified) -> Row:
    ev = item.event
    viewer = ev.viewer
    result = item.result
    return Row(str(ev.msg_id), ev.ts, ev.kind, viewer.id if viewer else "", viewer.name if viewer else "?",
               describe(ev), result.intents if result else (), result.sentiment if result else "neutral",
               viewer.segment if viewer else None, item.group_key, item.faq, item.received,
               platform=str(ev.platform or ""))


class CommentsModel(QAbstractListModel):
    sig_new_count = Signal(int)
    """Rows that arrived while paused or showing results (the "N new" button)."""
    sig_batch = Signal(int)
    """Emitted after each live insert with the number of rows inserted (tests, benchmark)."""
    sig_flushed = Signal()
    """After every non-empty flush (live or not)."""

    def __init__(self, capacity: int = 2000, flush_hz: float = 30.0, parent=None) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self._ring: collections.deque[Row] = collections.deque(maxlen=capacity)
        self._rows: list[Row] = []
        self._pending: list[Classified] = []
        self._lock = threading.Lock()
        self.received = 0
        """Displayable events handed to the model (including ones a flood pushed out)."""
        self.flushes = 0
        self.badges = PlatformBadges()
        """Platform badge in the row text/tooltip when multistreaming (ui/platform_badge.py)."""
        self.inserted = 0
        self.chip = "all"
        self.keyword = ""
        self.highlight_words: tuple[str, ...] = ()
        self.blocked_words: tuple[str, ...] = ()
        self.blocked_viewers: set[str] = set()
        self.hidden_ids: set[str] = set()
        self.answered_ids: set[str] = set()
        self.paused = False
        self.results_title: str | None = None
        """Set while showing search or heatmap-cell results instead of the live stream."""
        self.new_count = 0
        self.blocked_count = 0
        self.latencies: collections.deque[float] = collections.deque(maxlen=200_000)
        """Seconds from the hub handing an event over to its row being in the model."""
        self._base_interval_ms = int(1000 / flush_hz)
        self._timer = QTimer(self)
        self._timer.setInterval(self._base_interval_ms)
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    # -- input (any thread) -------------------------------------------------------------------
    def on_classified(self, batch: Sequence[Classified]) -> None:
        with self._lock:
            self._pending.extend(batch)
            self.received += len(batch)
            # Under a flood keep only what could ever be displayed; the rest is in SQLite.
            if len(self._pending) > self.capacity:
                del self._pending[: len(self._pending) - self.capacity]

    def on_events(self, batch: Sequence[Event]) -> None:
        """Unclassified events (no insight service): shown, never triaged."""
        now = time.perf_counter()
        self.on_classified([Classified(e, None, received=now) for e in batch if isinstance(e, DISPLAYED)])

    # -- the batch (GUI thread) ---------------------------------------------------------------
    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        if not pending:
            return
        started = time.perf_counter()
        try:
            self._flush(pending)
        finally:
            self._pace(time.perf_counter() - started)

    def _pace(self, spent: float) -> None:
        # A flush includes the view's relayout and repaint of every visible row (the list scrolls
        # by one batch each time). Under a flood that costs ~10 ms, so at a fixed 30 Hz it would
        # take a third of the GUI thread: space flushes so they use at most 1/FLUSH_SHARE of it.
        interval = min(MAX_FLUSH_INTERVAL_MS, max(self._base_interval_ms, int(1000 * spent * FLUSH_SHARE)))
        if interval != self._timer.interval():
            self._timer.setInterval(interval)

    def _flush(self, pending: list[Classified]) -> None:
        self.flushes += 1
        rows = []
        for item in pending:
            row = row_from(item)
            if self._blocked(row):
                self.blocked_count += 1
                continue
            if self.highlight_words:
                row.highlighted = self._highlight(row)
            rows.append(row)
        self._ring.extend(rows)
        shown = [r for r in rows if self.accepts(r)]
        if self.paused or self.results_title is not None:
            if shown:
                self.new_count += len(shown)
                self.sig_new_count.emit(self.new_count)
        elif shown:
            self._append(shown[-self.capacity:])
        if self.latencies.maxlen:
            now = time.perf_counter()
            self.latencies.extend(now - r.received for r in rows if r.received)
        self.sig_flushed.emit()

    def _append(self, rows: list[Row]) -> None:
        overflow = len(self._rows) + len(rows) - self.capacity
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            del self._rows[:overflow]
            self.endRemoveRows()
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()
        self.inserted += len(rows)
        self.sig_batch.emit(len(rows))

    # -- filters ------------------------------------------------------------------------------
    def _blocked(self, row: Row) -> bool:
        if row.viewer_id and row.viewer_id in self.blocked_viewers:
            return True
        return bool(self.blocked_words) and any(w in row.folded for w in self.blocked_words)

    def _highlight(self, row: Row) -> bool:
        return any(w in row.folded for w in self.highlight_words)

    def accepts(self, row: Row) -> bool:
        if row.hidden or row.msg_id in self.hidden_ids:
            return False
        if self.chip != "all" and (row.kind != "comment" or not CHIPS[self.chip](row)):
            return False
        return not self.keyword or self.keyword in row.folded

    def set_filter(self, chip: str | None = None, keyword: str | None = None) -> None:
        if chip is not None:
            self.chip = chip if chip in CHIPS else "all"
        if keyword is not None:
            self.keyword = fold(keyword.strip())
        if self.results_title is None:
            self._rebuild(self._ring)

    def set_highlight_words(self, words: Iterable[str]) -> None:
        self.highlight_words = tuple(fold(w) for w in words if w.strip())
        for row in self._ring:
            row.highlighted = self._highlight(row)
            row.layout = None
        for row in self._rows:
            row.highlighted = self._highlight(row)
            row.layout = None
        if self._rows:
            self.dataChanged.emit(self.index(0), self.index(len(self._rows) - 1))

    def set_blocked_words(self, words: Iterable[str]) -> None:
        """Hide matching comments from now on and from what is on screen."""
        self.blocked_words = tuple(fold(w) for w in words if w.strip())
        kept = [r for r in self._ring if not self._blocked(r)]
        self._ring = collections.deque(kept, maxlen=self.capacity)
        if self.results_title is None:
            self._rebuild(self._ring)
        else:
            self._reset([r for r in self._rows if not self._blocked(r)])

    def block_viewer(self, viewer_id: str) -> None:
        self.blocked_viewers.add(viewer_id)
        self.set_blocked_words(self.blocked_words)

    def hide(self, row: Row) -> None:
        row.hidden = True
        self.hidden_ids.add(row.msg_id)
        if row in self._rows:
            i = self._rows.index(row)
            self.beginRemoveRows(QModelIndex(), i, i)
            del self._rows[i]
            self.endRemoveRows()

    def mark_answered(self, msg_ids: Iterable[str]) -> int:
        ids = set(msg_ids)
        self.answered_ids |= ids
        changed = 0
        for i, row in enumerate(self._rows):
            if row.msg_id in ids and not row.answered:
                row.answered = True
                row.layout = None
                changed += 1
                self.dataChanged.emit(self.index(i), self.index(i))
        for row in self._ring:
            if row.msg_id in ids:
                row.answered = True
        return changed

    # -- live / paused / results --------------------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        if paused == self.paused:
            return
        self.paused = paused
        if not paused:
            self.catch_up()

    def catch_up(self) -> None:
        """Back to the live stream: the newest rows that pass the filter."""
        self.results_title = None
        self.paused = False
        self.new_count = 0
        self.sig_new_count.emit(0)
        self._rebuild(self._ring)

    def show_results(self, title: str, rows: list[Row]) -> None:
        self.results_title = title
        self.new_count = 0
        self._reset([r for r in rows if not self._blocked(r)])

    def _rebuild(self, source: Iterable[Row]) -> None:
        self._reset([r for r in source if self.accepts(r)][-self.capacity:])

    def _reset(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    # -- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802 — Qt API
        return 0 if parent.isValid() else len(self._rows)

    def row(self, i: int) -> Row:
        return self._rows[i]

    def rows(self) -> list[Row]:
        return list(self._rows)

    def ring(self) -> list[Row]:
        return list(self._ring)

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == RowRole:
            return row
        if role == Qt.DisplayRole:
            return f"{self.badges.prefix(row.platform)}{row.viewer_name}: {row.line}"
        if role == Qt.ToolTipRole:
            # Escaped and wrapped: Qt would otherwise guess "rich text" from a comment's markup.
            stamp = time.strftime("%H:%M:%S", time.localtime(row.ts))
            body = html.escape(tooltip_text(row.text)).replace("\n", "<br>")
            why = f"<br><i>{html.escape(', '.join(row.intents))}</i>" if row.intents else ""
            where = html.escape(self.badges.prefix(row.platform))
            return f"<p style='white-space:pre-wrap'>{stamp} {where}{html.escape(row.viewer_name)}<br>{body}{why}</p>"
        if role == KindRole:
            return row.kind
        return None
