"""Run-of-show: loading, validation, timed firing, early fire, skip — and the shipped demo show."""

from __future__ import annotations

import itertools

import pytest

from console.core import actions as A
from console.core.events import ActionSource, Comment, Like, Viewer
from console.interact.show import ShowFileError, ShowRunner, load_show, parse_show
from console.resources import resource

_ids = itertools.count()


def comment(viewer_id: str, text: str) -> Comment:
    return Comment(platform="demo", msg_id=f"m{next(_ids)}", ts=0.0, viewer=Viewer(viewer_id, viewer_id), text=text)


SMALL = {
    "title": "t",
    "segment": [{"sku": "LIP-001", "duration_s": 10}, {"sku": "B", "name": "Bee", "duration_s": 5}],
    "cue": [
        {"id": "late", "at_s": 8, "action": "start_countdown", "seconds": 10, "label": "Go"},
        {"id": "poll", "at_s": 2, "action": "open_poll", "question": "Q?", "options": ["x", "y"]},
        {"id": "close", "at_s": 6, "action": "close_poll"},
    ],
}


def test_cues_fire_in_time_with_source_cue(room):
    hub, clock, ix, log = room
    runner = ShowRunner(parse_show(SMALL), ix, clock)
    assert [c.id for c in runner.upcoming(5)] == ["poll", "close", "late"]
    assert runner.tick() == [] and runner.current_segment().sku == "LIP-001"
    assert "Velvet Matte Lipstick" in runner.current_segment().name  # from the catalog
    clock.advance(2)
    [res] = runner.tick()
    assert res.ok and ix.snapshot().poll is not None
    clock.advance(4.5)
    runner.tick()
    assert ix.snapshot().poll.closed and [c.id for c in runner.upcoming(5)] == ["late"]
    clock.advance(5)
    assert runner.current_segment().name == "Bee"
    runner.tick()
    assert runner.finished and ix.snapshot().countdown is not None
    engine = [a for a in log if a.name in (A.POLL_OPEN, A.POLL_CLOSE, A.COUNTDOWN_START)]
    assert all(a.source == ActionSource.CUE for a in engine)
    fires = [a.detail for a in log if a.name == A.CUE_FIRE]
    assert [f["cue_id"] for f in fires] == ["poll", "close", "late"] and all(f["ok"] for f in fires)
    assert [a.name for a in log][0] == A.SHOW_START


def test_fire_early_and_skip(room):
    hub, clock, ix, log = room
    runner = ShowRunner(parse_show(SMALL), ix, clock)
    assert runner.fire("late").ok
    assert not runner.fire("late").ok  # once only
    assert runner.skip("poll").ok and not runner.skip("poll").ok
    clock.advance(20)
    results = runner.tick()
    # "close" fires on time but there is no poll: a failed cue, reported, nothing breaks
    assert [r.ok for r in results] == [False, True]  # then the countdown's timer ran out
    assert "no poll" in results[0].message
    assert runner.status == {"late": "fired", "poll": "skipped", "close": "failed"}
    fires = {a.detail["cue_id"]: a.detail for a in log if a.name == A.CUE_FIRE}
    assert fires["late"]["early"] is True and fires["close"]["ok"] is False
    assert [a.detail["cue_id"] for a in log if a.name == A.CUE_SKIP] == ["poll"]
    assert not runner.fire("nope").ok


@pytest.mark.parametrize("cue, words", [
    ({"id": "a", "at_s": 1, "action": "explode"}, "unknown action"),
    ({"id": "a", "action": "close_poll"}, "at_s"),
    ({"id": "a", "at_s": -1, "action": "close_poll"}, "before the show"),
    ({"id": "a", "at_s": 1, "action": "open_poll", "question": "Q"}, "options"),
    ({"id": "a", "at_s": 1, "action": "draw", "colour": "red"}, "colour"),
    ({"id": "a", "at_s": 1, "action": "draw", "source": "host"}, "source"),
])
def test_bad_show_files_refused_with_the_cue_named(cue, words):
    with pytest.raises(ShowFileError, match=words):
        parse_show({"cue": [cue]})


def test_duplicate_ids_and_bad_toml(tmp_path):
    with pytest.raises(ShowFileError, match="two cues"):
        parse_show({"cue": [{"id": "a", "at_s": 1, "action": "draw"}] * 2})
    bad = tmp_path / "bad.toml"
    bad.write_text("[[cue]\n", encoding="utf-8")
    with pytest.raises(ShowFileError, match="not valid TOML"):
        load_show(bad)
    with pytest.raises(ShowFileError, match="Cannot open"):
        load_show(tmp_path / "missing.toml")


def test_demo_show_runs_every_interaction(room):
    hub, clock, ix, log = room
    show = load_show(resource("shows", "demo_show.toml"))
    assert 60 <= show.duration_s <= 90
    runner = ShowRunner(show, ix, clock)
    viewers = [f"v{i}" for i in range(40)]
    step = 0.25
    while clock.monotonic() < show.duration_s + 1:
        runner.tick()
        t = clock.monotonic()
        state = ix.snapshot()
        # A scripted room: everyone answers whatever is open, and likes pour in.
        batch = []
        if state.lottery and state.lottery.phase == "open":
            batch += [comment(v, "抽奖") for v in viewers]
        if state.poll and not state.poll.closed:
            batch += [comment(v, str(i % 3 + 1)) for i, v in enumerate(viewers)]
        if state.coupon:
            batch += [comment(v, state.coupon.keyword) for v in viewers[:5]]
        batch.append(Like(platform="demo", msg_id=f"l{t}", ts=0.0, viewer=Viewer("x", "x"), count=10))
        hub.publish_batch(batch)
        clock.advance(step)
    assert runner.finished
    assert runner.status == {c.id: "fired" for c in show.cues}, runner.results
    names = {a.name for a in log}
    for name in (A.PRODUCT_CARD, A.LOTTERY_OPEN, A.LOTTERY_ENTRY, A.LOTTERY_CLOSE, A.LOTTERY_DRAW,
                 A.POLL_OPEN, A.POLL_VOTE, A.POLL_CLOSE, A.COUPON_ARM, A.COUPON_DROP, A.COUPON_CLAIM,
                 A.COUNTDOWN_START, A.COUNTDOWN_END, A.PIN_COMMENT, A.OVERLAY_CLEAR):
        assert name in names, name
    [draw] = [a.detail for a in log if a.name == A.LOTTERY_DRAW]
    assert len(draw["winners"]) == 2
    assert len([a for a in log if a.name == A.COUPON_DROP]) == 2  # like-goal one and timed one
