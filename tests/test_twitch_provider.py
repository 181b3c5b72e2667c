"""Twitch adapter against a local EventSub/Helix/OAuth double: what is sent is logged exactly once."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from console.providers.status import ConnState
from console.providers.twitch.provider import TwitchProvider
from tests.doubles.twitch import TwitchDouble
from tests.platform_helpers import Room, until

SECRETS = {"TOKEN": "tok-good", "CLIENT_ID": "cid-123"}
N_SUBS = 6


@pytest.fixture
async def double():
    d = await TwitchDouble(keepalive_s=3).start()
    yield d
    await d.stop()


@pytest.fixture
def room(tmp_path):
    r = Room(tmp_path, "twitch")
    yield r
    r.close()


async def start(room, double, **config):
    # A generous margin: a busy machine must not look like a dead link (the silence test narrows it).
    cfg = {**double.config, "keepalive_s": 3, "keepalive_margin_s": 10, "reconnect_base_s": 0.05,
           "reconnect_cap_s": 0.2, **config}
    provider = TwitchProvider(room.ctx("twitch", cfg, SECRETS))
    task = asyncio.create_task(provider.run(room.hub))
    return provider, task


async def stop(task):
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def chat_ids(room) -> list[str]:
    return [row["msg_id"] for row in room.logged("comment")]


async def test_reconnect_mid_burst_and_redelivery_lose_nothing_and_log_nothing_twice(room, double):
    provider, task = await start(room, double)
    s = await double.wait_subscribed(N_SUBS)
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    new = await double.reconnect_mid_burst(s, before=10, during=5, after=7, redeliver=4)
    await double.redeliver(new, 3)
    await until(lambda: len(chat_ids(room)) >= 22, what="22 chats logged")
    await asyncio.sleep(0.3)  # late duplicates would land now
    ids = chat_ids(room)
    assert sorted(ids) == sorted(double.sent) and len(ids) == len(set(ids)) == 22
    assert provider.handovers == 1
    assert provider.sessions == 1, "a session_reconnect is a handover, not a new session"
    assert len(new.subs) == N_SUBS and double.sessions[-1] is new
    # The redelivered notifications never reached the hub: the client dropped them by message_id.
    comments = [e for e in room.events if e.kind == "comment"]
    assert len(comments) == 22
    await stop(task)


async def test_keepalive_silence_starts_a_new_session_and_resubscribes(room, double):
    provider, task = await start(room, double, keepalive_margin_s=3)
    s = await double.wait_subscribed(N_SUBS)
    await double.chat(s, "hello")
    s.silent = True  # no keepalive, no events: the link is dead
    await until(lambda: any(st.state is ConnState.RECONNECTING for st in room.statuses), what="reconnecting")
    s2 = await double.wait_subscribed(N_SUBS, after=double.sessions.index(s) + 1)
    await until(lambda: provider.status.state is ConnState.LIVE, what="live again")
    await double.chat(s2, "back")
    await until(lambda: len(chat_ids(room)) == 2, what="both chats")
    rec = next(st for st in room.statuses if st.state is ConnState.RECONNECTING)
    assert "keepalive" in rec.reason and rec.attempt == 1
    assert provider.sessions == 2
    await stop(task)


async def test_429_with_reset_headers_is_waited_out(room, double):
    double.limit_next = 2  # the first subscription calls meet an empty bucket
    provider, task = await start(room, double)
    s = await double.wait_subscribed(N_SUBS, timeout=30)
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    assert provider.helix.limited == 2
    await double.chat(s, "after the limit")
    await until(lambda: len(chat_ids(room)) == 1, what="chat")
    await stop(task)


async def test_revoked_subscription_is_surfaced_and_chat_keeps_flowing(room, double):
    provider, task = await start(room, double)
    s = await double.wait_subscribed(N_SUBS)
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    await double.revoke(s, "channel.follow")
    await until(lambda: "stopped sending" in provider.status.reason, what="revocation shown")
    assert provider.status.state is ConnState.LIVE and "follows" in provider.status.reason
    await double.chat(s, "still here")
    await until(lambda: len(chat_ids(room)) == 1, what="chat after revocation")
    await stop(task)


async def test_cheers_follows_subs_gifts_and_raids_become_events(room, double):
    provider, task = await start(room, double)
    s = await double.wait_subscribed(N_SUBS)
    mid = await double.chat(s, "Cheer100 love it", bits=100)
    await double.notify(s, "channel.follow", {"user_id": "u9", "user_login": "nine", "user_name": "Nine",
                                              "broadcaster_user_id": "1001", "broadcaster_user_login": "h",
                                              "broadcaster_user_name": "h", "followed_at": "2026-12-03T09:00:00Z"})
    await double.notify(s, "channel.subscribe", {"user_id": "u8", "user_login": "e", "user_name": "Eight",
                                                 "tier": "1000", "is_gift": False})
    await double.notify(s, "channel.subscription.gift", {"user_id": None, "user_login": None, "user_name": None,
                                                         "total": 5, "tier": "1000", "is_anonymous": True,
                                                         "cumulative_total": None})
    await double.notify(s, "channel.raid", {"from_broadcaster_user_id": "77", "from_broadcaster_user_login": "r",
                                            "from_broadcaster_user_name": "Raider", "viewers": 40,
                                            "to_broadcaster_user_id": "1001"})
    await until(lambda: len(room.logged()) >= 6, what="six events")
    by_kind = {}
    for row in room.logged():
        by_kind.setdefault(row["kind"], []).append(row)
    assert by_kind["comment"][0]["msg_id"] == mid and by_kind["comment"][0]["payload"]["text"] == "Cheer100 love it"
    gifts = {g["payload"]["gift_name"]: g["payload"] for g in by_kind["gift"]}
    assert gifts["Bits"] == {"gift_name": "Bits", "count": 100, "value": 1.0}
    assert gifts["Gift sub Tier 1"]["count"] == 5 and gifts["Sub Tier 1"]["value"] == 4.99
    assert len(by_kind["follow"]) == 1 and len(by_kind["join"]) == 1
    assert by_kind["join"][0]["payload"] == {"count": 40}  # the raid's size is kept
    await stop(task)


async def test_send_reply_and_moderation_go_to_helix_only_when_asked(room, double):
    provider, task = await start(room, double)
    await double.wait_subscribed(N_SUBS)
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    assert double.chat_sent == [] and double.moderation == []  # nothing sent on its own
    await provider.send_message("thanks!", reply_to="chat-7")
    await provider.moderate("delete", "u-x", msg_id="chat-8")
    await provider.moderate("timeout", "u-x", duration_s=600)
    await provider.moderate("ban", "u-y")
    assert double.chat_sent == [{"broadcaster_id": "1001", "sender_id": "1001", "message": "thanks!",
                                 "reply_parent_message_id": "chat-7"}]
    assert double.moderation[0] == ("delete", {"broadcaster_id": "1001", "moderator_id": "1001",
                                               "message_id": "chat-8"})
    assert double.moderation[1][1]["duration"] == 600 and "duration" not in double.moderation[2][1]
    await stop(task)


async def test_revoked_token_fails_with_sign_in_again_and_keeps_the_log(room, double):
    double.tokens.clear()
    provider = TwitchProvider(room.ctx("twitch", double.config, SECRETS))
    from console.providers.status import ProviderError
    with pytest.raises(ProviderError) as err:
        await provider.run(room.hub)
    assert err.value.fatal and "Sign in again" in err.value.reason


async def test_hourly_validation_notices_a_revoked_token(room, double):
    provider, task = await start(room, double, validate_every_s=0.2)
    await double.wait_subscribed(N_SUBS)
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    double.tokens.clear()  # revoked on twitch.tv (e.g. "Disconnect" in the account's connections)
    from console.providers.status import SignInRequired
    with pytest.raises(SignInRequired):
        await asyncio.wait_for(task, 20)
    assert sum(1 for m, p in double.requests if p == "/oauth2/validate") >= 2


async def test_a_token_about_to_expire_is_refreshed_before_use(room, double, monkeypatch):
    saved = []
    monkeypatch.setattr("console.providers.twitch.provider.save_tokens", lambda tokens, platform: saved.append(tokens))
    double.refresh_tokens["ref-1"] = ["user:read:chat"]
    double.expires_in["tok-good"] = 60  # one minute left
    cfg = {**double.config, "keepalive_s": 3, "keepalive_margin_s": 10}
    provider = TwitchProvider(room.ctx("twitch", cfg, {**SECRETS, "REFRESH_TOKEN": "ref-1"}))
    task = asyncio.create_task(provider.run(room.hub))
    await double.wait_subscribed(N_SUBS)
    assert provider._token != "tok-good" and provider._token in double.tokens
    assert saved and saved[0].access_token == provider._token, "the rotated pair goes to the keyring"
    assert "ref-1" not in double.refresh_tokens, "public-client refresh tokens are single use"
    await stop(task)


async def test_a_session_left_unsubscribed_is_closed_4003_and_the_client_starts_over(room, double):
    double.slow_subscribe_s = 5  # Helix answers after the welcome's 3 s keepalive window has passed
    provider, task = await start(room, double)
    s = await double.wait_subscribed(N_SUBS, timeout=60)
    await until(lambda: provider.status.state is ConnState.LIVE, timeout=60, what="live in the end")
    assert double.unused_closed >= 1 and provider.sessions >= 2
    # Twitch closed the unused socket (4003); the late subscription was refused for that session,
    # and the client started a fresh one instead of failing.
    assert any(st.state is ConnState.RECONNECTING and "disconnected" in st.reason for st in room.statuses)
    await double.chat(s, "finally")
    await until(lambda: len(chat_ids(room)) == 1, what="chat")
    await stop(task)
