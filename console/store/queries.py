"""Reading the session log back: the after-show review, exports and `verify-draw`.

Readers open the file read-only where they can, so a review window can never damage the log
of a show that is still running; WAL mode lets them read while the writer commits.
Every helper returns plain dicts with the JSON columns already parsed.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

from .schema import CURRENT_VERSION, SchemaTooNew, migrate, user_version


def open_db(path: Path | str) -> sqlite_utils.Database:
    """Open an existing log for reading; an older-format file is upgraded first."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No session log at {path}.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        version = user_version(sqlite_utils.Database(conn, execute_plugins=False))
    except sqlite3.OperationalError:
        # A read-only open of a WAL file fails when its -shm cannot be created (e.g. the
        # folder is read-only and the writer is gone); a normal open still reads it.
        conn, version = None, -1
    if conn is not None and version == CURRENT_VERSION:
        return sqlite_utils.Database(conn, execute_plugins=False)
    if conn is not None:
        conn.close()
    db = sqlite_utils.Database(sqlite3.connect(str(path)), execute_plugins=False)
    migrate(db)
    return db


class NotASessionLog(ValueError):
    """The file is not a Live Console session log (empty, or some other database)."""


def open_readonly(path: Path | str) -> sqlite_utils.Database:
    """Open a log strictly for reading: never creates, migrates or otherwise writes the file.

    What verify-draw uses, so checking a log can never change the evidence. Raises
    FileNotFoundError, SchemaTooNew (newer app wrote it) or NotASessionLog, in words.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No session log at {path}.")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        version = user_version(sqlite_utils.Database(conn, execute_plugins=False))
    except sqlite3.OperationalError:
        # WAL files need their -shm; in a read-only folder with no writer, read it as immutable.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
        version = user_version(sqlite_utils.Database(conn, execute_plugins=False))
    db = sqlite_utils.Database(conn, execute_plugins=False)
    if version > CURRENT_VERSION:
        conn.close()
        raise SchemaTooNew(
            f"{path.name} was written by a newer version of Live Console (log format {version}; "
            f"this version reads formats up to {CURRENT_VERSION}). Update Live Console to check it.")
    if "sessions" not in db.table_names():
        conn.close()
        raise NotASessionLog(f"{path} is not a Live Console session log (it has no sessions table).")
    return db


def session_records(db: sqlite_utils.Database, session_id: int) -> list[dict[str, Any]]:
    """All of one session's records — events and actions — in the log's own order (`seq`).

    Each dict has "table", the columns, the JSON parsed into "payload"/"detail" and the text as
    stored in "raw" (what the hash chain covers). Rows without a seq (written before the chain)
    follow, by id.
    """
    out: list[dict[str, Any]] = []
    for table, text_col in (("events", "payload"), ("actions", "detail")):
        for row in db.query(f"SELECT * FROM {table} WHERE session_id = ?", [session_id]):
            row["table"] = table
            row["raw"] = row[text_col]
            try:
                row[text_col] = json.loads(row[text_col]) if row[text_col] else {}
            except ValueError:
                row[text_col] = {}
            row.setdefault("seq", None)
            out.append(row)
    out.sort(key=lambda r: (r["seq"] is None, r["seq"] or 0, r["table"], r["id"]))
    return out


def _session_dict(row: dict[str, Any]) -> dict[str, Any]:
    row["is_demo"] = bool(row["is_demo"])
    row["meta"] = json.loads(row["meta"]) if row.get("meta") else {}
    return row


def list_sessions(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """All sessions, newest first."""
    return [
        _session_dict(row)
        for row in db.query("SELECT * FROM sessions ORDER BY started_at DESC, id DESC")
    ]


def get_session(db: sqlite_utils.Database, session_id: int) -> dict[str, Any] | None:
    rows = list(db.query("SELECT * FROM sessions WHERE id = ?", [session_id]))
    return _session_dict(rows[0]) if rows else None


def _in_clause(column: str, values: Iterable[str] | None) -> tuple[str, list[str]]:
    if values is None:
        return "", []
    items = [values] if isinstance(values, str) else list(values)
    if not items:
        return " AND 0", []
    return f" AND {column} IN ({', '.join('?' * len(items))})", items


def session_events(
    db: sqlite_utils.Database, session_id: int, kinds: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Platform events of one session in time order (ties in arrival order)."""
    where, params = _in_clause("kind", kinds)
    out = []
    for row in db.query(
        f"SELECT * FROM events WHERE session_id = ?{where} ORDER BY ts, id",
        [session_id, *params],
    ):
        row["payload"] = json.loads(row["payload"]) if row["payload"] else {}
        out.append(row)
    return out


def session_actions(
    db: sqlite_utils.Database, session_id: int, names: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """Actions of one session in the order they were recorded (what verify-draw replays)."""
    where, params = _in_clause("name", names)
    out = []
    for row in db.query(
        f"SELECT * FROM actions WHERE session_id = ?{where} ORDER BY id",
        [session_id, *params],
    ):
        row["detail"] = json.loads(row["detail"])
        out.append(row)
    return out


def event_counts(db: sqlite_utils.Database, session_id: int) -> dict[str, int]:
    """Rows per Event.kind for one session; actions are counted under "action"."""
    counts = {
        row["kind"]: row["n"]
        for row in db.query(
            "SELECT kind, COUNT(*) AS n FROM events WHERE session_id = ? GROUP BY kind",
            [session_id],
        )
    }
    actions = db.execute("SELECT COUNT(*) FROM actions WHERE session_id = ?", [session_id])
    n_actions = actions.fetchone()[0]
    if n_actions:
        counts["action"] = n_actions
    return counts


def resume_state(db: sqlite_utils.Database, session_id: int) -> dict[str, dict[str, Any]]:
    """platform → the latest resume state its provider saved in this session (cursors, last ids)."""
    out: dict[str, dict[str, Any]] = {}
    for action in session_actions(db, session_id, names=["provider.resume"]):
        detail = action.get("detail") or {}
        if isinstance(detail.get("state"), dict) and detail.get("platform"):
            out.setdefault(detail["platform"], {}).update(detail["state"])
    return out
