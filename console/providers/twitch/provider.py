"""The Twitch adapter: EventSub WebSocket in, Helix out (chat, replies, moderation, polls).

Nothing is sent to Twitch except subscriptions, the sign-in checks Twitch requires, and what the
host explicitly does (send/reply, moderate, a poll they start). A token Twitch no longer accepts
ends the run with a plain "sign in again" reason; the session, its log and the video keep going.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Sequence

from console.core.dedupe import RecentIds
from console.core.hub import SessionHub
from console.i18n import pick

from ..base import Capability, Provider, ProviderContext
from ..status import ConnState, ProviderError, SignInRequired
from .auth import DEFAULT_AUTH_BASE, REFRESH_BEFORE_S, TwitchAuth, save_tokens
from .eventsub import ConnectionLost, EventSubSession
from .helix import Helix, HelixError
from .parse import PLATFORM, Frame, events_from_notification
from .predictions import TwitchPredictions

log = logging.getLogger(__name__)

DEFAULT_EVENTSUB = "wss://eventsub.wss.twitch.tv/ws"
DEFAULT_HELIX = "https://api.twitch.tv/helix"

# (type, version, condition keys → which id fills them)
SUBSCRIPTIONS = (
    ("channel.chat.message", "1", {"broadcaster_user_id": "b", "user_id": "u"}),
    ("channel.follow", "2", {"broadcaster_user_id": "b", "moderator_user_id": "u"}),
    ("channel.subscribe", "1", {"broadcaster_user_id": "b"}),
    ("channel.subscription.gift", "1", {"broadcaster_user_id": "b"}),
    ("channel.subscription.message", "1", {"broadcaster_user_id": "b"}),
    ("channel.raid", "1", {"to_broadcaster_user_id": "b"}),
)
NAMES = {"channel.chat.message": ("chat", "聊天"), "channel.follow": ("follows", "关注"),
         "channel.subscribe": ("subscriptions", "订阅"), "channel.subscription.gift": ("gift subs", "赠送订阅"),
         "channel.subscription.message": ("resubs", "续订"), "channel.raid": ("raids", "突袭")}


class TwitchProvider(TwitchPredictions, Provider):
    platform = PLATFORM
    display_name = "Twitch"
    capabilities = frozenset({Capability.READ_COMMENTS, Capability.READ_GIFTS, Capability.SEND_MESSAGE,
                              Capability.MODERATION, Capability.NATIVE_POLL, Capability.PREDICTION})

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        s = ctx.setting
        self.eventsub_url = str(s("eventsub_url", DEFAULT_EVENTSUB))
        keepalive = s("keepalive_s")
        if keepalive and "keepalive_timeout_seconds" not in self.eventsub_url:
            sep = "&" if "?" in self.eventsub_url else "?"
            self.eventsub_url += f"{sep}keepalive_timeout_seconds={int(keepalive)}"
        self.helix_base = str(s("helix_base", DEFAULT_HELIX))
        self.auth_base = str(s("auth_base", DEFAULT_AUTH_BASE))
        self.broadcaster = str(s("broadcaster", "") or "")
        self.validate_every_s = float(s("validate_every_s", 3600))
        self.keepalive_margin_s = float(s("keepalive_margin_s", 5))
        self.grace_s = float(s("reconnect_grace_s", 30))
        self.client_id = ctx.secret("CLIENT_ID") or str(s("client_id", "") or "")
        self._token = ctx.secret("TOKEN") or ""
        self.helix: Helix | None = None
        self.auth: TwitchAuth | None = None
        self.user_id = ""
        self.broadcaster_id = ""
        self.scopes: tuple[str, ...] | None = None
        """What the sign-in was granted (from Twitch's validate); None until checked."""
        self.seen = RecentIds(20_000)
        self.sessions = 0
        """EventSub sessions started (1 + reconnects after a lost link)."""
        self._handovers_done = 0
        self._session: EventSubSession | None = None
        self.revoked: list[str] = []
        self.ready = asyncio.Event()
        """Set once signed in and the channel is known (a show's first cue may come earlier)."""
        self.ready_timeout_s = float(s("ready_timeout_s", 30))
        self._policy = None

    @property
    def handovers(self) -> int:
        """session_reconnect handovers completed without losing the session."""
        return self._handovers_done + (self._session.handovers if self._session else 0)

    # -- lifecycle ----------------------------------------------------------------------------
    async def _sign_in(self) -> None:
        if not self._token or not self.client_id:
            raise SignInRequired(pick("Not signed in to Twitch — use “Sign in” (or set LIVE_CONSOLE_TWITCH_TOKEN "
                                      "and LIVE_CONSOLE_TWITCH_CLIENT_ID).",
                                      "尚未登录 Twitch——请点“登录”（或设置 LIVE_CONSOLE_TWITCH_TOKEN 和 "
                                      "LIVE_CONSOLE_TWITCH_CLIENT_ID）。"))
        self.auth = self.auth or TwitchAuth(self.client_id, self.auth_base, clock=self.ctx.clock)
        info = await self.auth.validate(self._token)
        await self._maybe_refresh(info.expires_in)
        self.user_id = info.user_id
        self.scopes = info.scopes
        self.helix = self.helix or Helix(self.helix_base, self.client_id, lambda: self._token, clock=self.ctx.clock)
        b = self.broadcaster or info.login
        self.broadcaster_id = b if b.isdigit() else await self.helix.user_id(b)
        self.ready.set()

    async def _maybe_refresh(self, expires_in: float) -> None:
        refresh = self.ctx.secret("REFRESH_TOKEN")
        if refresh and 0 < expires_in < REFRESH_BEFORE_S and self.auth is not None:
            tokens = await self.auth.refresh(refresh)
            self._token = tokens.access_token
            with contextlib.suppress(Exception):  # no keyring: the new token still works this run
                save_tokens(tokens, self.platform)

    async def _validate_hourly(self) -> None:
        while True:
            await asyncio.sleep(self.validate_every_s)
            assert self.auth is not None
            info = await self.auth.validate(self._token)  # raises fatal on 401
            await self._maybe_refresh(info.expires_in)

    async def run(self, hub: SessionHub) -> None:
        self.report(ConnState.CONNECTING)
        policy = self._policy = self.ctx.new_reconnect_policy()
        validator: asyncio.Task | None = None
        run: asyncio.Task | None = None
        try:
            while True:
                try:
                    if not self.broadcaster_id:
                        await self._sign_in()
                    if validator is None:
                        validator = asyncio.create_task(self._validate_hourly(), name="twitch.validate")
                    session = EventSubSession(
                        self.eventsub_url, on_welcome=self._subscribe_all,
                        on_notification=lambda f: hub.publish_batch(events_from_notification(f)),
                        on_revocation=self._on_revocation, seen=self.seen, now=self.ctx.clock.now,
                        keepalive_margin_s=self.keepalive_margin_s, grace_s=self.grace_s)
                    self.sessions += 1
                    self._session = session
                    run = asyncio.create_task(session.run(), name="twitch.eventsub")
                    done, _ = await asyncio.wait({run, validator}, return_when=asyncio.FIRST_COMPLETED)
                    if validator in done:
                        validator.result()  # raises the sign-in problem (SignInRequired)
                        raise ProviderError("validation stopped")
                    self._handovers_done += session.handovers
                    self._session = None
                    run.result()
                    return
                except ConnectionLost as exc:
                    reason = exc.reason
                except HelixError as exc:
                    reason = pick(f"Twitch answered: {exc.message}", f"Twitch 回应：{exc.message}")
                except ProviderError as exc:
                    if exc.fatal:
                        raise
                    reason = exc.reason
                # A lost link or a refused step: back off and start a fresh session.
                if self._session is not None:
                    self._handovers_done += self._session.handovers
                    self._session = None
                policy.disconnected()
                delay = policy.next_delay()
                if delay is None:
                    raise ProviderError(pick(f"gave up reconnecting: {reason}", f"已放弃重连：{reason}"))
                self.report(ConnState.RECONNECTING, reason, attempt=policy.attempt, next_try_s=delay)
                await asyncio.sleep(delay)
        finally:
            for t in (run, validator):
                if t is not None:
                    t.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await t

    async def _subscribe_all(self, welcome: Frame) -> None:
        assert self.helix is not None
        ids = {"b": self.broadcaster_id, "u": self.user_id}
        missing: list[str] = []
        for sub_type, version, cond in SUBSCRIPTIONS:
            condition = {k: ids[v] for k, v in cond.items()}
            try:
                await self.helix.subscribe(sub_type, version, condition, welcome.session_id)
            except HelixError as exc:
                if sub_type == "channel.chat.message":
                    raise ProviderError(pick(f"Twitch refused to send chat ({exc.message}).",
                                             f"Twitch 拒绝推送聊天（{exc.message}）。"),
                                        fatal=exc.status in (401, 403)) from exc
                missing.append(pick(*NAMES[sub_type]))
        if self.ctx.setting("predictions", False) and not self.may_run_predictions():
            missing.append(pick("predictions", "竞猜"))
        reason = pick(f"without {', '.join(missing)} (not allowed for this sign-in)",
                      f"没有{'、'.join(missing)}（当前登录无权限）") if missing else ""
        if self._policy is not None:
            self._policy.connected()
        self.report(ConnState.LIVE, reason)

    def _on_revocation(self, frame: Frame) -> None:
        name = pick(*NAMES.get(frame.subscription_type, (frame.subscription_type, frame.subscription_type)))
        self.revoked.append(frame.subscription_type)
        why = frame.subscription_status or "revoked"
        self.report(ConnState.LIVE, pick(f"Twitch stopped sending {name} ({why})",
                                         f"Twitch 已停止推送{name}（{why}）"))

    def counts(self) -> dict[str, int]:
        return {"sessions": self.sessions, "handovers": self.handovers,
                "duplicates dropped": sum(getattr(s, "duplicates", 0) for s in [self._session] if s),
                "revoked": len(self.revoked), "rate limited": self.helix.limited if self.helix else 0}

    async def test_connection(self) -> str:
        """Check the sign-in with Twitch's validate endpoint (no subscription, nothing sent)."""
        if not self._token or not self.client_id:
            await self._sign_in()  # raises the plain "not signed in" reason
        auth = TwitchAuth(self.client_id, self.auth_base, clock=self.ctx.clock)
        try:
            info = await auth.validate(self._token)
        finally:
            await auth.aclose()
        missing = [s for s in ("user:read:chat",) if s not in info.scopes]
        if missing:
            raise SignInRequired(pick(f"signed in as {info.login}, but without permission to read chat — sign in again",
                                      f"已登录 {info.login}，但没有读取聊天的权限——请重新登录"))
        hours = info.expires_in / 3600
        return pick(f"signed in as {info.login} ({len(info.scopes)} permissions; token good for {hours:.1f} h)",
                    f"已登录 {info.login}（{len(info.scopes)} 项权限；令牌剩余 {hours:.1f} 小时）")

    async def close(self) -> None:
        for client in (self.helix, self.auth):
            if client is not None:
                with contextlib.suppress(Exception):
                    await client.aclose()
        self.helix = self.auth = None

    # -- host actions (only ever on an explicit host action) ---------------------------------
    def _require(self) -> Helix:
        if self.helix is None or not self.broadcaster_id:
            raise ProviderError(pick("Twitch is not connected yet.", "Twitch 尚未连接。"))
        return self.helix

    async def send_message(self, text: str, reply_to: str | None = None) -> None:
        helix = self._require()
        try:
            await helix.send_chat(self.broadcaster_id, self.user_id, text, reply_to)
        except HelixError as exc:
            raise ProviderError(pick(f"Twitch did not send the message: {exc.message}",
                                     f"Twitch 未发送消息：{exc.message}")) from exc

    async def moderate(self, action: str, viewer_id: str, msg_id: str | None = None,
                       duration_s: int | None = None) -> None:
        helix = self._require()
        try:
            if action == "delete":
                if not msg_id:
                    raise ProviderError(pick("Which message? Twitch deletes one message at a time.",
                                             "请选择要删除的消息。"))
                await helix.delete_message(self.broadcaster_id, self.user_id, msg_id)
            elif action in ("timeout", "ban"):
                await helix.ban(self.broadcaster_id, self.user_id, viewer_id,
                                duration_s if action == "timeout" else None)
            else:
                raise ProviderError(f"unknown moderation action {action!r}")
        except HelixError as exc:
            raise ProviderError(pick(f"Twitch refused: {exc.message}", f"Twitch 拒绝：{exc.message}")) from exc

    # -- native polls (console/providers/native_poll.py drives these) ------------------------
    async def poll_open(self, question: str, options: Sequence[str], duration_s: float | None) -> str:
        # A show may open its first poll while the console is still signing in: wait a little.
        with contextlib.suppress(asyncio.TimeoutError, TimeoutError):
            await asyncio.wait_for(self.ready.wait(), self.ready_timeout_s)
        helix = self._require()
        poll = await helix.create_poll(self.broadcaster_id, question, list(options), int(duration_s or 300))
        return str(poll.get("id", ""))

    async def poll_read(self, poll_id: str) -> tuple[list[int], bool]:
        poll = await self._require().get_poll(self.broadcaster_id, poll_id)
        return _tally(poll), str(poll.get("status", "")) not in ("ACTIVE", "")

    async def poll_close(self, poll_id: str) -> tuple[list[int], bool]:
        poll = await self._require().end_poll(self.broadcaster_id, poll_id)
        return _tally(poll), True


def _tally(poll: dict) -> list[int]:
    out = []
    for choice in poll.get("choices") or []:
        v = choice.get("votes", 0) if isinstance(choice, dict) else 0
        out.append(int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else 0)
    return out
