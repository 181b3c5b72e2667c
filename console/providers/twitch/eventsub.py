"""One EventSub WebSocket session, across Twitch's `session_reconnect` handovers.

Every socket has a reader task that puts `(socket, frame)` on one queue; the loop below is the
only consumer, so frames from the old and the new socket during a handover are handled in the
order they arrived and nothing is dropped:

- welcome → `on_welcome(frame)` (the provider creates its subscriptions, within the keepalive
  window Twitch allows);
- `session_reconnect` → open `reconnect_url` *while the old socket keeps delivering*; only when
  the new socket's welcome arrives does it become current, and the old one is closed after Twitch
  had `grace_s` to close it itself (subscriptions carry over, no resubscribe);
- notifications are delivered once per `metadata.message_id` (Twitch delivers at least once);
- silence longer than the keepalive (+ margin) from every socket means the link is dead →
  `ConnectionLost`, and the provider starts a fresh session through the reconnect policy.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from console.core.dedupe import RecentIds
from console.i18n import pick

from .parse import Frame, parse_frame

log = logging.getLogger(__name__)

CLOSE_REASONS = {
    4000: ("Twitch had an internal error", "Twitch 内部错误"),
    4001: ("the console sent something it should not", "控制台发送了不该发送的内容"),
    4002: ("Twitch's ping went unanswered", "未响应 Twitch 的心跳"),
    4003: ("no subscription was created in time", "未及时创建订阅"),
    4004: ("the reconnect grace time ran out", "重连宽限时间已过"),
    4005: ("network timeout", "网络超时"),
    4006: ("network error", "网络错误"),
    4007: ("invalid reconnect address", "重连地址无效"),
}


class ConnectionLost(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class _Closed:
    code: int | None
    reason: str


@dataclass(slots=True, eq=False)
class _Socket:
    ws: ClientConnection
    reader: asyncio.Task
    tag: int


def close_reason(code: int | None) -> str:
    en, zh = CLOSE_REASONS.get(code or 0, (f"connection closed (code {code})", f"连接已关闭（代码 {code}）"))
    return pick(en, zh)


class EventSubSession:
    def __init__(self, url: str, *, on_welcome: Callable[[Frame], Awaitable[None]],
                 on_notification: Callable[[Frame], None], on_revocation: Callable[[Frame], None],
                 seen: RecentIds, now: Callable[[], float], keepalive_margin_s: float = 5.0,
                 grace_s: float = 30.0, connect_timeout_s: float = 15.0) -> None:
        self.url = url
        self.on_welcome = on_welcome
        self.on_notification = on_notification
        self.on_revocation = on_revocation
        self.seen = seen
        self.now = now
        self.margin = keepalive_margin_s
        self.grace_s = grace_s
        self.connect_timeout_s = connect_timeout_s
        self.session_id = ""
        self.handovers = 0
        self.duplicates = 0
        self._tags = itertools.count(1)
        self._queue: asyncio.Queue = asyncio.Queue()
        self._sockets: list[_Socket] = []
        self._closers: list[asyncio.Task] = []

    async def _open(self, url: str) -> _Socket:
        try:
            ws = await asyncio.wait_for(connect(url, max_size=2**22, ping_interval=None,
                                                open_timeout=self.connect_timeout_s),
                                        self.connect_timeout_s + 1)
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError, asyncio.TimeoutError) as exc:
            raise ConnectionLost(pick(f"cannot reach Twitch EventSub ({type(exc).__name__})",
                                      f"无法连接 Twitch EventSub（{type(exc).__name__}）")) from exc
        tag = next(self._tags)
        sock = _Socket(ws, asyncio.create_task(self._read(ws, tag), name=f"eventsub.read.{tag}"), tag)
        self._sockets.append(sock)
        return sock

    async def _read(self, ws: ClientConnection, tag: int) -> None:
        try:
            async for message in ws:
                self._queue.put_nowait((tag, parse_frame(message, self.now())))
            code, reason = ws.close_code, ws.close_reason or ""
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd else None
            reason = exc.rcvd.reason if exc.rcvd else ""
        except Exception as exc:  # noqa: BLE001 — a broken socket is a closed socket
            code, reason = None, type(exc).__name__
        self._queue.put_nowait((tag, _Closed(code, reason)))

    async def run(self) -> None:
        """Run until the link is lost (raises ConnectionLost) or the task is cancelled."""
        try:
            current = await self._open(self.url)
            pending: _Socket | None = None
            keepalive = self.connect_timeout_s
            welcomed = False
            while True:
                try:
                    tag, item = await asyncio.wait_for(self._queue.get(), keepalive + self.margin)
                except (TimeoutError, asyncio.TimeoutError):
                    raise ConnectionLost(pick(f"Twitch went silent for {keepalive + self.margin:.0f} s (no keepalive)",
                                              f"Twitch 已 {keepalive + self.margin:.0f} 秒无响应（无心跳）")) from None
                if isinstance(item, _Closed):
                    if tag == current.tag:
                        raise ConnectionLost(close_reason(item.code))
                    if pending is not None and tag == pending.tag:
                        pending = None  # the new address failed before its welcome; keep the old one
                    continue
                frame: Frame = item
                if frame.type == "session_welcome":
                    if pending is not None and tag == pending.tag:
                        # Handover: the new socket is live; subscriptions carried over.
                        old, current, pending = current, pending, None
                        self.handovers += 1
                        self.session_id = frame.session_id or self.session_id
                        keepalive = frame.keepalive_s or keepalive
                        self._closers.append(asyncio.create_task(self._retire(old)))
                    elif tag == current.tag and not welcomed:
                        welcomed = True
                        self.session_id = frame.session_id
                        keepalive = frame.keepalive_s or keepalive
                        await self.on_welcome(frame)
                elif frame.type == "session_reconnect" and tag == current.tag and pending is None:
                    if not frame.reconnect_url:
                        raise ConnectionLost(close_reason(4007))
                    try:
                        pending = await self._open(frame.reconnect_url)
                    except ConnectionLost:
                        pending = None  # the old socket still works until Twitch closes it
                elif frame.type == "notification":
                    if self.seen.first_time("eventsub", frame.message_id):
                        self.on_notification(frame)
                    else:
                        self.duplicates += 1
                elif frame.type == "revocation":
                    if self.seen.first_time("eventsub", frame.message_id):
                        self.on_revocation(frame)
                elif frame.type == "malformed":
                    log.info("EventSub sent a frame that is not valid JSON; ignored")
        finally:
            await self.close()

    async def _retire(self, sock: _Socket) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(sock.reader), self.grace_s)
        await self._drop(sock)

    async def _drop(self, sock: _Socket) -> None:
        with contextlib.suppress(Exception):
            await sock.ws.close()
        sock.reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sock.reader
        if sock in self._sockets:
            self._sockets.remove(sock)

    async def close(self) -> None:
        for task in self._closers:
            task.cancel()
        for sock in list(self._sockets):
            await self._drop(sock)
        self._closers.clear()
