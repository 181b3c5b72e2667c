"""Sign-in flows against local OAuth doubles: Twitch Device Code, Google loopback + PKCE S256,
refresh, validate, revoke — and an expired token refreshed by the YouTube provider mid-show."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

from console.providers.status import ConnState, ProviderError
from console.providers.twitch.auth import AuthError as TwitchAuthError
from console.providers.twitch.auth import TwitchAuth, scopes_for
from console.providers.youtube import auth as yauth
from console.providers.youtube.provider import YouTubeProvider
from tests.doubles.twitch import TwitchDouble
from tests.doubles.youtube import YouTubeDouble
from tests.platform_helpers import Room, until


@pytest.fixture
async def tw():
    d = await TwitchDouble().start()
    yield d
    await d.stop()


@pytest.fixture
async def yt():
    d = await YouTubeDouble(polling_ms=50).start()
    yield d
    await d.stop()


def test_twitch_asks_only_for_the_scopes_in_use():
    read = scopes_for(send=False, polls=False, moderation=False)
    assert "user:read:chat" in read and "user:write:chat" not in read and "channel:manage:polls" not in read
    everything = scopes_for(send=True, polls=True, moderation=True)
    assert {"user:write:chat", "channel:manage:polls", "moderator:manage:banned_users"} <= set(everything)


async def test_twitch_device_code_flow_polls_until_approved_then_validates_refreshes_revokes(tw):
    auth = TwitchAuth(tw.client_id, tw.base)
    scopes = scopes_for(send=True, polls=True, moderation=False)
    code = await auth.start(scopes)
    assert code.user_code == "ABCDEFGH" and code.verification_uri.startswith(tw.base) and code.interval == 1
    tokens = await auth.poll(code, scopes)
    assert tw.device[code.device_code]["polls"] == 3, "two authorization_pending answers, then the token"
    assert tw.device[code.device_code]["scopes"] == list(scopes)
    info = await auth.validate(tokens.access_token)
    assert info.login == tw.login and info.user_id == tw.user_id
    again = await auth.refresh(tokens.refresh_token)
    assert again.access_token != tokens.access_token
    with pytest.raises(ProviderError) as err:  # public-client refresh tokens rotate: the old one is spent
        await auth.refresh(tokens.refresh_token)
    assert err.value.fatal
    await auth.revoke(again.access_token)
    with pytest.raises(ProviderError, match="Sign in again"):
        await auth.validate(again.access_token)
    await auth.aclose()


async def test_twitch_device_flow_can_be_cancelled(tw):
    tw.device_pending_polls = 10**6
    auth = TwitchAuth(tw.client_id, tw.base)
    code = await auth.start(["user:read:chat"])
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(TwitchAuthError, match="cancelled"):
        await auth.poll(code, ["user:read:chat"], cancelled=cancelled)
    await auth.aclose()


async def browser(url: str) -> httpx.Response:
    """What the system browser does: show Google's page (the double approves at once) and follow
    the redirect to our loopback address."""
    async with httpx.AsyncClient(follow_redirects=True) as http:
        return await http.get(url)


async def test_google_loopback_pkce_sign_in_refresh_and_revoke(yt):
    flow = yauth.LoopbackSignIn("desktop-client", yauth.scopes_for(send=False), auth_base=yt.base, token_base=yt.base)
    url = await flow.start()
    assert flow.redirect_uri.startswith("http://127.0.0.1:") and "code_challenge_method=S256" in url
    assert "youtube.readonly" in url and "force-ssl" not in url, "reading only: no send scope"
    page = await browser(url)
    assert page.status_code == 200 and "close this tab" in page.text
    tokens = await flow.finish(timeout_s=20)
    assert tokens.access_token in yt.tokens and tokens.refresh_token and tokens.scopes == (yauth.READ_SCOPE,)
    fresh = await yauth.refresh(flow.http, yt.base, "desktop-client", tokens.refresh_token)
    assert fresh.access_token in yt.tokens and fresh.refresh_token == tokens.refresh_token
    await yauth.revoke(flow.http, yt.base, fresh.access_token)
    assert fresh.access_token not in yt.tokens
    await flow.http.aclose()


async def test_google_rejects_a_wrong_verifier(yt):
    flow = yauth.LoopbackSignIn("desktop-client", yauth.scopes_for(send=True), auth_base=yt.base, token_base=yt.base)
    url = await flow.start()
    assert "force-ssl" in url
    flow.verifier = "not-the-one"  # as if someone else's code arrived
    await browser(url)
    with pytest.raises(yauth.AuthError, match="PKCE mismatch"):
        await flow.finish(timeout_s=20)
    await flow.http.aclose()


async def test_youtube_provider_refreshes_an_expired_token_and_keeps_reading(yt, tmp_path, monkeypatch):
    monkeypatch.setattr(yauth, "save_tokens", lambda tokens: None)  # no keyring in CI
    monkeypatch.setattr("console.providers.youtube.provider.save_tokens", lambda tokens: None)
    flow = yauth.LoopbackSignIn("cid", yauth.scopes_for(send=True), auth_base=yt.base, token_base=yt.base)
    await browser(await flow.start())
    tokens = await flow.finish(timeout_s=20)
    await flow.http.aclose()
    room = Room(tmp_path, "youtube")
    secrets = {"TOKEN": tokens.access_token, "REFRESH_TOKEN": tokens.refresh_token, "CLIENT_ID": "cid"}
    provider = YouTubeProvider(room.ctx("youtube", {**yt.config, "quota_per_day": 10**6}, secrets))
    task = asyncio.create_task(provider.run(room.hub))
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    yt.tokens.discard(tokens.access_token)  # the hour is up
    mid = yt.add_text("after expiry")
    await until(lambda: any(e.msg_id == mid for e in room.events), what="message after refresh")
    assert provider.refreshes == 1 and provider.status.state is ConnState.LIVE
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    room.close()


async def test_youtube_revoked_refresh_token_is_sign_in_again(yt, tmp_path):
    room = Room(tmp_path, "youtube")
    secrets = {"TOKEN": "ya29.good", "REFRESH_TOKEN": "1//revoked", "CLIENT_ID": "cid"}
    provider = YouTubeProvider(room.ctx("youtube", {**yt.config, "quota_per_day": 10**6}, secrets))
    task = asyncio.create_task(provider.run(room.hub))
    await until(lambda: provider.status.state is ConnState.LIVE, what="live")
    yt.tokens.clear()
    with pytest.raises(ProviderError) as err:
        await asyncio.wait_for(task, 20)
    assert err.value.fatal and "Sign in again" in err.value.reason
    room.close()


async def test_expired_sign_in_offers_sign_in_again_and_restart_keeps_the_session(tw, tmp_path, monkeypatch):
    from console.providers.runner import PlatformRunner
    from console.core.clock import SystemClock

    monkeypatch.setenv("LIVE_CONSOLE_TWITCH_TOKEN", "tok-expired")
    monkeypatch.setenv("LIVE_CONSOLE_TWITCH_CLIENT_ID", tw.client_id)
    room = Room(tmp_path, "twitch")
    runner = PlatformRunner(["twitch"], room.hub, SystemClock(), sections={"twitch": {**tw.config, "keepalive_s": 5}})
    runner.start()
    await until(lambda: runner.statuses["twitch"].state is ConnState.FAILED, what="failed")
    status = runner.statuses["twitch"]
    assert status.sign_in and "Sign in again" in status.reason and status.detail()["sign_in"] is True
    monkeypatch.setenv("LIVE_CONSOLE_TWITCH_TOKEN", "tok-good")  # the host signed in again
    provider = await runner.restart("twitch")
    assert runner.providers == [provider]
    s = await tw.wait_subscribed(6)
    mid = await tw.chat(s, "welcome back")
    await until(lambda: mid in [r["msg_id"] for r in room.logged("comment")], what="chat in the same log")
    assert runner.statuses["twitch"].state is ConnState.LIVE and not runner.statuses["twitch"].sign_in
    await runner.stop()
    room.close()


async def test_test_connection_checks_the_sign_in_without_subscribing_or_sending(tw, yt, tmp_path):
    from console.providers.status import SignInRequired
    from console.providers.twitch.provider import TwitchProvider

    room = Room(tmp_path, "twitch")
    good = TwitchProvider(room.ctx("twitch", tw.config, {"TOKEN": "tok-good", "CLIENT_ID": "cid-123"}))
    assert "signed in as hostchannel" in await good.test_connection()
    assert not any(p.startswith("/helix") for _, p in tw.requests), "validate only: no Helix call"
    bad = TwitchProvider(room.ctx("twitch", tw.config, {"TOKEN": "nope", "CLIENT_ID": "cid-123"}))
    with pytest.raises(SignInRequired):
        await bad.test_connection()
    yprov = YouTubeProvider(room.ctx("youtube", yt.config, {"TOKEN": "ya29.good"}))
    assert "live chat was found" in await yprov.test_connection()
    assert yprov.quota.used == 1 and yt.page_tokens == []
    room.close()
