"""One batch of rows and the single transaction that commits it (chained, see chain.py)."""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

from . import rows
from .chain import GENESIS, action_hash, event_hash

log = logging.getLogger(__name__)

INSERT_SESSION = (
    "INSERT INTO sessions (id, platform, started_at, ended_at, is_demo, meta, app_version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
END_SESSION = "UPDATE sessions SET ended_at = ? WHERE id = ?"
_CHAIN_COLS = ("seq", "prev_hash", "hash")
INSERT_EVENT = (
    f"INSERT OR IGNORE INTO events ({', '.join(rows.EVENT_COLUMNS + _CHAIN_COLS)}) "
    f"VALUES ({', '.join('?' * (len(rows.EVENT_COLUMNS) + 3))})"
)
INSERT_ACTION = (
    f"INSERT INTO actions ({', '.join(rows.ACTION_COLUMNS + _CHAIN_COLS)}) "
    f"VALUES ({', '.join('?' * (len(rows.ACTION_COLUMNS) + 3))})"
)
FTS_SQL = ("INSERT INTO comments_fts(rowid, text) SELECT id, json_extract(payload, '$.text') FROM events "
           "WHERE id > ? AND kind = 'comment' AND json_valid(payload)")
HEAD_SQL = ("SELECT seq, hash FROM {table} WHERE session_id = ? AND seq IS NOT NULL "
            "ORDER BY seq DESC LIMIT 1")

DATA_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.DataError)
"""Errors caused by a row itself: retrying cannot help, so they must not block the rest."""


@dataclass
class Batch:
    sessions: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    actions: list[tuple[Any, ...]] = field(default_factory=list)
    ends: list[tuple[float, int]] = field(default_factory=list)
    order: list[bool] = field(default_factory=list)
    """Arrival order across the two tables: True = the next events row, False = the next action.
    Empty (or inconsistent) means all events first, then all actions."""
    waiters: list[threading.Event] = field(default_factory=list)
    urgent: bool = False
    """A flush or close is waiting: write now instead of waiting out the window."""
    oldest: float = float("inf")
    """time.monotonic() when the oldest events in this batch were enqueued."""
    enqueues: int = 0
    """How many enqueue_batch calls this batch holds (see SessionStore.backlog_s)."""

    @property
    def rows(self) -> int:
        return len(self.sessions) + len(self.events) + len(self.actions) + len(self.ends)

    def in_order(self):
        """(is_event, row) in arrival order."""
        order = self.order
        if len(order) != len(self.events) + len(self.actions) or sum(order) != len(self.events):
            order = [True] * len(self.events) + [False] * len(self.actions)
        ev, act = iter(self.events), iter(self.actions)
        for is_event in order:
            yield is_event, next(ev) if is_event else next(act)


@dataclass(frozen=True, slots=True)
class Committed:
    written: int
    duplicates: int
    rejected: int
    heads: dict[int, tuple[int, bytes]] = field(default_factory=dict)
    """session id -> (seq, hash) of its newest record after this commit."""


class _Redo(Exception):
    """A re-delivered event was ignored: the chain must skip it, so redo the batch row by row."""


def commit(conn: sqlite3.Connection, batch: Batch) -> Committed:
    """Write `batch` in one transaction. Raises (after rolling back) on disk/lock trouble.

    A row the database refuses (a constraint, an unbindable value) would fail the batch on
    every retry and hold the whole log hostage, so then the batch is written row by row and
    only the refused rows are left out (and counted). The chain continues from what is on disk
    (read inside the transaction), so a retried batch is chained exactly once.
    """
    try:
        return _in_transaction(conn, lambda: _bulk(conn, batch))
    except (_Redo, *DATA_ERRORS) as exc:
        if not isinstance(exc, _Redo):
            log.warning("session log: a row was refused (%s); saving the batch row by row", exc)
        return _in_transaction(conn, lambda: _row_by_row(conn, batch))


def _in_transaction(conn: sqlite3.Connection, work) -> Committed:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work()
        conn.execute("COMMIT")
    except BaseException:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # nothing was committed either way; the original error matters
        raise
    return result


class _Heads(dict):
    """session id -> (seq, hash) of its newest chained record, read from disk on first use."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        self.conn = conn

    def __missing__(self, session_id: int) -> tuple[int, bytes]:
        best = (0, GENESIS)
        for table in ("events", "actions"):
            row = self.conn.execute(HEAD_SQL.format(table=table), (session_id,)).fetchone()
            if row and row[0] > best[0]:
                best = (int(row[0]), bytes(row[1]))
        self[session_id] = best
        return best

    def chain(self, is_event: bool, row: tuple[Any, ...]) -> tuple[Any, ...]:
        seq, prev = self[row[0]]
        seq += 1
        if is_event:
            return (*row[:8], seq, prev, event_hash(prev, row, seq))
        return (*row[:7], seq, prev, action_hash(prev, row, seq))

    def advance(self, chained: tuple[Any, ...]) -> None:
        self[chained[0]] = (chained[-3], chained[-1])


def _last_event_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0]


def _index_comments(conn: sqlite3.Connection, after_id: int) -> None:
    """The comments this transaction added go into the full-text index in one statement."""
    try:
        conn.execute(FTS_SQL, (after_id,))
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):  # a log without search (never migrated to it)
            raise


def _bulk(conn: sqlite3.Connection, batch: Batch) -> Committed:
    first = _last_event_id(conn)
    if batch.sessions:
        conn.executemany(INSERT_SESSION, batch.sessions)
    heads = _Heads(conn)
    events, actions = [], []
    for is_event, row in batch.in_order():
        chained = heads.chain(is_event, row)
        heads.advance(chained)
        (events if is_event else actions).append(chained)
    inserted = conn.executemany(INSERT_EVENT, events).rowcount if events else 0
    if inserted != len(events):
        raise _Redo()
    if actions:
        conn.executemany(INSERT_ACTION, actions)
    if batch.ends:
        conn.executemany(END_SESSION, batch.ends)
    if inserted:
        _index_comments(conn, first)
    return Committed(inserted + len(actions), 0, 0, dict(heads))


def _row_by_row(conn: sqlite3.Connection, batch: Batch) -> Committed:
    first = _last_event_id(conn)
    written = duplicates = rejected = 0
    for row in batch.sessions:
        try:
            conn.execute(INSERT_SESSION, row)
        except DATA_ERRORS:
            log.exception("session log: session row refused: %r", row[:3])
    heads = _Heads(conn)
    for is_event, row in batch.in_order():
        try:
            chained = heads.chain(is_event, row)
            changed = conn.execute(INSERT_EVENT if is_event else INSERT_ACTION, chained).rowcount
        except (*DATA_ERRORS, TypeError, ValueError) as exc:
            rejected += 1
            log.warning("session log: row refused (%s): %.200r", exc, row)
            continue
        if changed:
            written += 1
            heads.advance(chained)
        else:
            duplicates += 1
    for row in batch.ends:
        conn.execute(END_SESSION, row)
    _index_comments(conn, first)
    return Committed(written, duplicates, rejected, dict(heads))
