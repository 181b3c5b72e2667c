"""What the writer checks when it opens the log, before the show begins.

* The file can really be written: a read-only file or folder is found now, not when the first
  batch fails mid-show (before this, a read-only log ran the whole session in memory and lost it).
* There is room on the disk: a nearly full disk is said at start.
* Sessions left open by a crash are marked interrupted, with the time of their last record, so
  the host can be told and continue one or start a new one.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

MIN_FREE_BYTES = 5 * 1024 * 1024
"""Below this the log cannot be trusted to hold even a short show: refuse to start on it."""
LOW_FREE_BYTES = 200 * 1024 * 1024
"""Below this the host is warned at start (a busy 4-hour show logs a few hundred MB)."""


class StorageProblem(RuntimeError):
    """The log cannot be written at all; the message is for the host."""


def check_writable(conn: sqlite3.Connection, path: Path) -> None:
    """Take and drop the write lock once; raises sqlite3.Error (read-only file or folder)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        # A write that touches the file: read-only opens fail here, not at BEGIN on every SQLite.
        conn.execute("CREATE TABLE IF NOT EXISTS _write_probe (x)")
        conn.execute("DROP TABLE _write_probe")
    finally:
        conn.execute("ROLLBACK")


def free_space_note(path: Path) -> str | None:
    """None when there is room; raises StorageProblem when the disk is (nearly) full."""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return None
    if free < MIN_FREE_BYTES:
        raise StorageProblem(
            f"The disk holding the session log {path} is full ({free // 1024} KB free). "
            "Free some space, or start with --db on another disk.")
    if free < LOW_FREE_BYTES:
        return (f"The disk holding the session log has only {free // (1024 * 1024)} MB free; "
                "the log will stop saving if it fills up (events then wait in memory).")
    return None


def mark_interrupted(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Sessions never ended (the app crashed or was killed): set `interrupted_at` to the time of
    their last record and return them (oldest first). Run with the log lock held, so none of
    them belongs to a console that is still running."""
    found = []
    rows = conn.execute(
        "SELECT id, platform, started_at, is_demo FROM sessions "
        "WHERE ended_at IS NULL AND interrupted_at IS NULL ORDER BY id").fetchall()
    for sid, platform, started_at, is_demo in rows:
        last = started_at
        for table in ("events", "actions"):
            ts = conn.execute(f"SELECT MAX(ts) FROM {table} WHERE session_id = ?", (sid,)).fetchone()[0]
            if ts is not None and ts > last:
                last = ts
        conn.execute("UPDATE sessions SET interrupted_at = ? WHERE id = ?", (last, sid))
        found.append({"id": sid, "platform": platform, "started_at": started_at,
                      "interrupted_at": last, "is_demo": bool(is_demo)})
    return found
