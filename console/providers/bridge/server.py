"""The bridge's WebSocket listener: ws://<host>:<port>/bridge?token=<token>, localhost by default.

Transport only: it checks the path and the token during the opening handshake (a wrong or
missing token gets HTTP 401 and never a WebSocket), greets each collector with a hello frame,
hands every message to `on_message` and sends back whatever reply that returns (error frames).
Frames beyond `max_frame_bytes` are refused by websockets itself (close code 1009) and counted.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from dataclasses import dataclass
from typing import Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

log = logging.getLogger(__name__)
PATH = "/bridge"
CLOSE_TOO_BIG = 1009


@dataclass(slots=True)
class BridgeCounters:
    connections: int = 0
    """Collectors that were let in (reconnects count again)."""
    refused: int = 0
    """Handshakes refused: wrong or missing token, wrong path."""
    events: int = 0
    """Messages turned into events (before the hub's dedupe)."""
    unknown_types: int = 0
    errors: int = 0
    """Messages answered with an error frame (malformed JSON, invalid fields, too large)."""
    oversized: int = 0
    """Connections closed because one frame exceeded the hard frame limit."""

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.__slots__}


class BridgeServer:
    def __init__(self, host: str, port: int, token: str, *,
                 on_message: Callable[[str | bytes], str | None],
                 on_clients: Callable[[int], None],
                 greeting: str, max_frame_bytes: int = 1 << 20) -> None:
        self.host, self.port, self._token = host, port, token
        self._on_message = on_message
        self._on_clients = on_clients
        self._greeting = greeting
        self._max_frame = max_frame_bytes
        self.counters = BridgeCounters()
        self.clients = 0
        self.bound_port: int | None = None

    def _check_handshake(self, connection: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        if url.path != PATH:
            self.counters.refused += 1
            return connection.respond(404, f"Connect to {PATH}?token=…\n")
        given = parse_qs(url.query).get("token", [""])[0]
        if not hmac.compare_digest(given.encode(), self._token.encode()):
            self.counters.refused += 1
            # Never log the token given, right or wrong: only that it did not match.
            log.warning("bridge: refused a collector from %s (%s token)",
                        connection.remote_address, "missing" if not given else "wrong")
            return connection.respond(401, "Wrong or missing token.\n")
        return None

    async def _serve_one(self, ws: ServerConnection) -> None:
        self.counters.connections += 1
        self.clients += 1
        self._on_clients(self.clients)
        try:
            await ws.send(self._greeting)
            async for raw in ws:
                reply = self._on_message(raw)
                if reply is not None:
                    await ws.send(reply)
        except ConnectionClosed as exc:
            if exc.sent is not None and exc.sent.code == CLOSE_TOO_BIG:
                self.counters.oversized += 1
                log.warning("bridge: closed a collector that sent a frame over %d bytes", self._max_frame)
        finally:
            self.clients -= 1
            self._on_clients(self.clients)

    async def serve(self, ready: Callable[[int], Awaitable[None] | None] | None = None) -> None:
        """Listen until cancelled; `ready(port)` once the socket is bound (port 0 → a free one)."""
        async with serve(self._serve_one, self.host, self.port, process_request=self._check_handshake,
                         max_size=self._max_frame, ping_interval=20, ping_timeout=20) as server:
            self.bound_port = next(iter(server.sockets)).getsockname()[1]
            if ready is not None:
                result = ready(self.bound_port)
                if asyncio.iscoroutine(result):
                    await result
            await asyncio.Future()  # until cancelled; leaving the block closes every connection
