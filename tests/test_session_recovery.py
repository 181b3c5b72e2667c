"""Issue 12, the session log: one console per log, crashes recovered (with their lottery),
storage problems caught at start, secrets masked by shape."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from console.__main__ import main
from console.core.clock import ManualClock
from console.core.events import Comment, Viewer
from console.core.hub import SessionHub
from console.interact.controller import Interactions
from console.interact.seed_vault import SeedVault
from console import session_recovery as recovery
from console.store import opening
from console.store.writer import SessionStore, StoreOpenError, default_connect

CHILD = Path(__file__).with_name("crash_child.py")


def start_child(db: Path, viewers: int = 30, undecided: int = 0) -> tuple[subprocess.Popen, str, str]:
    proc = subprocess.Popen([sys.executable, str(CHILD), str(db), str(viewers), str(undecided)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().split()
    assert line and line[0] == "READY", proc.stderr.read()
    return proc, line[1], line[2]


def kill9(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_a_second_console_on_the_same_log_refuses_and_names_the_first(tmp_path):
    db = tmp_path / "s.db"
    proc, _, _ = start_child(db)
    try:
        with pytest.raises(StoreOpenError) as err:
            SessionStore(db)
        assert f"process {proc.pid}" in str(err.value) and "already in use" in str(err.value)
    finally:
        kill9(proc)
    # The kernel dropped the lock with the process: the next console opens the log.
    store = SessionStore(db)
    assert [s["id"] for s in store.interrupted] == [1]
    assert store.start_session("demo") == 2
    store.close()


def _restore(db: Path, session_id: int):
    hub, clock = SessionHub(), ManualClock()
    store = SessionStore(db, clock=clock)
    sid = store.continue_session(session_id)
    hub.subscribe(store.enqueue_batch, name="store")
    ix = Interactions(hub, clock, presets=[])
    ix.chain_head = store.chain_head
    return store, hub, ix, recovery.restore_lottery(db, sid, ix)


def test_a_killed_console_leaves_an_interrupted_session_whose_lottery_is_drawn_after_restart(tmp_path, capsys):
    db = tmp_path / "s.db"
    proc, draw_id, commitment = start_child(db, viewers=30)
    kill9(proc)

    store = SessionStore(db)
    [gone] = store.interrupted
    conn = sqlite3.connect(db)
    last_ts = max(conn.execute("SELECT MAX(ts) FROM events").fetchone()[0],
                  conn.execute("SELECT MAX(ts) FROM actions").fetchone()[0])
    assert conn.execute("SELECT interrupted_at FROM sessions WHERE id = 1").fetchone()[0] == last_ts
    conn.close()
    assert gone["id"] == 1 and gone["interrupted_at"] == last_ts
    assert "was interrupted" in recovery.describe(gone)
    store.close()

    store, hub, ix, result = _restore(db, 1)
    assert result.ok, result.message
    view = ix.snapshot().lottery
    assert view.draw_id == draw_id and view.commitment == commitment and view.phase == "closed"
    assert view.entrants == 20 and view.entrants_hash
    assert store.flush()
    assert ix.draw().ok
    store.close()
    assert main(["verify-draw", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert f"{draw_id} (session 1): VALID — 20 entrant(s)" in out


def test_comments_logged_but_never_decided_are_decided_from_the_log_after_restart(tmp_path, capsys):
    db = tmp_path / "s.db"
    proc, draw_id, _ = start_child(db, viewers=6, undecided=5)
    kill9(proc)
    store, hub, ix, result = _restore(db, 1)
    assert result.ok
    assert ix.snapshot().lottery.entrants == 4 + 5
    assert ix.draw().ok
    store.close()
    conn = sqlite3.connect(db)
    recovered = [json.loads(d) for (d,) in conn.execute("SELECT detail FROM actions WHERE name = 'lottery.entry'")]
    conn.close()
    assert sum(1 for d in recovered if d.get("recovered")) == 5
    assert main(["verify-draw", "--db", str(db)]) == 0
    assert "VALID — 9 entrant(s)" in capsys.readouterr().out


def test_without_the_seed_the_lottery_is_void_with_the_reason_logged_and_on_air(tmp_path, capsys):
    db = tmp_path / "s.db"
    proc, draw_id, _ = start_child(db, viewers=9)
    kill9(proc)
    SeedVault().forget(draw_id)  # another machine, or no keyring: the seed is gone
    store, hub, ix, result = _restore(db, 1)
    view = ix.snapshot().lottery
    assert view.phase == "void" and "seed could not be recovered" in view.void_reason
    assert not ix.draw().ok
    store.close()
    assert main(["verify-draw", "--db", str(db)]) == 0  # void is listed, not a failure
    out = capsys.readouterr().out
    assert f"{draw_id} (session 1): VOID — called off: the console stopped before the draw" in out


def test_a_read_only_log_is_refused_at_start_not_lost_at_the_end(tmp_path):
    db = tmp_path / "ro.db"
    SessionStore(db).close()

    def read_only(path):
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                               check_same_thread=False)
        return conn

    with pytest.raises(StoreOpenError, match="read-only"):
        SessionStore(db, connect=read_only)
    SessionStore(db).close()  # and the refusal released the lock


def test_a_full_disk_is_refused_at_start_and_a_low_one_noted(tmp_path, monkeypatch):
    class Usage:
        def __init__(self, free):
            self.free = free

    monkeypatch.setattr(opening.shutil, "disk_usage", lambda _p: Usage(1024))
    with pytest.raises(StoreOpenError, match="disk holding the session log .* is full"):
        SessionStore(tmp_path / "full.db")
    monkeypatch.setattr(opening.shutil, "disk_usage", lambda _p: Usage(50 * 1024 * 1024))
    store = SessionStore(tmp_path / "low.db")
    assert store.notes and "only 50 MB free" in store.notes[0]
    store.close()


def test_a_recovered_disk_counts_as_everything_saved(tmp_path):
    from tests.test_store_failures import CapturedConnect, Errors, comments

    errors, disk = Errors(), CapturedConnect()
    store = SessionStore(tmp_path / "full.db", on_error=errors, connect=disk)
    store.start_session("demo")
    assert store.flush()
    disk.fill_disk()
    store.enqueue_batch(comments(2_000))
    assert errors.arrived.wait(10)
    assert not store.stats().saved_everything
    disk.free_disk()
    assert store.flush(timeout=15)
    store.close()
    stats = store.stats()
    assert stats.last_error and stats.saved_everything  # the old error no longer fails the run


def test_secrets_are_masked_by_shape_in_meta_and_logs(tmp_path, caplog):
    from console.core.secrets_scrub import ScrubFilter

    db = tmp_path / "s.db"
    store = SessionStore(db)
    store.start_session("demo", meta={"camera": "rtsp://admin:hunter2@10.0.0.5/live",
                                      "push": ["rtmp://live.example/app?streamkey=sk_live_abcdefghijklmnop1234"],
                                      "note": "Bearer abcdef1234567890"})
    store.close()
    meta = sqlite3.connect(db).execute("SELECT meta FROM sessions").fetchone()[0]
    assert "hunter2" not in meta and "abcdefghijklmnop1234" not in meta and "abcdef1234567890" not in meta
    assert json.loads(meta)["camera"] == "rtsp://admin:***@10.0.0.5/live"

    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "camera %s failed", ("rtsp://u:pw@h/1",), None)
    ScrubFilter().filter(record)
    assert record.getMessage() == "camera rtsp://u:***@h/1 failed"


def test_the_app_tells_the_host_and_continues_the_show_with_its_lottery(tmp_path):
    from console.app import AppOptions, ConsoleApp

    db = tmp_path / "s.db"
    proc, draw_id, _ = start_child(db, viewers=12)
    kill9(proc)
    asked = []
    app = ConsoleApp(AppOptions(demo=True, camera="demo", db=db, config=tmp_path / "none.toml", lang="en",
                                resume="ask", ask_resume=lambda s: asked.append(s["id"]) or True))
    try:
        assert asked == [1] and app.session_id == 1
        assert any("was interrupted" in n and "Continuing it" in n for n in app.notices)
        assert any("Recovered the lottery" in n for n in app.notices)
        view = app.interactions.snapshot().lottery
        assert view.draw_id == draw_id and view.phase == "closed" and view.entrants == 8
    finally:
        app.shutdown()
    names = [n for (n,) in sqlite3.connect(db).execute("SELECT name FROM actions WHERE session_id = 1")]
    assert "session.resumed" in names


def test_a_show_that_cannot_load_leaves_no_session_behind_and_the_app_still_starts(tmp_path):
    from console.app import AppOptions, ConsoleApp

    bad = tmp_path / "bad_show.toml"
    bad.write_text("this is [not toml", encoding="utf-8")
    db = tmp_path / "s.db"
    app = ConsoleApp(AppOptions(demo=True, camera="demo", db=db, config=tmp_path / "none.toml", lang="en", show=bad))
    try:
        assert app.show_runner is None
        assert any("bad_show.toml could not be loaded" in n for n in app.notices)
    finally:
        app.shutdown()
    rows = sqlite3.connect(db).execute("SELECT id, ended_at FROM sessions").fetchall()
    assert len(rows) == 1 and rows[0][1] is not None  # the one session that ran, properly ended
