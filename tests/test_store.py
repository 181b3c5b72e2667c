"""The session log writer against a real SQLite file: batching, flushing, dedupe, routing."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from console.core import actions as act
from console.core.clock import ManualClock
from console.core.events import Action, ActionSource, Comment, Gift, Like, Viewer
from console.store import queries
from console.store.writer import SessionStore, default_connect
from tests.waiting import wait_until


def comments(n: int, *, start: int = 0, platform: str = "demo", prefix: str = "m") -> list:
    return [
        Comment(platform, f"{prefix}{i}", 1000.0 + i, Viewer(f"v{i % 7}", f"Viewer {i % 7}"),
                text=f"hello {i}")
        for i in range(start, start + n)
    ]


def raw(path: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "log" / "sessions.db"


def test_many_small_batches_land_in_few_transactions_and_nothing_is_lost(db_path):
    commits = []
    gate = threading.Event()
    gate.set()

    stalled = threading.Event()

    def trace(sql):
        if sql == "COMMIT":
            commits.append(sql)
        elif sql.startswith("BEGIN") and not gate.is_set():
            # Holds the writer inside a transaction while the test enqueues: the same stall a
            # busy machine causes, made deterministic instead of depending on CPU speed.
            stalled.set()
            gate.wait(30)

    def counting_connect(path):
        conn = default_connect(path)
        conn.set_trace_callback(trace)
        return conn

    store = SessionStore(db_path, connect=counting_connect)
    sid = store.start_session("demo")
    assert store.flush()
    commits.clear()  # migrations and the session row committed too; count only these events
    gate.clear()
    events = comments(10_000)
    store.enqueue_batch(events[:100])
    assert stalled.wait(30)
    for i in range(100, len(events), 100):
        store.enqueue_batch(events[i : i + 100])
    # The stall outlasts the 250 ms window, so the backlog's window has already closed when
    # the writer resumes (a slower machine only makes the stall longer, never shorter).
    time.sleep(0.4)
    gate.set()
    assert store.flush(timeout=60)
    stats, batch_commits = store.stats(), len(commits)
    store.close()

    assert raw(db_path, "SELECT COUNT(*) FROM events WHERE session_id = ?", (sid,)) == [(10_000,)]
    assert stats.written == 10_000 and stats.pending == 0
    # 100 enqueue calls during one stall: the first transaction, then the whole backlog in one
    # more (the flush marker may split off a third) — not one transaction per call.
    assert 1 <= batch_commits <= 3
    assert stats.batches == batch_commits + 1  # + the session row
    assert stats.last_latency_s is not None and stats.last_latency_s >= 0


def test_close_right_after_enqueue_flushes_everything(db_path):
    store = SessionStore(db_path)
    sid = store.start_session("tiktok", app_version="0.1.0")
    store.enqueue_batch(comments(5_000))
    store.close()
    store.close()  # idempotent

    assert raw(db_path, "SELECT COUNT(*) FROM events") == [(5_000,)]
    assert store.stats().pending == 0
    # Closing ends the open session: it has an end time.
    (ended,) = raw(db_path, "SELECT ended_at FROM sessions WHERE id = ?", (sid,))[0]
    assert ended is not None
    # Late events after close are counted, not silently lost or raised into the hub.
    store.enqueue_batch(comments(3, start=10_000))
    assert store.stats().dropped == 3


def test_rows_keep_event_fields_and_viewer_identity_only(db_path):
    store = SessionStore(db_path)
    sid = store.start_session("douyin")
    viewer = Viewer("u42", "小明", is_follower=True)
    store.enqueue_batch(
        [
            Comment("douyin", "c1", 10.5, viewer, text="想要链接"),
            Gift("douyin", "g1", 11.0, viewer, gift_name="rose", count=3, value=0.3),
            Like("douyin", "", 12.0, None, count=5),
        ]
    )
    store.close()
    db = queries.open_db(db_path)
    rows = queries.session_events(db, sid)
    assert [r["kind"] for r in rows] == ["comment", "gift", "like"]
    assert rows[0]["viewer_id"] == "u42" and rows[0]["viewer_name"] == "小明"
    assert rows[0]["payload"] == {"text": "想要链接"}
    assert rows[1]["payload"] == {"gift_name": "rose", "count": 3, "value": 0.3}
    assert rows[2]["viewer_id"] is None and rows[2]["msg_id"] is None
    assert set(rows[0]) == {
        "id", "session_id", "kind", "platform", "msg_id", "ts", "viewer_id", "viewer_name",
        "payload", "seq", "prev_hash", "hash",  # the hash chain (store/chain.py)
    }
    assert queries.session_events(db, sid, kinds=["gift"])[0]["msg_id"] == "g1"
    assert queries.event_counts(db, sid) == {"comment": 1, "gift": 1, "like": 1}


def test_redelivered_messages_are_stored_once(db_path):
    store = SessionStore(db_path)
    sid = store.start_session("twitch")
    first = comments(50)
    store.enqueue_batch(first)
    store.flush()
    # A reconnect re-delivers the last 20, and one message twice inside a batch.
    store.enqueue_batch(first[30:] + comments(10, start=50) + comments(1, start=55))
    # Id-less events are never duplicates of each other.
    store.enqueue_batch([Like("twitch", "", 5.0), Like("twitch", "", 5.0)])
    # Same id on another platform is a different message.
    store.enqueue_batch(comments(1, platform="youtube"))
    store.close()

    assert raw(db_path, "SELECT COUNT(*) FROM events WHERE session_id = ?", (sid,)) == [(63,)]
    stats = store.stats()
    assert stats.duplicates == 21 and stats.pending == 0 and stats.written == 63


def test_same_message_id_in_a_new_session_is_kept(db_path):
    store = SessionStore(db_path)
    s1 = store.start_session("demo")
    store.enqueue_batch(comments(3))
    s2 = store.start_session("demo")  # ends s1 on the way
    store.enqueue_batch(comments(3))
    store.close()
    assert s2 == s1 + 1
    assert raw(db_path, "SELECT session_id, COUNT(*) FROM events GROUP BY session_id") == [
        (s1, 3), (s2, 3),
    ]
    assert raw(db_path, "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL") == [(0,)]


def test_actions_are_routed_with_detail_exactly_as_given(db_path):
    store = SessionStore(db_path)
    sid = store.start_session("demo")
    detail = {"draw_id": "d1", "winners": ["v3", "小红"], "seed": "ab12", "a_last": {"z": 1}}
    store.enqueue_batch(
        [
            Comment("demo", "c1", 1.0, Viewer("v3", "V3"), text="抽奖"),
            Action("demo", "a1", 2.0, name=act.LOTTERY_ENTRY, source=ActionSource.ENGINE,
                   detail={"draw_id": "d1", "viewer_id": "v3"}),
            Action("demo", "a2", 2.0, name=act.LOTTERY_DRAW, source=ActionSource.ENGINE,
                   detail=detail),
            Action("demo", "a3", 1.5, name=act.POLL_OPEN, detail={"poll_id": "p"}),
        ]
    )
    store.close()

    assert raw(db_path, "SELECT COUNT(*) FROM events WHERE kind = 'action'") == [(0,)]
    stored = raw(db_path, "SELECT detail FROM actions WHERE name = ?", (act.LOTTERY_DRAW,))
    assert stored == [(json.dumps(detail, ensure_ascii=False),)]

    db = queries.open_db(db_path)
    recorded = queries.session_actions(db, sid)
    # Recording order, not timestamp order: verify-draw replays what the engine saw.
    assert [a["name"] for a in recorded] == [act.LOTTERY_ENTRY, act.LOTTERY_DRAW, act.POLL_OPEN]
    assert list(recorded[1]["detail"]) == ["draw_id", "winners", "seed", "a_last"]
    assert recorded[1]["detail"] == detail and recorded[1]["source"] == "engine"
    only_draws = queries.session_actions(db, sid, names=[act.LOTTERY_DRAW])
    assert [a["msg_id"] for a in only_draws] == ["a2"]
    assert queries.event_counts(db, sid) == {"comment": 1, "action": 3}


def test_sessions_demo_flag_meta_and_clock(db_path):
    clock = ManualClock(start=1_700_000_000.0)
    store = SessionStore(db_path, clock=clock)
    demo = store.start_session(
        "demo", is_demo=False, app_version="0.1.0",
        meta={"room": "r1", "stream_key": {"note": "x"}, "auth": {"access_token": "t"},
              "nested": {"password": "p", "title": "Spring sale"}, "author": "me"},
    )
    clock.advance(60)
    store.end_session()
    store.enqueue_batch(comments(2))  # between sessions: nowhere to go
    real = store.start_session("tiktok", app_version="0.1.0")
    store.close()

    db = queries.open_db(db_path)
    sessions = queries.list_sessions(db)
    assert [s["id"] for s in sessions] == [real, demo]  # newest first
    first = queries.get_session(db, demo)
    assert first["is_demo"] is True  # the demo platform is always flagged
    assert first["started_at"] == 1_700_000_000.0 and first["ended_at"] == 1_700_000_060.0
    assert first["meta"] == {"room": "r1", "nested": {"title": "Spring sale"}, "author": "me"}
    assert first["app_version"] == "0.1.0"
    assert queries.get_session(db, real)["is_demo"] is False
    assert b"access_token" not in db_path.read_bytes()
    assert store.stats().dropped == 2


def test_enqueue_from_several_threads(db_path):
    store = SessionStore(db_path, batch_window_s=0.05)
    sid = store.start_session("demo")
    barrier = threading.Barrier(6)

    def produce(t: int) -> None:
        barrier.wait()
        events = comments(4_000, prefix=f"t{t}-")
        for i in range(0, len(events), 37):
            store.enqueue_batch(events[i : i + 37])

    threads = [threading.Thread(target=produce, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    store.close()

    assert raw(db_path, "SELECT COUNT(DISTINCT msg_id) FROM events WHERE session_id = ?",
               (sid,)) == [(24_000,)]
    assert store.stats().written == 24_000 and store.stats().duplicates == 0


def test_wal_mode_and_ids_continue_after_reopen(db_path):
    with SessionStore(db_path) as store:
        first = store.start_session("demo")
        assert raw(db_path, "PRAGMA journal_mode") == [("wal",)]
    with SessionStore(db_path) as store:
        second = store.start_session("demo")
    assert second == first + 1


def test_forgotten_close_is_flushed_at_interpreter_exit(tmp_path):
    db = tmp_path / "exit.db"
    script = f"""
