"""The verifiable draw end to end: engines → hub → real SessionStore → `verify-draw` from the file."""

from __future__ import annotations

import itertools
import json
import sqlite3

import pytest

from console.__main__ import main
from console.core import actions as A
from console.core.clock import ManualClock
from console.core.events import Comment, Viewer
from console.core.hub import SessionHub
from console.interact.controller import Interactions
from console.store.writer import SessionStore

_ids = itertools.count()


def comment(viewer_id: str, text: str = "抽奖", follower: bool | None = None) -> Comment:
    return Comment(platform="demo", msg_id=f"m{next(_ids)}", ts=0.0,
                   viewer=Viewer(viewer_id, viewer_id, is_follower=follower), text=text)


def run_show(path, *, draws: int = 2) -> list[str]:
    """Two lotteries (one followers-only, with a reroll) logged to a real session log."""
    hub, clock = SessionHub(), ManualClock()
    store = SessionStore(path, clock=clock)
    store.start_session("demo", is_demo=True)
    hub.subscribe(store.enqueue_batch, name="store")
    ix = Interactions(hub, clock, presets=[])
    ix.chain_head = store.chain_head  # as the app wires it: the head on disk goes on air at the draw
    draw_ids = []
    for n in range(draws):
        rules = {"followers_only": True} if n == 1 else None
        assert ix.start_lottery("抽奖", window_s=30, winners=2, rules=rules).ok
        draw_ids.append(ix.snapshot().lottery.draw_id)
        hub.publish_batch([comment(f"viewer-{i}", follower=i % 2 == 0) for i in range(12)])
        clock.advance(10)
        hub.publish_batch([comment("viewer-3", "抽奖抽奖"), comment("late-ish", "我要抽奖", True)])
        clock.advance(25)
        ix.tick()  # the timer writes lottery.close into the log
        hub.publish(comment("too-late", follower=True))  # after the close record: not entered
        assert store.flush()
        assert ix.draw().ok
        assert ix.snapshot().lottery.chain_head.startswith("#")
        if n == 1:
            assert ix.reroll().ok
        ix.stop("lottery")
    store.close()
    return draw_ids


