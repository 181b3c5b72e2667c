"""One batch of rows and the single transaction that commits it."""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any

from . import rows

log = logging.getLogger(__name__)

INSERT_SESSION = (
    "INSERT INTO sessions (id, platform, started_at, ended_at, is_demo, meta, app_version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)"
)
END_SESSION = "UPDATE sessions SET ended_at = ? WHERE id = ?"

DATA_ERRORS = (sqlite3.IntegrityError, sqlite3.InterfaceError, sqlite3.DataError)
"""Errors caused by a row itself: retrying cannot help, so they must not block the rest."""


@dataclass
class Batch:
    sessions: list[tuple[Any, ...]] = field(default_factory=list)
    events: list[tuple[Any, ...]] = field(default_factory=list)
    actions: list[tuple[Any, ...]] = field(default_factory=list)
    ends: list[tuple[float, int]] = field(default_factory=list)
    waiters: list[threading.Event] = field(default_factory=list)
    urgent: bool = False
    """A flush or close is waiting: write now instead of waiting out the window."""
    oldest: float = float("inf")
    """time.monotonic() when the oldest events in this batch were enqueued."""

    @property
    def rows(self) -> int:
        return len(self.sessions) + len(self.events) + len(self.actions) + len(self.ends)


@dataclass(frozen=True, slots=True)
class Committed:
    written: int
    duplicates: int
    rejected: int


def commit(conn: sqlite3.Connection, batch: Batch) -> Committed:
    """Write `batch` in one transaction. Raises (after rolling back) on disk/lock trouble.

    A row the database refuses (a constraint, an unbindable value) would fail the batch on
    every retry and hold the whole log hostage, so then the batch is written row by row and
    only the refused rows are left out (and counted).
    """
    try:
        return _in_transaction(conn, lambda: _bulk(conn, batch))
    except DATA_ERRORS as exc:
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


def _bulk(conn: sqlite3.Connection, batch: Batch) -> Committed:
    if batch.sessions:
        conn.executemany(INSERT_SESSION, batch.sessions)
    inserted = conn.executemany(rows.INSERT_EVENT, batch.events).rowcount if batch.events else 0
    if batch.actions:
        conn.executemany(rows.INSERT_ACTION, batch.actions)
    if batch.ends:
        conn.executemany(END_SESSION, batch.ends)
    return Committed(inserted + len(batch.actions), len(batch.events) - inserted, 0)


def _row_by_row(conn: sqlite3.Connection, batch: Batch) -> Committed:
    written = duplicates = rejected = 0
    for row in batch.sessions:
        try:
            conn.execute(INSERT_SESSION, row)
        except DATA_ERRORS:
            log.exception("session log: session row refused: %r", row[:3])
    for sql, table_rows, is_event in (
        (rows.INSERT_EVENT, batch.events, True),
        (rows.INSERT_ACTION, batch.actions, False),
    ):
        for row in table_rows:
            try:
                changed = conn.execute(sql, row).rowcount
            except DATA_ERRORS as exc:
                rejected += 1
                log.warning("session log: row refused (%s): %.200r", exc, row)
                continue
            if changed or not is_event:
                written += 1
            else:
                duplicates += 1
    for row in batch.ends:
        conn.execute(END_SESSION, row)
    return Committed(written, duplicates, rejected)
