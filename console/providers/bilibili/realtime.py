"""The open-live chat socket: connect, authenticate (op 7 → op 8), heartbeat (op 2), read frames.

One `LiveSocket` is one connection. It never reconnects by itself — the adapter decides where
to go next (the next `wss_link`, or a fresh `start`) — and it raises only `AuthRejected` (the
server refused our `auth_body`) or `ConnectionLost` (anything else that ended the link, with a
plain reason). A link that stops answering heartbeats is declared lost after `idle_timeout_s`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import AsyncIterator

import websockets
from websockets.asyncio.client import ClientConnection, connect

from console.i18n import pick

from .parse import OP_AUTH, OP_HEARTBEAT, Frame, ParseStats, make_packet, parse_message

log = logging.getLogger(__name__)


class ConnectionLost(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AuthRejected(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(f"auth rejected ({code})")
        self.code = code


class LiveSocket:
    def __init__(self, url: str, auth_body: str, stats: ParseStats, *, heartbeat_s: float = 30.0,
                 auth_timeout_s: float = 10.0, idle_timeout_s: float | None = None,
                 max_message_bytes: int = 4 * 1024 * 1024, now=None) -> None:
        self.url, self.auth_body, self.stats = url, auth_body, stats
        self.heartbeat_s = heartbeat_s
        self.auth_timeout_s = auth_timeout_s
        self.idle_timeout_s = idle_timeout_s if idle_timeout_s is not None else 2 * heartbeat_s + 10
        self.max_message_bytes = max_message_bytes
        self._now = now or (lambda: 0.0)
        self.ws: ClientConnection | None = None
        self.heartbeats_sent = 0
        self.non_binary = 0
        self._hb_task: asyncio.Task | None = None
        self._end_reason: str | None = None
        self._expiry: asyncio.TimerHandle | None = None

    async def open(self) -> Frame:
        """Connect and authenticate; returns the frame that carried the auth reply (it may hold
        messages too). Raises AuthRejected or ConnectionLost."""
        try:
            self.ws = await asyncio.wait_for(
                connect(self.url, max_size=self.max_message_bytes, ping_interval=None, open_timeout=None,
                        close_timeout=2, compression=None), self.auth_timeout_s)
            await self.ws.send(make_packet(OP_AUTH, self.auth_body))
            async with asyncio.timeout(self.auth_timeout_s):
                while True:
                    frame = self._parse(await self.ws.recv())
                    if frame is not None and frame.auth_code is not None:
                        break
        except (TimeoutError, asyncio.TimeoutError):
            await self.close()
            raise ConnectionLost(pick("the chat server did not answer", "弹幕服务器无响应")) from None
        except (OSError, websockets.WebSocketException) as exc:
            await self.close()
            raise ConnectionLost(_words(exc)) from None
        if frame.auth_code != 0:
            await self.close()
            raise AuthRejected(frame.auth_code)
        self._hb_task = asyncio.create_task(self._heartbeat(), name="bilibili.ws-heartbeat")
        return frame

    async def frames(self) -> AsyncIterator[Frame]:
        """Frames until the link ends (raises ConnectionLost then)."""
        assert self.ws is not None
        while True:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), self.idle_timeout_s)
            except (TimeoutError, asyncio.TimeoutError):
                raise ConnectionLost(pick("the chat server went silent", "弹幕服务器无响应")) from None
            except (OSError, websockets.WebSocketException) as exc:
                raise ConnectionLost(self._end_reason or _words(exc)) from None
            frame = self._parse(raw)
            if frame is not None:
                yield frame

    def expire(self, reason: str, grace_s: float) -> None:
        """The game behind this link is gone: keep reading what is still arriving for `grace_s`
        (messages already on their way are not lost), then close; `frames()` ends with `reason`."""
        self._end_reason = reason
        if self._expiry is None:
            loop = asyncio.get_running_loop()
            self._expiry = loop.call_later(grace_s, lambda: loop.create_task(self.close()))

    def _parse(self, raw: bytes | str) -> Frame | None:
        if not isinstance(raw, (bytes, bytearray)):
            self.non_binary += 1  # the protocol is binary; text is counted and ignored
            self.stats.malformed += 1
            return None
        return parse_message(raw, self.stats, self._now())

    async def _heartbeat(self) -> None:
        # op 2 with an empty body every 30 s keeps the link; the server answers op 3.
        with contextlib.suppress(asyncio.CancelledError, OSError, websockets.WebSocketException):
            while self.ws is not None:
                await self.ws.send(make_packet(OP_HEARTBEAT))
                self.heartbeats_sent += 1
                await asyncio.sleep(self.heartbeat_s)

    async def close(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        if self._hb_task is not None:
            self._hb_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._hb_task
            self._hb_task = None
        ws, self.ws = self.ws, None
        if ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 3)


def _words(exc: BaseException) -> str:
    if isinstance(exc, websockets.ConnectionClosed):
        rcvd = exc.rcvd
        if rcvd is not None and rcvd.code == 1009 or (exc.sent is not None and exc.sent.code == 1009):
            return pick("the chat server sent a message too large to accept", "弹幕服务器发送的消息过大")
        return pick("the chat connection dropped", "弹幕连接已断开")
    if isinstance(exc, websockets.InvalidStatus):
        return pick(f"the chat server refused the connection (HTTP {exc.response.status_code})",
                    f"弹幕服务器拒绝连接（HTTP {exc.response.status_code}）")
    if isinstance(exc, OSError):
        return pick("network down or chat server unreachable", "网络断开或无法连接弹幕服务器")
    return pick(f"the chat connection failed ({type(exc).__name__})", f"弹幕连接失败（{type(exc).__name__}）")
