"""Malformed events from a buggy provider or engine cost at most themselves, never the log."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from console.core.events import Action, Comment, Viewer
from console.store import queries
from console.store.batch import Batch, commit
from console.store.rows import split_rows
from console.store.writer import SessionStore, default_connect


def test_odd_values_are_coerced_and_stored(tmp_path: Path):
    path = tmp_path / "odd.db"
    store = SessionStore(path)
    sid = store.start_session("demo")
    store.enqueue_batch(
        [
            Comment("demo", 17, float("nan"), Viewer(42, "N" * 5_000), text="ok"),  # type: ignore[arg-type]
            Comment("demo", "c2", None, None, text="no ts"),  # type: ignore[arg-type]
            Action("demo", "a1", 3.0, name="lottery.open",
                   detail={"when": dt.datetime(2024, 1, 2), "tags": {"x"}}),
        ]
    )
    store.close()

    stats = store.stats()
    assert stats.pending == 0 and stats.rejected == 0 and stats.written == 3
    db = queries.open_db(path)
    first, second = queries.session_events(db, sid)
    by_id = {e["msg_id"]: e for e in (first, second)}
    assert by_id["17"]["viewer_id"] == "42" and len(by_id["17"]["viewer_name"]) == 100
    assert isinstance(by_id["c2"]["ts"], float)
    (action,) = queries.session_actions(db, sid)
    assert action["detail"] == {"when": "2024-01-02 00:00:00", "tags": "{'x'}"}


def test_a_non_event_in_a_batch_is_rejected_alone(tmp_path: Path):
    path = tmp_path / "junk.db"
    store = SessionStore(path)
    store.start_session("demo")
    store.enqueue_batch(
        [Comment("demo", "c1", 1.0, text="a"), "not an event", Comment("demo", "c2", 2.0)]  # type: ignore[list-item]
    )
    store.close()
    assert store.stats().rejected == 1 and store.stats().pending == 0
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT msg_id FROM events ORDER BY id").fetchall() == [("c1",), ("c2",)]
    conn.close()


def test_a_row_the_database_refuses_does_not_hold_the_batch_hostage(tmp_path: Path):
    path = tmp_path / "refused.db"
    SessionStore(path).close()  # build the schema
    conn = default_connect(path)
    ev_rows, act_rows = split_rows(1, [Comment("demo", f"c{i}", float(i)) for i in range(5)])
    bad_action = (1, 1.0, None, "host", json.dumps({}), "demo", "a0")  # name is NOT NULL
    batch = Batch(
        sessions=[(1, "demo", 0.0, None, 1, "{}", "0.1.0")],
        events=ev_rows + ev_rows[:1],  # plus one re-delivery
        actions=[bad_action, *split_rows(1, [Action("demo", "a1", 2.0, name="poll.open")])[1]],
    )
    done = commit(conn, batch)
    conn.close()

    assert (done.written, done.duplicates, done.rejected) == (6, 1, 1)
    check = sqlite3.connect(path)
    assert check.execute("SELECT COUNT(*) FROM events").fetchone() == (5,)
    assert check.execute("SELECT name FROM actions").fetchall() == [("poll.open",)]
    assert check.execute("SELECT COUNT(*) FROM sessions").fetchone() == (1,)
    check.close()
