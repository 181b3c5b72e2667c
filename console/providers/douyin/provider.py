"""Douyin push adapter: receiver + push tasks → the session hub.

Douyin pushes only to a public HTTPS callback, which a desktop app does not have: the host runs
their own relay or tunnel that forwards those POSTs, unchanged, to this receiver (127.0.0.1 by
default). With `roomid`, `appid` and the ACCESS_TOKEN credential set, the console also starts the
push tasks when the show starts and stops them when it ends; without them it only receives (the
relay or another tool started the tasks).

Status: CONNECTING while binding / starting tasks, RECONNECTING (attempt, next try) while the
task API is unreachable, LIVE once receiving, FAILED with the reason when retrying cannot help.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging

from console.core.dedupe import RecentIds
from console.core.events import Event
from console.core.hub import SessionHub
from console.i18n import pick

from ..base import Capability, Provider, ProviderContext
from ..status import ConnState, ProviderError
from .api import DEFAULT_API_BASE, DouyinApi
from .parse import MSG_TYPES, SCHEMES, parse_push
from .receiver import PushReceiver

log = logging.getLogger(__name__)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8766
DEFAULT_PATH = "/douyin/push"
DEFAULT_MAX_AGE_S = 300.0


class DouyinProvider(Provider):
    platform = "douyin"
    display_name = "抖音 Douyin (push)"
    capabilities = frozenset({Capability.READ_COMMENTS, Capability.READ_GIFTS, Capability.READ_LIKES})

    def __init__(self, ctx: ProviderContext | None = None) -> None:
        super().__init__(ctx)
        self.receiver: PushReceiver | None = None
        self.listening = asyncio.Event()
        self._inbox: asyncio.Queue[list[Event]] = asyncio.Queue()
        self._recent = RecentIds(100_000)
        self._api: DouyinApi | None = None
        self._started_types: list[str] = []
        self.stats = {"events": 0, "duplicates": 0, "invalid_items": 0, "skipped_items": 0, "bad_bodies": 0}

    # -- settings -----------------------------------------------------------------------------
    def _settings(self) -> tuple[str, int, str, str, float]:
        scheme = str(self.ctx.setting("signature", SCHEMES[0]))
        if scheme not in SCHEMES:
            raise ProviderError(pick(f"[douyin] signature must be one of {', '.join(SCHEMES)}",
                                     f"[douyin] signature 只能是 {', '.join(SCHEMES)}"), fatal=True)
        return (str(self.ctx.setting("host", DEFAULT_HOST)), int(self.ctx.setting("port", DEFAULT_PORT)),
                str(self.ctx.setting("path", DEFAULT_PATH)), scheme,
                float(self.ctx.setting("max_age_s", DEFAULT_MAX_AGE_S)))

    def _task_settings(self) -> tuple[str, str, str, list[str]] | None:
        roomid, appid = self.ctx.setting("roomid"), self.ctx.setting("appid")
        token = self.ctx.secret("ACCESS_TOKEN")
        if not (roomid and appid and token):
            return None
        types = self.ctx.setting("msg_types", list(MSG_TYPES))
        return str(roomid), str(appid), token, [t for t in types if t in MSG_TYPES]

    def url(self) -> str:
        host, port, path, _, _ = self._settings()
        return f"http://{host}:{self.receiver.bound_port if self.receiver else port}{path}"

    # -- running ------------------------------------------------------------------------------
    async def run(self, hub: SessionHub) -> None:
        host, port, path, scheme, max_age = self._settings()
        secret = self.ctx.secret("APP_SECRET")
        if not secret:
            raise ProviderError(pick("no Douyin push secret: set LIVE_CONSOLE_DOUYIN_APP_SECRET or store APP_SECRET in Platform settings",
                                     "未设置抖音推送密钥：设置 LIVE_CONSOLE_DOUYIN_APP_SECRET，或在平台设置中保存 APP_SECRET"), fatal=True)
        self.report(ConnState.CONNECTING, pick("starting the push receiver", "正在启动推送接收器"))
        self.receiver = PushReceiver(host, port, path, secret, scheme=scheme, max_age_s=max_age,
                                     now_ms=lambda: self.ctx.clock.now() * 1000.0, on_push=self._on_push)
        try:
            await self.receiver.start()
        except OSError as exc:
            in_use = exc.errno == errno.EADDRINUSE
            raise ProviderError(pick(f"port {port} is already in use; set [douyin] port" if in_use else f"cannot listen on {host}:{port} ({exc.strerror})",
                                     f"端口 {port} 已被占用；请修改 [douyin] port" if in_use else f"无法监听 {host}:{port}（{exc.strerror}）"),
                                fatal=True) from exc
        self.listening.set()
        consumer = asyncio.create_task(self._publish_loop(hub), name="douyin.publish")
        try:
            await self._start_tasks()
            await consumer
        finally:
            consumer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await consumer
            await self.receiver.stop()

    async def _start_tasks(self) -> None:
        tasks = self._task_settings()
        if tasks is None:
            self.report(ConnState.LIVE, pick(f"receiving pushes on {self.url()} (push tasks are started by your relay)",
                                             f"正在接收推送 {self.url()}（推送任务由中转端启动）"))
            return
        roomid, appid, token, types = tasks
        self._api = DouyinApi(str(self.ctx.setting("api_base", DEFAULT_API_BASE)), token)
        policy = self.ctx.new_reconnect_policy()
        pending = [t for t in types if t not in self._started_types]
        while pending:
            try:
                for msg_type in list(pending):
                    await self._api.start_task(roomid, appid, msg_type)
                    self._started_types.append(msg_type)
                    pending.remove(msg_type)
            except ProviderError as exc:
                if exc.fatal:
                    raise
                delay = policy.next_delay()
                if delay is None:
                    raise
                self.report(ConnState.RECONNECTING, exc.reason, attempt=policy.attempt, next_try_s=delay)
                await asyncio.sleep(delay)
        self.report(ConnState.LIVE, pick(f"push tasks started ({', '.join(self._started_types)}); receiving on {self.url()}",
                                         f"推送任务已启动（{', '.join(self._started_types)}）；接收地址 {self.url()}"))

    def _on_push(self, msg_type: str, body: bytes) -> None:
        """Runs after the 200 is sent: parse, dedupe, queue for the hub."""
        batch = parse_push(msg_type, body, self.platform, now=self.ctx.clock.now())
        if batch.error:
            self.stats["bad_bodies"] += 1
            log.warning("douyin push body not usable: %s", batch.error)
        self.stats["invalid_items"] += batch.invalid
        self.stats["skipped_items"] += batch.skipped
        fresh = list(self._recent.fresh(batch.events))
        self.stats["duplicates"] += len(batch.events) - len(fresh)
        if fresh:
            self._inbox.put_nowait(fresh)

    async def _publish_loop(self, hub: SessionHub) -> None:
        while True:
            events = await self._inbox.get()
            self.stats["events"] += len(events)
            hub.publish_batch(events)
            await asyncio.sleep(0)  # let the receiver answer the next push between batches

    async def close(self) -> None:
        api, self._api = self._api, None
        if api is None:
            return
        tasks = self._task_settings()
        try:
            if tasks is not None:
                for msg_type in self._started_types:
                    with contextlib.suppress(ProviderError):
                        await api.stop_task(tasks[0], tasks[1], msg_type)
            self._started_types.clear()
        finally:
            await api.aclose()

    # -- for the settings dialog --------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        out = dict(self.stats)
        if self.receiver is not None:
            out.update(self.receiver.counters.as_dict())
        return out

    async def test_connection(self) -> str:
        host, port, _, _, _ = self._settings()
        if not self.ctx.secret("APP_SECRET"):
            raise ProviderError(pick("no push secret (APP_SECRET) set", "未设置推送密钥（APP_SECRET）"))
        tasks = self._task_settings()
        note = (pick("push tasks will be started by the console", "推送任务将由控制台启动") if tasks
                else pick("without roomid/appid/ACCESS_TOKEN your relay must start the push tasks",
                          "未设置 roomid/appid/ACCESS_TOKEN，需由中转端启动推送任务"))
        return pick(f"receiver will listen on http://{host}:{port}; {note}", f"接收器将监听 http://{host}:{port}；{note}")
