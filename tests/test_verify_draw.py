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
    draw_ids = []
    for n in range(draws):
        rules = {"followers_only": True} if n == 1 else None
        assert ix.start_lottery("抽奖", window_s=30, winners=2, rules=rules).ok
        draw_ids.append(ix.snapshot().lottery.draw_id)
        hub.publish_batch([comment(f"viewer-{i}", follower=i % 2 == 0) for i in range(12)])
        clock.advance(10)
        hub.publish_batch([comment("viewer-3", "抽奖抽奖"), comment("late-ish", "我要抽奖", True)])
        clock.advance(25)
        hub.publish(comment("too-late", follower=True))  # after the window
        ix.tick()
        assert ix.draw().ok
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


def _rewrite(db, row_id, detail):
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE actions SET detail = ? WHERE id = ?", [json.dumps(detail), row_id])
    conn.close()


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
    assert f"{second} (session 1): VALID" in out
    assert main(["verify-draw", "--db", str(db), "--draw", second]) == 0


@pytest.mark.parametrize("tamper, words", [
    ("seed", "does not match the commitment"),
    ("winner", "do not follow"),
    ("entry", "entered but left out"),
    ("ineligible", "not eligible"),
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
    assert "NOT DRAWN" in capsys.readouterr().out


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