def test_verify_draw_valid_from_the_log(tmp_path, capsys):
    db = tmp_path / "session.sqlite"
    first, second = run_show(db)
    assert main(["verify-draw", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert out.count("VALID") == 2 and "2 of 2 draw(s) valid" in out
    assert main(["verify-draw", "--db", str(db), "--draw", second, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "valid" and report["entrants"] == 7 and len(report["winners"]) == 3


def _rows(db, name):
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT id, detail FROM actions WHERE name = ? ORDER BY id", [name]).fetchall()
    conn.close()
    return [(i, json.loads(d)) for i, d in rows]


def _rewrite(db, row_id, detail, *, rechain=True):
    """Change one action's detail; with `rechain`, like a careful forger, recompute every hash
    after it so only the draw checks themselves (and the on-air chain head) can catch it."""
    from console.store.chain import GENESIS, fields_of, record_hash
    from console.store.queries import session_records
    import sqlite_utils

    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE actions SET detail = ? WHERE id = ?", [json.dumps(detail), row_id])
    conn.close()
    if not rechain:
        return
    database = sqlite_utils.Database(db)
    prev = GENESIS
    with database.conn:
        for r in session_records(database, 1):
            h = record_hash(prev, fields_of(r))
            database.conn.execute(f"UPDATE {r['table']} SET prev_hash = ?, hash = ? WHERE id = ?",
                                  [prev, h, r["id"]])
            prev = h
    database.conn.close()


def test_tampered_entrant_list_is_invalid(tmp_path, capsys):
    db = tmp_path / "session.sqlite"
    first, second = run_show(db)
    row_id, detail = _rows(db, A.LOTTERY_CLOSE)[0]
    detail["entrants"][0] = "ringer"  # swap one logged entrant for someone who never entered
    detail["entrants"].sort()
    _rewrite(db, row_id, detail)
    assert main(["verify-draw", "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert f"{first} (session 1): INVALID" in out and "ringer" in out
    # The forger recomputed the chain, so the on-air chain head of the later draw no longer matches.
    assert f"{second} (session 1): INVALID" in out and "chain hash shown on air" in out


def test_a_naive_rewrite_breaks_the_chain(tmp_path, capsys):
    db = tmp_path / "session.sqlite"
    first, second = run_show(db)
    row_id, detail = [(i, d) for i, d in _rows(db, A.LOTTERY_ENTRY) if d["draw_id"] == first][0]
    detail["watch_s"] = detail["watch_s"] + 1
    _rewrite(db, row_id, detail, rechain=False)
    assert main(["verify-draw", "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "hash chain is broken" in out and "was changed after it was written" in out


def test_entries_rewritten_with_renumbered_ids_fail(tmp_path, capsys):
    """Issue 12: deleting an entry and renumbering row ids used to pass verification."""
    db = tmp_path / "session.sqlite"
    first, _second = run_show(db)
    conn = sqlite3.connect(db)
    with conn:
        victim_id, detail = [(i, d) for i, d in _rows(db, A.LOTTERY_ENTRY) if d["draw_id"] == first][0]
        conn.execute("DELETE FROM actions WHERE id = ?", [victim_id])
        conn.execute("UPDATE actions SET id = id - 1 WHERE id > ?", [victim_id])
    conn.close()
    assert main(["verify-draw", "--db", str(db), "--draw", first]) == 1
    out = capsys.readouterr().out
    assert "hash chain is broken" in out


@pytest.mark.parametrize("tamper, words", [
    ("seed", "does not match the commitment"),
    ("winner", "do not follow"),
    ("entry", "names no keyword comment"),
    ("ineligible", "not eligible"),
    ("list_hash", "entrant-list hash"),
])
def test_other_tampering_is_caught(tmp_path, capsys, tamper, words):
    db = tmp_path / "session.sqlite"
    first, second = run_show(db)
    if tamper == "seed":
        row_id, detail = _rows(db, A.LOTTERY_DRAW)[1]
        detail["seed"] = "00" * 32
    elif tamper == "winner":
        row_id, detail = _rows(db, A.LOTTERY_DRAW)[1]
        losers = [e for e in _rows(db, A.LOTTERY_CLOSE)[1][1]["entrants"] if e not in detail["winners"]]
        detail["winners"][0] = losers[0]  # a real entrant, but not the one the seed picks
    elif tamper == "entry":
        row_id, detail = [(i, d) for i, d in _rows(db, A.LOTTERY_ENTRY) if d["draw_id"] == second][0]
        detail["viewer_id"] = "someone-else"
    elif tamper == "list_hash":
        row_id, detail = _rows(db, A.LOTTERY_CLOSE)[1]
        detail["entrants_sha256"] = "0" * 64
    else:
        row_id, detail = [(i, d) for i, d in _rows(db, A.LOTTERY_ENTRY) if d["draw_id"] == second][0]
        detail["is_follower"] = False
    _rewrite(db, row_id, detail)
    assert main(["verify-draw", "--db", str(db), "--draw", second]) == 1
    assert words in capsys.readouterr().out


def test_missing_log_and_unknown_draw(tmp_path, capsys):
    assert main(["verify-draw", "--db", str(tmp_path / "nope.sqlite")]) == 2
    assert "Cannot read" in capsys.readouterr().err
    db = tmp_path / "session.sqlite"
    run_show(db, draws=1)
    assert main(["verify-draw", "--db", str(db), "--draw", "draw-00000000"]) == 1
    assert "No lottery with id" in capsys.readouterr().err


def test_undrawn_lottery_is_reported_not_failed(tmp_path, capsys):
    db = tmp_path / "session.sqlite"
    hub, clock = SessionHub(), ManualClock()
    store = SessionStore(db, clock=clock)
    store.start_session("demo", is_demo=True)
    hub.subscribe(store.enqueue_batch, name="store")
    ix = Interactions(hub, clock, presets=[])
    ix.start_lottery("抽奖")
    hub.publish(comment("a"))
    store.close()
    assert main(["verify-draw", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "NEVER DRAWN" in out and "1 never drawn or void (not counted)" in out


def test_demo_show_with_the_demo_audience_verifies(tmp_path, capsys):
    """The shipped demo show, the simulated room answering it, the real log, then verify-draw."""
    from console.interact.show import ShowRunner, load_show
    from console.providers.demo.audience import Audience
    from console.resources import resource

    db = tmp_path / "demo.sqlite"
    hub, clock = SessionHub(), ManualClock()
    store = SessionStore(db, clock=clock)
    store.start_session("demo", is_demo=True)
    hub.subscribe(store.enqueue_batch, name="store")
    audience = Audience(rate=20, seed=11, clock=clock)
    hub.subscribe(lambda batch: [audience.react(a) for a in batch], name="audience", kinds=["action"])
    ix = Interactions(hub, clock, presets=[])
    show = load_show(resource("shows", "demo_show.toml"))
    runner = ShowRunner(show, ix, clock)
    while clock.monotonic() <= show.duration_s:
        runner.tick()
        hub.publish_batch(audience.step(0.5))
        clock.advance(0.5)
    store.close()
    assert runner.status == {c.id: "fired" for c in show.cues}
    assert main(["verify-draw", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "1 of 1 draw(s) valid" in out


def test_verify_draw_never_writes_the_log(tmp_path, capsys):
    """Issue 12: an empty file used to be rewritten into a fresh schema by verify-draw."""
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert main(["verify-draw", "--db", str(empty)]) == 2
    assert "not a Live Console session log" in capsys.readouterr().err
    assert empty.read_bytes() == b""
    db = tmp_path / "session.sqlite"
    run_show(db, draws=1)
    before = db.read_bytes()
    db.chmod(0o444)
    tmp_path.chmod(0o555)  # not even a -shm/-wal may be created
    try:
        assert main(["verify-draw", "--db", str(db)]) == 0
    finally:
        tmp_path.chmod(0o755)
        db.chmod(0o644)
    assert "1 of 1 draw(s) valid" in capsys.readouterr().out
    assert db.read_bytes() == before


def test_too_new_log_is_reported_in_words(tmp_path, capsys):
    db = tmp_path / "future.sqlite"
    run_show(db, draws=1)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    assert main(["verify-draw", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "newer version of Live Console" in err and "99" in err


def test_void_and_undrawn_are_listed_but_an_invalid_draw_still_fails(tmp_path, capsys):
    db = tmp_path / "session.sqlite"
    first, second = run_show(db)
    row_id, detail = _rows(db, A.LOTTERY_DRAW)[0]
    detail["seed"] = "11" * 32
    _rewrite(db, row_id, detail)
    assert main(["verify-draw", "--db", str(db)]) == 1
    assert f"{first} (session 1): INVALID" in capsys.readouterr().out
