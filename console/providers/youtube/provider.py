"""The YouTube Live adapter: liveChatMessages.list polling, replies, moderation, native polls.

Polling waits at least `pollingIntervalMillis` (longer when the quota must last the show), always
continues from the last `nextPageToken` — saved as resume state, so a restart mid-show carries on
where it stopped instead of replaying or skipping — and skips the history the very first call
returns unless `[youtube] history = true`. `offlineAt`, a chatEndedEvent or `liveChatEnded` end the
session cleanly (ENDED, not FAILED). Nothing is sent without an explicit host action.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Sequence

from console.core.hub import SessionHub
from console.i18n import pick

from ..base import Capability, NotSupported, Provider, ProviderContext
from ..status import ConnState, ProviderError, SignInRequired
from .api import DEFAULT_API, YouTubeApi, YouTubeError
from .auth import DEFAULT_AUTH_BASE, DEFAULT_TOKEN_BASE, refresh, save_tokens
from .parse import PLATFORM, PollState, parse_page, poll_state
from .quota import Quota

log = logging.getLogger(__name__)
ENDED_REASONS = {"liveChatEnded", "liveChatDisabled"}
MAX_POLL_OPTIONS = 4


class YouTubeProvider(Provider):
    platform = PLATFORM
    display_name = "YouTube Live"
    capabilities = frozenset({Capability.READ_COMMENTS, Capability.READ_GIFTS, Capability.SEND_MESSAGE,
                              Capability.MODERATION, Capability.NATIVE_POLL})

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        s = ctx.setting
        self.api_base = str(s("api_base", DEFAULT_API))
        self.live_chat_id = str(s("live_chat_id", "") or "")
        self.history = bool(s("history", False))
        self.quota_retry_s = float(s("quota_retry_s", 600))
        self.default_poll_s = float(s("default_poll_s", 5))
        r = ctx.resume
        self.quota = Quota(daily=int(s("quota_per_day", 10_000)), reserve=int(s("quota_reserve", 600)),
                           plan_s=float(s("show_hours", 3)) * 3600, clock=ctx.clock,
                           used=int(r.get("quota_used", 0) or 0), day=str(r.get("quota_day", "") or ""))
        self.auth_base = str(s("auth_base", DEFAULT_AUTH_BASE))
        self.token_base = str(s("token_base", s("auth_base", DEFAULT_TOKEN_BASE)))
        self._token = ctx.secret("TOKEN")
        self.refreshes = 0
        self.api = YouTubeApi(self.api_base, lambda: self._token, ctx.secret("API_KEY"), self.quota)
        self.page_token: str | None = None
        self.polls: dict[str, PollState] = {}
        self.calls = 0
        self._quota_step = -1
        self.ready = asyncio.Event()
        """Set once the live chat is known (a show's first cue may come earlier)."""
        self.ready_timeout_s = float(s("ready_timeout_s", 30))

    async def run(self, hub: SessionHub) -> None:
        self.report(ConnState.CONNECTING)
        if not self._token and not self.api.api_key:
            raise SignInRequired(pick("Not signed in to YouTube — use “Sign in” (or set LIVE_CONSOLE_YOUTUBE_TOKEN).",
                                      "尚未登录 YouTube——请点“登录”（或设置 LIVE_CONSOLE_YOUTUBE_TOKEN）。"))
        policy = self.ctx.new_reconnect_policy()
        resume = self.ctx.resume
        chat_id = self.live_chat_id or str(resume.get("live_chat_id", "") or "")
        while not chat_id:
            try:
                chat_id = await self.api.active_chat_id() or ""
            except YouTubeError as exc:
                chat_id = ""
                log.info("finding the live chat failed: %s", exc)
            if not chat_id:
                delay = policy.next_delay() or 30.0
                self.report(ConnState.RECONNECTING, pick("no live broadcast on your channel yet",
                                                         "频道暂无直播"), attempt=policy.attempt, next_try_s=delay)
                await asyncio.sleep(delay)
        self.live_chat_id = chat_id
        self.ready.set()
        if resume.get("live_chat_id") == chat_id and resume.get("page_token"):
            self.page_token = str(resume["page_token"])
        skip = self.page_token is None and not self.history
        policy.reset()
        while True:
            try:
                data = await self.api.list_messages(chat_id, self.page_token)
            except ProviderError as exc:
                if exc.fatal and await self._refresh():
                    continue  # the access token had expired; the refresh token got a new one
                raise
            except YouTubeError as exc:
                if exc.reason in ENDED_REASONS:
                    self.report(ConnState.ENDED, pick("the live chat has ended", "直播聊天已结束"))
                    return
                if exc.reason in ("liveChatNotFound", "forbidden"):
                    raise ProviderError(pick(f"YouTube has no live chat {chat_id!r} for this sign-in.",
                                             f"此登录下找不到 YouTube 直播聊天 {chat_id!r}。"), fatal=True) from exc
                if exc.reason == "quotaExceeded":
                    self.report(ConnState.RECONNECTING, pick(
                        f"YouTube's daily quota is used up; chat resumes when it resets ({self.quota.text()})",
                        f"YouTube 今日配额已用完，重置后继续（{self.quota.text()}）"),
                        attempt=1, next_try_s=self.quota_retry_s)
                    await asyncio.sleep(self.quota_retry_s)
                    continue
                policy.disconnected()
                delay = policy.next_delay()
                if delay is None:
                    raise ProviderError(pick(f"gave up reading chat: {exc.error.message or exc.reason}",
                                             f"已放弃读取聊天：{exc.error.message or exc.reason}")) from exc
                self.report(ConnState.RECONNECTING, _why(exc), attempt=policy.attempt, next_try_s=delay)
                await asyncio.sleep(delay)
                continue
            self.calls += 1
            page = parse_page(data, self.ctx.clock.now())
            if self.status.state is not ConnState.LIVE:
                policy.connected()
            self._report_live()
            if not skip:
                hub.publish_batch(page.events)
            skip = False
            for poll in page.polls:
                self.polls[poll.poll_id] = poll
            self.page_token = page.next_page_token or self.page_token
            self.ctx.save_resume({"live_chat_id": chat_id, "page_token": self.page_token, **self.quota.state()})
            if page.offline_at or page.ended:
                self.report(ConnState.ENDED, pick("the stream has ended", "直播已结束"))
                return
            server_s = (page.polling_ms / 1000.0) if page.polling_ms is not None else self.default_poll_s
            await asyncio.sleep(self.quota.poll_interval(server_s))

    async def _refresh(self) -> bool:
        """Swap an expired access token for a new one (once per expiry); False if we cannot."""
        refresh_token, client_id = self.ctx.secret("REFRESH_TOKEN"), self.ctx.secret("CLIENT_ID")
        if not refresh_token or not client_id or self.refreshes >= 3:
            return False
        self.refreshes += 1
        tokens = await refresh(self.api.http, self.token_base, client_id, refresh_token,
                               self.ctx.secret("CLIENT_SECRET"), self.ctx.clock)
        self._token = tokens.access_token
        with contextlib.suppress(Exception):  # no keyring: the new token still works this run
            save_tokens(tokens)
        return True

    def _report_live(self) -> None:
        # Tell the host about the quota in 10 % steps, not on every call (each report is logged).
        step = min(10, self.quota.used * 10 // max(1, self.quota.daily))
        if self.status.state is not ConnState.LIVE or step != self._quota_step:
            self._quota_step = step
            self.report(ConnState.LIVE, self.quota.text())

    def counts(self) -> dict[str, int]:
        return {"list calls": self.calls, "quota used today": self.quota.used, "quota per day": self.quota.daily}

    async def test_connection(self) -> str:
        """One cheap call (1 unit): is the sign-in good, and is there a live chat to read?"""
        if not self._token and not self.api.api_key:
            raise SignInRequired(pick("Not signed in to YouTube — use “Sign in”.", "尚未登录 YouTube——请点“登录”。"))
        if self.live_chat_id:
            return pick(f"live chat {self.live_chat_id} set; {self.quota.text()}",
                        f"已设置直播聊天 {self.live_chat_id}；{self.quota.text()}")
        try:
            chat = await self.api.active_chat_id()
        except YouTubeError as exc:
            raise ProviderError(pick(f"YouTube answered: {_why(exc)}", f"YouTube 回应：{_why(exc)}")) from exc
        finally:
            await self.close()
        if not chat:
            return pick("signed in; no live broadcast on the channel right now",
                        "已登录；频道当前没有直播")
        return pick("signed in; the channel's live chat was found", "已登录；找到了频道的直播聊天")

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.api.aclose()

    # -- host actions --------------------------------------------------------------------------
    def _chat(self) -> str:
        if not self.live_chat_id:
            raise ProviderError(pick("YouTube is not connected yet.", "YouTube 尚未连接。"))
        if not self._token:
            raise ProviderError(pick("Sending needs a YouTube sign-in with permission to send (not just an API key).",
                                     "发送需要有发送权限的 YouTube 登录（API key 不够）。"))
        return self.live_chat_id

    async def send_message(self, text: str, reply_to: str | None = None) -> None:
        # YouTube chat has no threads: a reply is a message (the panel adds "@name").
        chat = self._chat()
        try:
            await self.api.insert_text(chat, text)
        except YouTubeError as exc:
            raise ProviderError(pick(f"YouTube did not send the message: {_why(exc)}",
                                     f"YouTube 未发送消息：{_why(exc)}")) from exc

    async def moderate(self, action: str, viewer_id: str, msg_id: str | None = None,
                       duration_s: int | None = None) -> None:
        chat = self._chat()
        try:
            if action == "delete":
                if not msg_id:
                    raise ProviderError(pick("Which message?", "请选择消息。"))
                await self.api.delete_message(msg_id)
            elif action in ("timeout", "ban"):
                await self.api.ban(chat, viewer_id, duration_s or 300 if action == "timeout" else None)
            else:
                raise ProviderError(f"unknown moderation action {action!r}")
        except YouTubeError as exc:
            raise ProviderError(pick(f"YouTube refused: {_why(exc)}", f"YouTube 拒绝：{_why(exc)}")) from exc

    # -- native polls ---------------------------------------------------------------------------
    async def poll_open(self, question: str, options: Sequence[str], duration_s: float | None) -> str:
        if not 2 <= len(options) <= MAX_POLL_OPTIONS:
            raise NotSupported(pick(f"YouTube polls take 2–{MAX_POLL_OPTIONS} options.",
                                    f"YouTube 投票只能有 2–{MAX_POLL_OPTIONS} 个选项。"))
        with contextlib.suppress(asyncio.TimeoutError, TimeoutError):
            await asyncio.wait_for(self.ready.wait(), self.ready_timeout_s)
        item = await self.api.insert_poll(self._chat(), question, options)
        state = poll_state(item)
        if state is None:
            raise ProviderError(pick("YouTube did not start the poll.", "YouTube 未能开始投票。"))
        self.polls[state.poll_id] = state
        return state.poll_id

    async def poll_read(self, poll_id: str) -> tuple[list[int], bool]:
        # Tallies arrive with the chat pages we read anyway: no extra quota.
        p = self.polls.get(poll_id)
        return (list(p.tallies), p.status == "closed") if p else ([], False)

    async def poll_close(self, poll_id: str) -> tuple[list[int], bool]:
        try:
            item = await self.api.close_poll(poll_id)
        except YouTubeError as exc:
            p = self.polls.get(poll_id)
            if p is not None and p.status == "closed":
                return list(p.tallies), True  # it closed on YouTube already
            raise ProviderError(pick(f"YouTube did not close the poll: {_why(exc)}",
                                     f"YouTube 未能结束投票：{_why(exc)}")) from exc
        state = poll_state(item)
        if state is not None:
            self.polls[poll_id] = state
            return list(state.tallies), True
        return await self.poll_read(poll_id)


def _why(exc: YouTubeError) -> str:
    e = exc.error
    if e.status >= 500:
        return pick(f"YouTube had a server problem (HTTP {e.status})", f"YouTube 服务器出错（HTTP {e.status}）")
    if e.reason == "rateLimitExceeded":
        return pick("YouTube asked us to slow down", "YouTube 要求降低频率")
    if e.reason == "network":
        return pick(f"network problem ({e.message})", f"网络问题（{e.message}）")
    return e.message or e.reason or f"HTTP {e.status}"
