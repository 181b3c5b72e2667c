"""Old session logs open in the new app with their data intact."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from console.core.events import Comment, Viewer
from console.store import queries, schema
from console.store.writer import SessionStore

# The v1 layout exactly as the first release wrote it, by hand rather than through our own
# migration code, so this test would catch a migration that only works on files it built.
V1_SQL = """
CREATE TABLE sessions (id INTEGER PRIMARY KEY, platform TEXT NOT NULL, started_at FLOAT NOT NULL,
                       ended_at FLOAT, is_demo INTEGER NOT NULL, meta TEXT);
CREATE TABLE events (id INTEGER PRIMARY KEY, session_id INTEGER NOT NULL, kind TEXT NOT NULL,
                     platform TEXT, msg_id TEXT, ts FLOAT NOT NULL, viewer_id TEXT, payload TEXT);
CREATE INDEX events_session_ts ON events (session_id, ts);
PRAGMA user_version = 1;
"""

DRAW_DETAIL = {"draw_id": "d1", "winners": ["u2", "小红"], "seed": "00ff"}


def make_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_SQL)
    conn.executemany(
        "INSERT INTO sessions VALUES (?, ?, ?, ?, ?, ?)",
        [
            (1, "douyin", 100.0, 200.0, 0, json.dumps({"room": "r1"})),
            (2, "demo", 300.0, None, 1, None),
        ],
    )
    events = [
        (1, "comment", "douyin", "c1", 101.0, "u1", json.dumps({"text": "第一"})),
        (1, "comment", "douyin", "c2", 102.0, "u2", json.dumps({"text": "second"})),
        (1, "comment", "douyin", "c1", 101.0, "u1", json.dumps({"text": "第一"})),  # re-delivered
        (1, "like", "douyin", "", 103.0, None, json.dumps({"count": 4})),
        (1, "like", "douyin", "", 104.0, None, json.dumps({"count": 2})),
        (1, "action", "douyin", "a1", 105.0, None,
         json.dumps({"name": "lottery.draw", "source": "engine", "detail": DRAW_DETAIL},
                    ensure_ascii=False)),
        (2, "comment", "demo", "c1", 301.0, "d9", json.dumps({"text": "demo"})),
        (2, "action", "demo", "a2", 302.0, None,
         json.dumps({"name": "poll.open", "source": "host", "detail": {"poll_id": "p"}})),
    ]
    conn.executemany(
        "INSERT INTO events (session_id, kind, platform, msg_id, ts, viewer_id, payload) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        events,
    )
    conn.commit()
    conn.close()


def test_v1_log_is_upgraded_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.db"
    make_v1(path)

    store = SessionStore(path)
    new = store.start_session("demo")
    store.enqueue_batch([Comment("demo", "c1", 400.0, Viewer("z", "Zed"), text="after")])
    store.close()
    assert new == 3  # continues after the old sessions

    db = sqlite_utils.Database(path)
    assert schema.user_version(db) == schema.CURRENT_VERSION == 5
    assert {"app_version"} <= set(db["sessions"].columns_dict)
    assert {"viewer_name"} <= set(db["events"].columns_dict)
    assert "actions" in db.table_names()
    index_names = {ix.name for ix in db["events"].indexes}
    assert {"events_session_ts", "events_session_kind", "events_dedupe"} <= index_names
    assert any(ix.unique for ix in db["events"].indexes if ix.name == "events_dedupe")

    sessions = {s["id"]: s for s in queries.list_sessions(db)}
    assert sessions[1]["meta"] == {"room": "r1"} and sessions[1]["ended_at"] == 200.0
    assert sessions[1]["app_version"] is None and sessions[2]["is_demo"] is True

    old = queries.session_events(db, 1)
    # The duplicate delivery is gone; both id-less likes survive; actions moved out.
    assert [(e["kind"], e["msg_id"]) for e in old] == [
        ("comment", "c1"), ("comment", "c2"), ("like", None), ("like", None),
    ]
    assert old[0]["payload"] == {"text": "第一"} and old[0]["viewer_name"] is None

    (draw,) = queries.session_actions(db, 1)
    assert draw["name"] == "lottery.draw" and draw["source"] == "engine"
    assert draw["detail"] == DRAW_DETAIL and list(draw["detail"]) == list(DRAW_DETAIL)
    assert draw["msg_id"] == "a1" and draw["ts"] == 105.0
    assert [a["name"] for a in queries.session_actions(db, 2)] == ["poll.open"]
    assert queries.event_counts(db, 2) == {"comment": 1, "action": 1}
    assert queries.event_counts(db, 3) == {"comment": 1}

    # The dedupe now holds for old data too.
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO events (session_id, kind, platform, msg_id, ts) "
            "VALUES (1, 'comment', 'douyin', 'c2', 1.0)"
        )


def test_a_failing_migration_leaves_the_old_file_untouched(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    make_v1(path)

    def broken(db):
        schema._v1_to_v2(db)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(schema, "MIGRATIONS", [schema._v0_to_v1, broken])
    with pytest.raises(Exception):
        SessionStore(path)

    db = sqlite_utils.Database(path)
    assert schema.user_version(db) == 1
    assert "viewer_name" not in db["events"].columns_dict
    assert "actions" not in db.table_names()
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 8


def test_fresh_file_is_built_by_the_migration_chain(tmp_path):
    path = tmp_path / "new.db"
    SessionStore(path).close()
    db = sqlite_utils.Database(path)
    assert schema.user_version(db) == schema.CURRENT_VERSION
    assert set(db.table_names()) >= {"sessions", "events", "actions"}
    assert {ix.name for ix in db["actions"].indexes} >= {
        "actions_session_ts", "actions_session_name",
    }


def test_open_db_reads_without_writing_and_upgrades_old_files(tmp_path):
    current = tmp_path / "current.db"
    with SessionStore(current) as store:
        sid = store.start_session("demo")
    db = queries.open_db(current)
    assert queries.get_session(db, sid)["platform"] == "demo"
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("DELETE FROM sessions")

    old = tmp_path / "old.db"
    make_v1(old)
    upgraded = queries.open_db(old)
    assert schema.user_version(upgraded) == schema.CURRENT_VERSION
    assert len(queries.session_actions(upgraded, 1)) == 1

    with pytest.raises(FileNotFoundError, match="No session log"):
        queries.open_db(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()
