"""The session log's schema, owned by code: a list of migrations, each from version N to N+1.

The version lives in `PRAGMA user_version`, which is part of the database header and so is
written in the same transaction as the migration itself: a crash mid-migration leaves the old
version and the old tables, never a half-migrated file.

A fresh file is built by running every migration from 0, so the upgrade path that real users'
files take is the one exercised on every new database.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Callable

import sqlite_utils

from .rows import dumps_detail


class SchemaTooNew(RuntimeError):
    """The file was written by a newer Live Console; we refuse to guess at its layout."""


def user_version(db: sqlite_utils.Database) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def _v0_to_v1(db: sqlite_utils.Database) -> None:
    """The first released layout: no actions table, no dedupe, no viewer names."""
    db["sessions"].create(
        {
            "id": int,
            "platform": str,
            "started_at": float,
            "ended_at": float,
            "is_demo": int,
            "meta": str,
        },
        pk="id",
        not_null=["platform", "started_at", "is_demo"],
    )
    db["events"].create(
        {
            "id": int,
            "session_id": int,
            "kind": str,
            "platform": str,
            "msg_id": str,
            "ts": float,
            "viewer_id": str,
            "payload": str,
        },
        pk="id",
        not_null=["session_id", "kind", "ts"],
    )
    db["events"].create_index(["session_id", "ts"], index_name="events_session_ts")


def _v1_to_v2(db: sqlite_utils.Database) -> None:
    db["sessions"].add_column("app_version", str)
    db["events"].add_column("viewer_name", str)

    db["actions"].create(
        {
            "id": int,
            "session_id": int,
            "ts": float,
            "name": str,
            "source": str,
            "detail": str,
            "platform": str,
            "msg_id": str,
        },
        pk="id",
        not_null=["session_id", "ts", "name", "source", "detail"],
    )
    db["actions"].create_index(["session_id", "ts"], index_name="actions_session_ts")
    db["actions"].create_index(["session_id", "name"], index_name="actions_session_name")

    # v1 logged actions as ordinary events; move them where verify-draw looks, keeping their
    # original order (ascending id) and their detail mapping exactly as it was recorded.
    moved = []
    for row in db.query(
        "SELECT id, session_id, ts, platform, msg_id, payload FROM events "
        "WHERE kind = 'action' ORDER BY id"
    ):
        payload = json.loads(row["payload"] or "{}")
        moved.append(
            (
                row["session_id"],
                row["ts"],
                str(payload.get("name", "")),
                str(payload.get("source", "host")),
                dumps_detail(payload.get("detail") or {}),
                row["platform"],
                row["msg_id"] or None,
            )
        )
    db.conn.executemany(
        "INSERT INTO actions (session_id, ts, name, source, detail, platform, msg_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        moved,
    )
    db.execute("DELETE FROM events WHERE kind = 'action'")

    # An empty message id means "the platform gave none"; NULLs never collide in a UNIQUE
    # index, so those events are all kept instead of collapsing into one.
    db.execute("UPDATE events SET msg_id = NULL WHERE msg_id = ''")
    # v1 had no dedupe, so a reconnecting provider may have logged a message twice. Keep the
    # first copy; the unique index below would refuse to build otherwise.
    db.execute(
        "DELETE FROM events WHERE msg_id IS NOT NULL AND id NOT IN ("
        " SELECT MIN(id) FROM events WHERE msg_id IS NOT NULL"
        " GROUP BY session_id, platform, msg_id)"
    )
    db["events"].create_index(
        ["session_id", "platform", "msg_id"], index_name="events_dedupe", unique=True
    )
    db["events"].create_index(["session_id", "kind"], index_name="events_session_kind")


def _v2_to_v3(db: sqlite_utils.Database) -> None:
    """Full-text search over comments (console/store/search.py).

    An FTS5 table keyed by events.id, filled by a trigger as comments are inserted, so the writer
    needs no change. The trigram tokenizer matches inside Chinese text, which has no spaces
    ("多少钱" inside "这个多少钱"); an SQLite too old for it falls back to unicode61.
    """
    try:
        db.execute("CREATE VIRTUAL TABLE comments_fts USING fts5(text, tokenize='trigram')")
    except sqlite3.OperationalError:
        db.execute("CREATE VIRTUAL TABLE comments_fts USING fts5(text)")
    # Merge index segments only when they pile up (crisismerge): ~40 % cheaper inserts, which
    # is what the writer thread feels at 10,000 events/s; queries stay fast for a session's size.
    db.execute("INSERT INTO comments_fts(comments_fts, rank) VALUES ('automerge', 0)")
    db.execute(
        "CREATE TRIGGER events_comment_fts AFTER INSERT ON events WHEN new.kind = 'comment' BEGIN"
        " INSERT INTO comments_fts(rowid, text) VALUES (new.id, json_extract(new.payload, '$.text'));"
        " END"
    )
    db.execute(
        "CREATE TRIGGER events_comment_fts_delete AFTER DELETE ON events WHEN old.kind = 'comment' BEGIN"
        " DELETE FROM comments_fts WHERE rowid = old.id;"
        " END"
    )
    db.execute(
        "INSERT INTO comments_fts(rowid, text) SELECT id, json_extract(payload, '$.text') FROM events"
        " WHERE kind = 'comment' AND json_valid(payload)"
    )


def _v3_to_v4(db: sqlite_utils.Database) -> None:
    """The hash chain (store/chain.py) and interrupted sessions.

    `seq` orders a session's events and actions together (the log's own order); `prev_hash` and
    `hash` chain them. Rows written before v4 keep NULLs: they were never chained and verify-draw
    says so instead of pretending. `interrupted_at` is the time of the last record of a session
    that was never ended (the app crashed or was killed); set when the next start finds it.
    """
    for table in ("events", "actions"):
        db[table].add_column("seq", int)
        db[table].add_column("prev_hash", bytes)
        db[table].add_column("hash", bytes)
        db[table].create_index(["session_id", "seq"], index_name=f"{table}_session_seq")
    db["sessions"].add_column("interrupted_at", float)


def _v4_to_v5(db: sqlite_utils.Database) -> None:
    """Comments reach the full-text index in one statement per batch (store/batch.py) instead of
    a trigger per row: the per-row trigger cost ~200 µs per comment, which held the writer near
    4k rows/s and left a 20k/s show's log tens of seconds behind (lost in a crash)."""
    db.execute("DROP TRIGGER IF EXISTS events_comment_fts")


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v0_to_v1, _v1_to_v2, _v2_to_v3, _v3_to_v4,
                                                             _v4_to_v5]
"""MIGRATIONS[n] takes a database from version n to n + 1. Only ever append."""

CURRENT_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database) -> tuple[int, int]:
    """Bring `db` up to CURRENT_VERSION, one transaction per step. Returns (from, to)."""
    start = user_version(db)
    if start > CURRENT_VERSION:
        raise SchemaTooNew(
            f"This session log was written by a newer version of Live Console (format "
            f"{start}, this version reads up to {CURRENT_VERSION}). Update the app to open it."
        )
    for version in range(start, CURRENT_VERSION):
        with db.atomic():
            MIGRATIONS[version](db)
            # PRAGMA cannot take a bound parameter; `version` is our own int.
            db.execute(f"PRAGMA user_version = {version + 1}")
    return start, CURRENT_VERSION
