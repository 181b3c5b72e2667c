"""The webhook receiver: a real async HTTP server (aiohttp) on the shared loop.

Douyin counts a push as failed when the answer takes over 2 s (3 s for gifts) or is not 2xx,
and ten failures in a row trip its circuit breaker, dropping data. So the handler only checks
the request (signature, freshness — cheap), sends `200` and closes the response, and only then
hands the body on; parsing and publishing into the hub happen after the platform has its answer.
Unsigned, wrongly signed and stale requests get `401` with the reason, which is also logged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Callable

from aiohttp import web

from .parse import MAX_BODY_BYTES, verify

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ReceiverCounters:
    pushes: int = 0
    """Requests accepted (signed, fresh) and answered 200."""
    unsigned: int = 0
    bad_signature: int = 0
    stale: int = 0
    other_rejected: int = 0
    """Wrong method/path handled by aiohttp, or a body over the size limit."""

    def as_dict(self) -> dict[str, int]:
        return {k: getattr(self, k) for k in self.__slots__}


class PushReceiver:
    def __init__(self, host: str, port: int, path: str, secret: str, *, scheme: str, max_age_s: float,
                 now_ms: Callable[[], float], on_push: Callable[[str, bytes], None]) -> None:
        self.host, self.port, self.path = host, port, path
        self._secret, self._scheme, self._max_age_ms = secret, scheme, max_age_s * 1000.0
        self._now_ms = now_ms
        self._on_push = on_push
        self.counters = ReceiverCounters()
        self.bound_port: int | None = None
        self._runner: web.AppRunner | None = None

    def _reject(self, counter: str, reason: str, request: web.Request) -> web.Response:
        setattr(self.counters, counter, getattr(self.counters, counter) + 1)
        log.warning("douyin push from %s rejected: %s", request.remote, reason)
        return web.json_response({"err_no": 401, "err_msg": reason}, status=401)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        headers = request.headers
        if not headers.get("x-signature"):
            return self._reject("unsigned", "unsigned request (no x-signature)", request)
        try:
            sent_ms = float(headers.get("x-timestamp", ""))
        except ValueError:
            return self._reject("stale", "no valid x-timestamp", request)
        if abs(self._now_ms() - sent_ms) > self._max_age_ms:
            return self._reject("stale", f"stale request (x-timestamp {abs(self._now_ms() - sent_ms) / 1000:.0f} s away)", request)
        if not verify(headers, body, self._secret, self._scheme):
            return self._reject("bad_signature", "signature does not match (wrong app secret or scheme?)", request)
        self.counters.pushes += 1
        # Answer first: the 200 is on the wire before any parsing or publishing happens.
        response = web.Response(status=200, content_type="application/json",
                                text=json.dumps({"err_no": 0, "err_msg": "ok"}))
        await response.prepare(request)
        await response.write_eof()
        self._on_push(headers.get("x-msg-type", ""), body)
        return response

    def _middleware(self):
        @web.middleware
        async def count_too_big(request: web.Request, handler):
            try:
                return await handler(request)
            except web.HTTPRequestEntityTooLarge:
                self.counters.other_rejected += 1
                log.warning("douyin push from %s rejected: body over %d bytes", request.remote, MAX_BODY_BYTES)
                raise
        return count_too_big

    async def start(self) -> int:
        app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[self._middleware()])
        app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except BaseException:
            await self._runner.cleanup()
            self._runner = None
            raise
        self.bound_port = site._server.sockets[0].getsockname()[1]  # port 0 → the one chosen
        return self.bound_port

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
