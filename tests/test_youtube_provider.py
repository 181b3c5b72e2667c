"""YouTube adapter against a local liveChat/OAuth double: exact events, resume, clean endings, quota."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from console.core.clock import ManualClock
from console.providers.status import ConnState
from console.providers.youtube.provider import YouTubeProvider
from console.providers.youtube.quota import COST, SLOWEST_S, Quota
from tests.doubles.youtube import YouTubeDouble
from tests.platform_helpers import Room, until

SECRETS = {"TOKEN": "ya29.good"}
FAST = {"quota_per_day": 1_000_000, "reconnect_base_s": 0.05, "reconnect_cap_s": 0.2, "quota_retry_s": 0.2}


@pytest.fixture
async def double():
    d = await YouTubeDouble(polling_ms=50).start()
    yield d
    await d.stop()


@pytest.fixture
def room(tmp_path):
    r = Room(tmp_path, "youtube")
    yield r
    r.close()


async def start(room, double, resume=None, saved=None, **config):
    provider = YouTubeProvider(room.ctx("youtube", {**double.config, **FAST, **config}, SECRETS,
                                        resume=resume, saved=saved))
    return provider, asyncio.create_task(provider.run(room.hub))


async def stop(task):
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def logged_ids(room, kind="comment"):
    return [r["msg_id"] for r in room.logged(kind)]


async def test_history_is_skipped_and_every_new_message_is_logged_once(room, double):
    provider, task = await start(room, double)
    await until(lambda: len(double.page_tokens) >= 1, what="first list call")
    new = [double.add_text(f"hi {i}") for i in range(5)]
    sc = double.add_superchat("love this lipstick", 5_000_000)
    double.add_sticker(2_000_000)
    double.add_member()
    await until(lambda: len(room.logged("gift")) == 3, what="gifts")
    await until(lambda: len(logged_ids(room)) == 6, what="comments")
    assert sorted(logged_ids(room)) == sorted(new + [sc])
    assert not set(double.history_ids) & set(logged_ids(room)), "first-call history must be skipped"
    gifts = {g["payload"]["gift_name"]: g["payload"]["value"] for g in room.logged("gift")}
    assert gifts == {"Super Chat $5.00": 5.0, "Super Sticker Thumbs up": 2.0, "Membership Gold": 0.0}
    # Every call after the first continued from the previous answer's nextPageToken.
    assert double.page_tokens[0] is None and all(t and t.startswith("page-") for t in double.page_tokens[1:])
    assert provider.quota.used == COST["broadcasts"] + COST["list"] * provider.calls  # found the chat, then read it
    assert provider.status.state is ConnState.LIVE and "quota" in provider.status.reason
    await stop(task)


async def test_history_is_read_when_asked(room, double):
    provider, task = await start(room, double, history=True)
    await until(lambda: len(logged_ids(room)) == 3, what="history")
    assert sorted(logged_ids(room)) == sorted(double.history_ids)
    await stop(task)


async def test_restart_resumes_from_the_saved_page_token(room, double):
    saved: list[dict] = []
    provider, task = await start(room, double, saved=saved)
    await until(lambda: len(double.page_tokens) >= 1, what="first list call")
    first = double.add_text("before restart")
    await until(lambda: first in logged_ids(room), what="first")
    await stop(task)
    missed = [double.add_text(f"while down {i}") for i in range(3)]  # arrive while the console is closed
    state = {}
    for s in saved:
        state.update(s)
    assert state["page_token"].startswith("page-") and state["quota_used"] > 0
    provider2, task2 = await start(room, double, resume=state)
    await until(lambda: all(m in logged_ids(room) for m in missed), what="missed messages")
    assert double.page_tokens[len(double.page_tokens) - provider2.calls] == state["page_token"]
    assert sorted(logged_ids(room)) == sorted([first, *missed])
    assert provider2.quota.used > state["quota_used"], "the day's use carries over a restart"
    await stop(task2)


async def test_live_chat_ended_ends_cleanly(room, double):
    provider, task = await start(room, double)
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    last = double.add_text("bye")
    await until(lambda: last in logged_ids(room), what="last message")
    double.ended = True
    await asyncio.wait_for(task, 20)
    assert provider.status.state is ConnState.ENDED and "ended" in provider.status.reason
    assert [s.state for s in room.statuses].count(ConnState.FAILED) == 0


async def test_offline_at_ends_cleanly_after_delivering_the_page(room, double):
    provider, task = await start(room, double)
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    last = double.add_text("last words")
    double.offline = True
    await asyncio.wait_for(task, 20)
    assert last in logged_ids(room) and provider.status.state is ConnState.ENDED


async def test_quota_error_and_5xx_wait_and_lose_nothing(room, double):
    provider, task = await start(room, double)
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    double.quota_fail_next = 1
    a = double.add_text("during quota trouble")
    await until(lambda: any("quota" in s.reason and s.state is ConnState.RECONNECTING for s in room.statuses),
                what="quota status")
    double.fail_next_5xx = 2
    b = double.add_text("during 503")
    await until(lambda: {a, b} <= set(logged_ids(room)), what="both messages")
    assert len(logged_ids(room)) == 2
    await until(lambda: provider.status.state is ConnState.LIVE, what="live again")
    assert not provider.quota.exhausted, "a successful call after a quota error polls at the normal pace"
    c = double.add_text("back to normal")
    await until(lambda: c in logged_ids(room), timeout=10, what="normal polling resumed")
    await stop(task)


async def test_reply_and_moderation_only_on_host_action(room, double):
    provider, task = await start(room, double)
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    assert double.inserted == [] and double.bans == [] and double.deleted == []
    await provider.send_message("@Viewer thanks!", reply_to="LCC.x")
    await provider.moderate("delete", "UCbad", msg_id="LCC.bad")
    await provider.moderate("timeout", "UCbad", duration_s=300)
    await provider.moderate("ban", "UCbad")
    assert double.inserted[0]["textMessageDetails"] == {"messageText": "@Viewer thanks!"}
    assert double.deleted == ["LCC.bad"]
    assert double.bans[0]["type"] == "temporary" and double.bans[0]["banDurationSeconds"] == 300
    assert double.bans[1]["type"] == "permanent"
    assert provider.quota.used >= 20 + 50 * 3
    await stop(task)


async def test_no_sign_in_is_a_plain_fatal_reason(room, double):
    provider = YouTubeProvider(room.ctx("youtube", double.config, {}))
    from console.providers.status import ProviderError
    with pytest.raises(ProviderError) as err:
        await provider.run(room.hub)
    assert err.value.fatal and "Sign in" in err.value.reason


def test_quota_spreads_polling_over_the_show_and_slows_before_running_out():
    clock = ManualClock()
    q = Quota(daily=10_000, reserve=600, plan_s=3600, clock=clock)
    assert q.poll_interval(1.0) == pytest.approx(5 * 3600 / 9400), "spread over the planned hour"
    assert q.poll_interval(10.0) == 10.0, "never faster than YouTube asks"
    q.used = 9_000
    assert q.poll_interval(2.0) == pytest.approx(5 * 3600 / 400)
    q.used = 9_500
    assert q.poll_interval(2.0) == SLOWEST_S
    clock.advance(86_400)
    q.spend("list")
    assert q.used == 5, "a new quota day starts from zero"
