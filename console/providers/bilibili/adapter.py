"""The Bilibili open-live provider: start a game, read its chat socket, keep both alive, end it.

Flow: signed `start` (身份码 + app_id) → `game_id`, `auth_body`, `wss_link`s → socket auth → LIVE.
While live, a REST heartbeat every 20 s keeps the game (60 s without one ends it) and the socket
heartbeats every 30 s. On a dropped socket: the next `wss_link`, re-auth; if auth is refused or
the game expired, `start` again. There is no resume cursor, so redelivered messages are dropped
by `msg_id` at the hub's entrance. INTERACTION_END (the platform closed the game) ends the run;
`close()` ends the game so the room is free for the next show.

Config `[bilibili]`: app_id, api_base, heartbeat_s, ws_heartbeat_s, auth_timeout_s,
idle_timeout_s, request_timeout_s, max_message_bytes, reconnect_* (the one reconnect policy).
Credentials: ACCESS_KEY_ID, ACCESS_KEY_SECRET, AUTH_CODE (the host's 身份码).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import httpx

from console.core.hub import SessionHub
from console.i18n import pick

from ..base import Capability, Provider, ProviderContext
from ..credentials import env_name
from ..status import ConnState, ProviderError
from .parse import PLATFORM, Frame, ParseStats
from .realtime import AuthRejected, ConnectionLost, LiveSocket
from .rest import DEFAULT_API_BASE, GAME_GONE, ApiError, GameInfo, OpenLiveApi

log = logging.getLogger(__name__)
CREDENTIALS = ("ACCESS_KEY_ID", "ACCESS_KEY_SECRET", "AUTH_CODE")
SETTINGS = ("app_id", "api_base", "heartbeat_s", "ws_heartbeat_s", "auth_timeout_s", "idle_timeout_s",
            "request_timeout_s", "cooldown_s", "expire_grace_s", "max_message_bytes", "reconnect_base_s", "reconnect_cap_s",
            "reconnect_healthy_after_s", "reconnect_max_attempts")


class BilibiliProvider(Provider):
    platform = PLATFORM
    display_name = "Bilibili 哔哩哔哩直播 (open-live)"
    # The open platform is read-only: no sending chat, no polls, no moderation API.
    capabilities = frozenset({Capability.READ_COMMENTS, Capability.READ_GIFTS, Capability.READ_LIKES})

    def __init__(self, ctx: ProviderContext) -> None:
        super().__init__(ctx)
        s = ctx.setting
        self.api_base = str(s("api_base", DEFAULT_API_BASE))
        self.heartbeat_s = float(s("heartbeat_s", 20.0))
        self.ws_heartbeat_s = float(s("ws_heartbeat_s", 30.0))
        self.auth_timeout_s = float(s("auth_timeout_s", 10.0))
        idle = s("idle_timeout_s")
        self.idle_timeout_s = float(idle) if idle is not None else None
        self.request_timeout_s = float(s("request_timeout_s", 10.0))
        self.expire_grace_s = float(s("expire_grace_s", 1.0))
        """After a heartbeat says the game expired, read what is still arriving this long."""
        self.cooldown_s = float(s("cooldown_s", 10.0))
        """7001: the previous game is still settling; the platform asks for ~10 s."""
        self.max_message_bytes = int(s("max_message_bytes", 4 * 1024 * 1024))
        self.stats = ParseStats()
        self.game: GameInfo | None = None
        self.starts = 0
        self.connections = 0
        self.auth_rejections = 0
        self.heartbeat_failures = 0
        self.received = 0
        self._link = 0
        self._socket: LiveSocket | None = None
        self._client: httpx.AsyncClient | None = None
        self._api: OpenLiveApi | None = None
        self._hb_task: asyncio.Task | None = None
        self._ended = False

    # -- settings and credentials ----------------------------------------------------------------
    def _app_id(self) -> int:
        raw = self.ctx.setting("app_id")
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ProviderError(pick("set [bilibili] app_id (your project ID from open-live.bilibili.com)",
                                     "请设置 [bilibili] app_id（开放平台项目 ID）"), fatal=True) from None

    def _secrets(self) -> tuple[str, str, str]:
        values = {n: (self.ctx.secret(n) or "").strip() for n in CREDENTIALS}
        missing = [n for n, v in values.items() if not v]
        if missing:
            names = ", ".join(env_name(PLATFORM, n) for n in missing)
            raise ProviderError(pick(f"missing {', '.join(missing)} (Platform settings, or {names})",
                                     f"缺少 {', '.join(missing)}（平台设置，或环境变量 {names}）"), fatal=True)
        return values["ACCESS_KEY_ID"], values["ACCESS_KEY_SECRET"], values["AUTH_CODE"]

    def _make_api(self) -> OpenLiveApi:
        if self._api is None:
            key_id, secret, _ = self._secrets()
            self._client = httpx.AsyncClient(timeout=self.request_timeout_s)
            self._api = OpenLiveApi(self._client, self.api_base, key_id, secret, self._app_id(), self.ctx.clock.now)
        return self._api

    # -- running ---------------------------------------------------------------------------------
    async def run(self, hub: SessionHub) -> None:
        api = self._make_api()
        auth_code = self._secrets()[2]
        policy = self.ctx.new_reconnect_policy()
        self.report(ConnState.CONNECTING)
        await self._end_stale_game(api)
        try:
            while True:
                reason, floor = "", 0.0
                try:
                    if self.game is None:
                        await self._start(api, auth_code)
                    await self._read(hub, policy)
                    if self._ended:
                        return
                except ApiError as exc:
                    if exc.fatal:
                        raise
                    reason = exc.reason
                    floor = exc.retry_after_s or (self.cooldown_s if exc.code == 7001 else 0.0)
                    if exc.code in GAME_GONE:
                        self.game = None
                except AuthRejected as exc:
                    # The auth_body went stale (or the game ended): a fresh start gives a new one.
                    self.auth_rejections += 1
                    self.game = None
                    reason = pick(f"the chat server refused our session ({exc.code}); starting again",
                                  f"弹幕服务器拒绝认证（{exc.code}），正在重新开启")
                except ConnectionLost as exc:
                    reason = exc.reason
                    if self.game is not None:
                        self._link = (self._link + 1) % len(self.game.wss_links)
                policy.disconnected()
                delay = policy.next_delay()
                if delay is None:
                    raise ProviderError(pick(f"gave up reconnecting: {reason}", f"已停止重连：{reason}"))
                delay = max(delay, floor)
                self.report(ConnState.RECONNECTING, reason, attempt=policy.attempt, next_try_s=delay)
                await asyncio.sleep(delay)
        finally:
            await self._stop_heartbeat()

    async def _end_stale_game(self, api: OpenLiveApi) -> None:
        # After a restart mid-show the previous run's game may still hold the room (7002): end it.
        old = str(self.ctx.resume.get("game_id") or "")
        if old:
            with contextlib.suppress(ApiError):
                await api.end(old)

    async def _start(self, api: OpenLiveApi, auth_code: str) -> None:
        await self._stop_heartbeat()
        self.starts += 1
        self.game = await api.start(auth_code)
        self._link = 0
        self.ctx.save_resume({"game_id": self.game.game_id, "room_id": self.game.room_id})
        if self.game.game_id:  # only interactive-play projects have a game to keep alive
            self._hb_task = asyncio.create_task(self._heartbeat(api, self.game.game_id),
                                                name="bilibili.game-heartbeat")

    async def _read(self, hub: SessionHub, policy) -> None:
        game = self.game
        assert game is not None
        sock = LiveSocket(game.wss_links[self._link % len(game.wss_links)], game.auth_body, self.stats,
                          heartbeat_s=self.ws_heartbeat_s, auth_timeout_s=self.auth_timeout_s,
                          idle_timeout_s=self.idle_timeout_s, max_message_bytes=self.max_message_bytes,
                          now=self.ctx.clock.now)
        self._socket = sock
        try:
            first = await sock.open()
            self.connections += 1
            policy.connected()
            self.report(ConnState.LIVE, game.anchor_name)
            self._deliver(hub, first)
            async for frame in sock.frames():
                if self._deliver(hub, frame):
                    return
        finally:
            self._socket = None
            await sock.close()

    def _deliver(self, hub: SessionHub, frame: Frame) -> bool:
        """Publish a frame's events; True when the platform ended the game."""
        if frame.events:
            self.received += len(frame.events)
            hub.publish_batch(frame.events)
        game = self.game
        if frame.ended_game_id is not None and game is not None and frame.ended_game_id in ("", game.game_id):
            self._ended = True
            self.report(ConnState.ENDED, pick("the interactive session was closed on Bilibili",
                                              "B 站已关闭本场互动"))
            return True
        return False

    async def _heartbeat(self, api: OpenLiveApi, game_id: str) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_s)
            try:
                await api.heartbeat(game_id)
            except ApiError as exc:
                self.heartbeat_failures += 1
                log.info("bilibili heartbeat failed: %s", exc.reason)
                if exc.code in GAME_GONE and self.game is not None and self.game.game_id == game_id:
                    # The game is gone: finish reading that link, then the run loop starts anew.
                    self.game = None
                    if self._socket is not None:
                        self._socket.expire(exc.reason, self.expire_grace_s)
                    return

    async def _stop_heartbeat(self) -> None:
        task, self._hb_task = self._hb_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def close(self) -> None:
        """End the game so the room is free again; idempotent, never raises."""
        await self._stop_heartbeat()
        game, self.game = self.game, None
        if game is not None and game.game_id and self._api is not None:
            try:
                await self._api.end(game.game_id)
                self.ctx.save_resume({"game_id": ""})
            except ApiError as exc:
                log.info("bilibili end failed: %s", exc.reason)
        client, self._client, self._api = self._client, None, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()

    # -- for the Platform settings dialog --------------------------------------------------------
    def counts(self) -> dict[str, int]:
        # Keys the settings dialog already labels in both languages.
        return {"events": self.received, "connections": self.connections, "refused": self.auth_rejections,
                "unknown_types": sum(self.stats.unknown_cmds.values()) + self.stats.unknown_ops,
                "errors": self.stats.malformed + self.heartbeat_failures}

    async def test_connection(self) -> str:
        """Start a game and end it right away: proves keys, app_id and 身份码 together. While this
        provider is live it only reports that (a second start would disturb the running game)."""
        if self.game is not None and self.status.state is ConnState.LIVE:
            return pick(f"live now in {self.game.anchor_name or self.game.room_id}'s room",
                        f"正在 {self.game.anchor_name or self.game.room_id} 的直播间中")
        key_id, secret, auth_code = self._secrets()
        async with httpx.AsyncClient(timeout=self.request_timeout_s) as client:
            api = OpenLiveApi(client, self.api_base, key_id, secret, self._app_id(), self.ctx.clock.now)
            game = await api.start(auth_code)
            if game.game_id:
                with contextlib.suppress(ApiError):
                    await api.end(game.game_id)
        name = game.anchor_name or str(game.room_id)
        return pick(f"connected to {name}'s room", f"已连接 {name} 的直播间")
