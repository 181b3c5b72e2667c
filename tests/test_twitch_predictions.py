"""Twitch channel-points predictions driven by the console, against the Twitch double on
127.0.0.1: the host (or a run-of-show cue) starts one, Twitch's tallies reach the overlay, the
host locks it and names the winner (or cancels); a prediction Twitch locks or cancels itself, a
429, a missing scope and an already running prediction are told in plain words while the session
keeps running. Every step is recorded with Twitch's id and tallies."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from console.core.clock import ManualClock
from console.core.events import ActionSource
from console.interact.controller import Interactions
from console.interact.show import ShowRunner, parse_show
from console.providers.demo.provider import DemoProvider
from console.providers.native_prediction import PlatformPredictions
from console.providers.status import ConnState
from console.providers.twitch.auth import scopes_for
from console.providers.twitch.provider import TwitchProvider
from tests.doubles.twitch import TwitchDouble
from tests.platform_helpers import Room, until


@pytest.fixture
async def tw():
    double = await TwitchDouble(keepalive_s=5).start()
    yield double
    await double.stop()


@pytest.fixture
def room(tmp_path):
    r = Room(tmp_path, "twitch")
    yield r
    r.close()


async def live(room, tw, predictions=True):
    p = TwitchProvider(room.ctx("twitch", {**tw.config, "keepalive_s": 5, "predictions": predictions},
                                {"TOKEN": "tok-good", "CLIENT_ID": "cid-123"}))
    task = asyncio.create_task(p.run(room.hub))
    await until(lambda: p.status.state is ConnState.LIVE, what="Twitch live")
    return p, task


async def stop(task):
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def setup(room, providers, records, clock=None):
    backend = PlatformPredictions(providers, read_every_s=0.05, record=records.append)
    ix = Interactions(room.hub, clock or ManualClock(), presets=[], prediction_backend=backend)
    return ix, backend


def shown(ix):
    """What the overlay draws: (label, viewers, points) per outcome, from the video snapshot."""
    return ix.snapshot().prediction.outcomes


def states(records):
    return [r["state"] for r in records]


async def test_start_tallies_lock_resolve_on_twitch(room, tw):
    p, task = await live(room, tw)
    records: list[dict] = []
    ix, _ = setup(room, [p], records)
    assert ix.start_prediction("Sold out in 5 minutes?", ["Yes", "No"], window_s=120).ok
    await until(lambda: ix.snapshot().prediction.phase == "open", what="Twitch created it")
    [pred] = tw.predictions.values()
    assert pred["title"] == "Sold out in 5 minutes?" and pred["prediction_window"] == 120
    assert [o["title"] for o in pred["outcomes"]] == ["Yes", "No"] and pred["status"] == "ACTIVE"
    tw.bet(pred["id"], 0, "ann", 500)
    tw.bet(pred["id"], 0, "bob", 250)
    tw.bet(pred["id"], 1, "cat", 2000)
    await until(lambda: shown(ix) == (("Yes", 2, 750), ("No", 1, 2000)), what="Twitch's tallies on the overlay")
    assert ix.snapshot().prediction.top == ("Ann", "Cat")
    assert ix.lock_prediction().ok
    await until(lambda: pred["status"] == "LOCKED" and ix.snapshot().prediction.phase == "locked", what="locked")
    assert ix.resolve_prediction("yes").ok  # by name, any case
    await until(lambda: pred["status"] == "RESOLVED" and ix.snapshot().prediction.phase == "resolved", what="resolved")
    assert pred["winning_outcome_id"] == pred["outcomes"][0]["id"]
    assert [b["status"] for b in tw.patches] == ["LOCKED", "RESOLVED"]
    assert ix.snapshot().prediction.winner == 0
    assert states(records) == ["open", "lock", "resolve"]
    assert {r["remote_id"] for r in records} == {pred["id"]} and all(r["by"] == "host" for r in records)
    assert records[-1]["winner"] == "Yes" and records[-1]["outcomes"] == [
        {"title": "Yes", "users": 2, "channel_points": 750}, {"title": "No", "users": 1, "channel_points": 2000}]
    assert ix.stop("prediction").ok and ix.snapshot().prediction is None
    await stop(task)


async def test_a_run_of_show_prediction_creates_locks_and_resolves(room, tw):
    p, task = await live(room, tw)
    records: list[dict] = []
    clock = ManualClock()
    ix, _ = setup(room, [p], records, clock)
    show = parse_show({"title": "t", "cue": [
        {"id": "bet", "at_s": 1, "action": "start_prediction", "title": "Which shade sells most?",
         "outcomes": ["Ruby", "Coral", "Nude"], "window_s": 60},
        {"id": "lock", "at_s": 20, "action": "lock_prediction"},
        {"id": "result", "at_s": 30, "action": "resolve_prediction", "winner": 2}]})
    runner = ShowRunner(show, ix, clock)
    runner.tick()
    clock.advance(1)
    [fired] = [r for r in runner.tick() if r.msg.key.startswith("prediction")]
    assert fired.ok
    await until(lambda: len(tw.predictions) == 1 and ix.snapshot().prediction.phase == "open", what="created")
    pid = next(iter(tw.predictions))
    tw.bet(pid, 1, "dee", 300)
    await until(lambda: shown(ix)[1] == ("Coral", 1, 300), what="tally")
    clock.advance(19)
    runner.tick()
    await until(lambda: tw.predictions[pid]["status"] == "LOCKED", what="locked by the cue")
    clock.advance(10)
    runner.tick()
    await until(lambda: tw.predictions[pid]["status"] == "RESOLVED", what="resolved by the cue")
    assert tw.predictions[pid]["winning_outcome_id"] == tw.predictions[pid]["outcomes"][1]["id"]
    await until(lambda: states(records) == ["open", "lock", "resolve"], what="every step recorded")
    assert all(r["by"] == ActionSource.CUE.value for r in records) and runner.finished
    await stop(task)


async def test_twitch_locking_then_canceling_by_itself_is_followed(room, tw):
    p, task = await live(room, tw)
    records: list[dict] = []
    ix, _ = setup(room, [p], records)
    ix.start_prediction("Next product?", ["Glasses", "Earrings"], window_s=300)
    await until(lambda: tw.predictions and ix.snapshot().prediction.phase == "open", what="open")
    pid = next(iter(tw.predictions))
    tw.bet(pid, 1, "eve", 90)
    tw.lock_early(pid)  # the broadcaster locked it on twitch.tv
    await until(lambda: ix.snapshot().prediction.phase == "locked", what="console saw the lock")
    assert not ix.lock_prediction().ok, "already locked: nothing to send"
    tw.cancel_early(pid)
    await until(lambda: ix.snapshot().prediction.phase == "canceled", what="console saw the cancel")
    assert states(records) == ["open", "lock", "cancel"]
    assert [r["by"] for r in records] == ["host", "platform", "platform"]
    assert records[-1]["outcomes"][1] == {"title": "Earrings", "users": 1, "channel_points": 90}
    assert tw.patches == [], "the console sent nothing the host did not ask for"
    await stop(task)


async def test_host_cancel_refunds_on_twitch(room, tw):
    p, task = await live(room, tw)
    records: list[dict] = []
    ix, _ = setup(room, [p], records)
    ix.start_prediction("Will it rain?", ["Yes", "No"], window_s=60)
    assert ix.cancel_prediction().ok  # queued behind the create: sent once Twitch answered it
    await until(lambda: tw.predictions and next(iter(tw.predictions.values()))["status"] == "CANCELED", what="canceled")
    await until(lambda: states(records) == ["open", "cancel"], what="recorded")
    assert ix.snapshot().prediction.phase == "canceled"
    await stop(task)


async def test_a_429_is_waited_out_with_ratelimit_reset(room, tw):
    p, task = await live(room, tw)
    records: list[dict] = []
    ix, _ = setup(room, [p], records)
    tw.limit_next = 1
    ix.start_prediction("Ready?", ["Yes", "No"], window_s=30)
    await until(lambda: records, what="Twitch's answer")
    assert states(records) == ["open"] and p.helix.limited == 1 and len(tw.predictions) == 1
    await stop(task)


@pytest.mark.parametrize("status", [401, 403])
async def test_missing_scope_is_told_plainly_and_the_session_keeps_running(room, tw, status):
    p, task = await live(room, tw)
    records: list[dict] = []
    ix, _ = setup(room, [p], records)
    tw.missing_scopes.add("channel:manage:predictions")
    tw.scope_status = status
    assert ix.start_prediction("Ready?", ["Yes", "No"], window_s=30).ok
    await until(lambda: ix.snapshot().prediction.phase == "failed", what="refusal")
    view = ix.snapshot().prediction
    assert "permission to run predictions" in view.message and "Sign in again" in view.message
    assert states(records) == ["failed"] and records[0]["step"] == "open"
    assert p.status.state is ConnState.LIVE, "a missing permission does not end the Twitch connection"
    s = await tw.wait_subscribed(6)
    await tw.chat(s, "still here")
    await until(lambda: any(getattr(e, "text", "") == "still here" for e in room.events), what="chat goes on")
    assert ix.stop("prediction").ok and ix.snapshot().prediction is None
    await stop(task)


async def test_an_already_running_prediction_is_told_plainly(room, tw):
    p, task = await live(room, tw)
    records: list[dict] = []
    ix, _ = setup(room, [p], records)
    await p.prediction_open("Started on twitch.tv", ["A", "B"], 60)  # the streamer's own
    ix.start_prediction("Ours", ["Yes", "No"], window_s=60)
    await until(lambda: ix.snapshot().prediction.phase == "failed", what="refusal")
    assert "already has a prediction running" in ix.snapshot().prediction.message
    assert records[0]["state"] == "failed" and len(tw.predictions) == 1
    await stop(task)


async def test_refused_before_sending_anything(room, tw):
    p, task = await live(room, tw)
    records: list[dict] = []
    ix, _ = setup(room, [p], records)
    long = ix.start_prediction("x" * 46, ["Yes", "No"], window_s=60)
    assert not long.ok and "45" in long.message
    assert "2 to 10" in ix.start_prediction("Q?", ["Only"], window_s=60).message
    assert "30 to 1800" in ix.start_prediction("Q?", ["A", "B"], window_s=10).message
    assert "25" in ix.start_prediction("Q?", ["A" * 26, "B"], window_s=60).message
    assert ix.start_prediction("Q?", ["A", "B"], window_s=60).ok
    assert not ix.start_prediction("Q2?", ["A", "B"], window_s=60).ok, "one at a time"
    assert "not one of the outcomes" in ix.resolve_prediction("C").message
    await until(lambda: len(tw.predictions) == 1, what="only the valid one sent")
    await stop(task)


def test_other_platforms_say_it_is_twitch_only(room):
    records: list[dict] = []
    ix, _ = setup(room, [DemoProvider()], records)
    result = ix.start_prediction("Q?", ["A", "B"], window_s=60)
    assert not result.ok and "Twitch only" in result.message and ix.snapshot().prediction is None
    assert records == []


async def test_twitch_with_predictions_switched_off_says_how_to_switch_on(room, tw):
    p, task = await live(room, tw, predictions=False)
    ix, _ = setup(room, [p], [])
    result = ix.start_prediction("Q?", ["A", "B"], window_s=60)
    assert not result.ok and "[twitch] predictions = true" in result.message and tw.predictions == {}
    await stop(task)


def test_scope_requested_only_when_predictions_are_on():
    assert "channel:manage:predictions" not in scopes_for(send=True, polls=True, moderation=True)
    assert "channel:manage:predictions" in scopes_for(send=False, polls=False, moderation=False, predictions=True)


async def test_the_triggers_panel_locks_and_pays_out_the_outcome_the_host_clicks(qtbot, room, tw):
    from console.ui.triggers_panel import TriggersPanel

    p, task = await live(room, tw)
    records: list[dict] = []
    ix, _ = setup(room, [p], records)
    panel = TriggersPanel(ix, presets_path=room.path.parent / "presets.toml")
    qtbot.addWidget(panel)
    ix.start_prediction("Sold out before the break?", ["Yes", "No"], window_s=120)
    await until(lambda: ix.snapshot().prediction.phase == "open", what="open")
    panel.refresh()
    row = panel.rows["prediction"]
    assert not row.buttons["lock"].isHidden() and row.buttons["win1"].isHidden()
    row.buttons["lock"].click()
    await until(lambda: ix.snapshot().prediction.phase == "locked", what="locked from the panel")
    panel.refresh()
    assert row.buttons["lock"].isHidden()
    assert [row.buttons[k].text() for k in ("win1", "win2")] in (
        ["“Yes” wins…", "“No” wins…"], ["“Yes”获胜…", "“No”获胜…"])
    assert row.buttons["win3"].isHidden(), "two outcomes, two winner buttons"
    row.buttons["win2"].click()
    assert tw.patches[-1]["status"] == "LOCKED", "nothing is paid out before the host confirms"
    panel.pending_dialog.yes_button.click()
    pid = next(iter(tw.predictions))
    await until(lambda: tw.predictions[pid]["status"] == "RESOLVED", what="paid out")
    assert tw.predictions[pid]["winning_outcome_id"] == tw.predictions[pid]["outcomes"][1]["id"]
    await until(lambda: ix.snapshot().prediction.phase == "resolved", what="resolved")
    panel.refresh()
    assert not row.buttons["remove"].isHidden() and row.buttons["cancel"].isHidden()
    await stop(task)


async def test_when_the_window_ends_twitch_locks_it_and_the_console_follows(room, tw):
    p, task = await live(room, tw)
    records: list[dict] = []
    clock = ManualClock()
    ix, _ = setup(room, [p], records, clock)
    ix.start_prediction("Ready?", ["Yes", "No"], window_s=30)
    await until(lambda: ix.snapshot().prediction.phase == "open", what="open")
    assert ix.snapshot().prediction.remaining_s == 30
    clock.advance(31)  # the console's countdown is over: no more bets, shown as locked at once
    assert ix.snapshot().prediction.phase == "locked" and ix.snapshot().prediction.remaining_s is None
    assert not ix.lock_prediction().ok, "Twitch locks it by itself; nothing to send"
    pid = next(iter(tw.predictions))
    tw.predictions[pid]["_created"] -= 31  # Twitch's own clock says the window has passed
    await until(lambda: states(records) == ["open", "lock"], what="the platform's lock read back")
    assert records[-1]["by"] == "platform" and tw.patches == []
    assert ix.resolve_prediction(2).ok
    await until(lambda: tw.predictions[pid]["status"] == "RESOLVED", what="resolved")
    await stop(task)


async def test_a_429_while_paying_out_is_waited_out(room, tw):
    p, task = await live(room, tw)
    records: list[dict] = []
    ix, _ = setup(room, [p], records)
    ix.start_prediction("Ready?", ["Yes", "No"], window_s=60)
    await until(lambda: ix.snapshot().prediction.phase == "open", what="open")
    tw.limit_next = 2  # the next two Helix calls (a read, the PATCH, whichever) get 429 + Ratelimit-Reset
    assert ix.resolve_prediction("No").ok
    pid = next(iter(tw.predictions))
    await until(lambda: tw.predictions[pid]["status"] == "RESOLVED", what="resolved after the wait")
    await until(lambda: states(records) == ["open", "resolve"], what="recorded once")
    assert p.helix.limited >= 1
    await stop(task)


async def test_a_sign_in_without_the_scope_is_named_at_connect_and_nothing_is_sent(room, tw):
    tw.granted["tok-good"].remove("channel:manage:predictions")
    p, task = await live(room, tw)
    await until(lambda: "predictions" in p.status.reason, what="the status names what is missing")
    assert p.status.state is ConnState.LIVE
    result = setup(room, [p], [])[0].start_prediction("Q?", ["A", "B"], window_s=60)
    assert not result.ok and "Sign in again" in result.message
    assert tw.predictions == {} and not any(path == "/helix/predictions" for _, path in tw.requests)
    await stop(task)