from pathlib import Path
from console.core.events import Comment
from console.store.writer import SessionStore
store = SessionStore(Path({str(db)!r}))
store.start_session("demo")
store.enqueue_batch([Comment("demo", f"m{{i}}", float(i), text="x") for i in range(3000)])
# no close(): the atexit hook must flush
"""
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert raw(db, "SELECT COUNT(*) FROM events") == [(3000,)]
    assert raw(db, "SELECT COUNT(*) FROM sessions WHERE ended_at IS NOT NULL") == [(1,)]


def test_default_db_path_is_in_user_data_dir(tmp_path, monkeypatch):
    import platformdirs

    from console.store import paths

    seen = {}

    def fake_user_data_dir(appname, appauthor=None, *a, **kw):
        seen["app"] = appname
        return str(tmp_path / "data" / appname)

    monkeypatch.setattr(platformdirs, "user_data_dir", fake_user_data_dir)
    path = paths.default_db_path()
    assert seen["app"] == "LiveConsole"
    assert path == tmp_path / "data" / "LiveConsole" / "sessions.db"
    assert path.parent.is_dir()


def test_the_writers_fast_chain_hash_is_the_documented_one():
    """store/chain.py: the unrolled hashes the writer uses equal the field-by-field definition."""
    from console.store.chain import GENESIS, action_fields, action_hash, event_fields, event_hash, record_hash

    ev = (3, "comment", "douyin", None, 1700000000.1234567, "u1", "小明", '{"text":"想要"}')
    act = (3, 17.5, "lottery.open", "host", '{"draw_id":"d"}', "console", "act-1")
    assert event_hash(GENESIS, ev, 5) == record_hash(GENESIS, event_fields(ev, 5))
    assert action_hash(b"\x01" * 32, act, 6) == record_hash(b"\x01" * 32, action_fields(act, 6))
    # NULL and "" are the same bytes (the writer never stores ""), a different ts is not.
    assert event_hash(GENESIS, ev, 5) == event_hash(GENESIS, (*ev[:3], "", *ev[4:]), 5)
    assert event_hash(GENESIS, ev, 5) != event_hash(GENESIS, (*ev[:4], 1700000000.124, *ev[5:]), 5)


def test_backlog_says_how_long_the_oldest_unsaved_event_has_waited(db_path):
    gate = threading.Event()
    gate.set()
    stalled = threading.Event()

    def trace(sql):
        if sql.startswith("BEGIN") and not gate.is_set():
            stalled.set()
            gate.wait(60)  # the writer is held, as a machine too busy to save would hold it

    def tracing_connect(path):
        conn = default_connect(path)
        conn.set_trace_callback(trace)
        return conn

    store = SessionStore(db_path, connect=tracing_connect)
    store.start_session("demo")
    assert store.flush() and store.backlog_s() == 0.0
    gate.clear()
    store.enqueue_batch(comments(10))
    assert stalled.wait(30)
    store.enqueue_batch(comments(10, start=10))
    wait_until(lambda: store.backlog_s() >= 0.5, timeout=60)  # grows while the writer is held
    gate.set()
    assert store.flush(timeout=60)
    assert store.backlog_s() == 0.0
    store.close()
    assert raw(db_path, "SELECT COUNT(*) FROM events") == [(20,)]
