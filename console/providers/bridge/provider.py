"""The bridge adapter: collectors (Taobao, Kuaishou, TikTok, in-house) → the session hub.

The console is the server here, so "connected" means "a collector is connected": the status is
LIVE while at least one is, and CONNECTING ("waiting for a collector on …") while none is. A
collector that drops and comes back simply reconnects; redelivered messages are dropped by the
hub's entrance dedupe on (platform, id).
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket

from console.core.hub import SessionHub
from console.i18n import pick

from ..base import Capability, Provider, ProviderContext
from ..status import ConnState, ProviderError
from .parse import error_frame, hello_frame, parse_message
from .server import PATH, BridgeServer

log = logging.getLogger(__name__)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class BridgeProvider(Provider):
    platform = "bridge"
    display_name = "Bridge (bring your own collector)"
    capabilities = frozenset({Capability.READ_COMMENTS, Capability.READ_GIFTS, Capability.READ_LIKES,
                              Capability.READ_VIEWERS, Capability.READ_ORDERS})

    def __init__(self, ctx: ProviderContext | None = None) -> None:
        super().__init__(ctx)
        self.server: BridgeServer | None = None
        self.listening = asyncio.Event()
        """Set once the socket is bound (tests and the dialog wait on it)."""
        self._hub: SessionHub | None = None

    # -- settings -----------------------------------------------------------------------------
    @property
    def host(self) -> str:
        return str(self.ctx.setting("host", DEFAULT_HOST))

    @property
    def port(self) -> int:
        return int(self.ctx.setting("port", DEFAULT_PORT))

    def token(self) -> str | None:
        # The config file may hold it (the issue allows `[bridge] token`); env/keyring otherwise.
        return self.ctx.setting("token") or self.ctx.secret("TOKEN")

    def url(self, port: int | None = None) -> str:
        return f"ws://{self.host}:{port or self.port}{PATH}?token=…"

    # -- running ------------------------------------------------------------------------------
    async def run(self, hub: SessionHub) -> None:
        token = self.token()
        if not token:
            raise ProviderError(pick(
                "no bridge token set: put `token` in [bridge] or set LIVE_CONSOLE_BRIDGE_TOKEN",
                "未设置桥接令牌：在 [bridge] 中设置 token，或设置环境变量 LIVE_CONSOLE_BRIDGE_TOKEN"), fatal=True)
        self._hub = hub
        self.report(ConnState.CONNECTING, self._waiting())
        self.server = BridgeServer(self.host, self.port, token, on_message=self._on_message,
                                   on_clients=self._on_clients, greeting=hello_frame(self.platform),
                                   max_frame_bytes=int(self.ctx.setting("max_frame_bytes", 1 << 20)))
        try:
            await self.server.serve(ready=self._ready)
        except OSError as exc:
            raise ProviderError(_bind_problem(self.host, self.port, exc), fatal=True) from exc

    def _ready(self, port: int) -> None:
        self.report(ConnState.CONNECTING, self._waiting(port))
        self.listening.set()

    def _waiting(self, port: int | None = None) -> str:
        return pick(f"waiting for a collector on {self.url(port)}", f"等待采集端连接 {self.url(port)}")

    def _on_clients(self, n: int) -> None:
        if n > 0:
            self.report(ConnState.LIVE, pick(f"{n} collector(s) connected", f"{n} 个采集端已连接"))
        else:
            self.report(ConnState.CONNECTING, self._waiting(self.server.bound_port if self.server else None))

    def _on_message(self, raw: str | bytes) -> str | None:
        assert self.server is not None and self._hub is not None
        parsed = parse_message(raw, self.platform, now=self.ctx.clock.now())
        if parsed.event is not None:
            self.server.counters.events += 1
            self._hub.publish(parsed.event)
            return None
        if parsed.unknown_type is not None:
            self.server.counters.unknown_types += 1
            return None
        self.server.counters.errors += 1
        return error_frame(parsed)

    # -- for the settings dialog --------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        return self.server.counters.as_dict() if self.server else {}

    async def test_connection(self) -> str:
        if not self.token():
            raise ProviderError(pick("no bridge token set", "未设置桥接令牌"))
        if self.server is not None and self.server.bound_port is not None:
            return pick(f"listening on {self.url(self.server.bound_port)}", f"正在监听 {self.url(self.server.bound_port)}")
        try:
            with socket.create_server((self.host, self.port)):
                pass
        except OSError as exc:
            raise ProviderError(_bind_problem(self.host, self.port, exc)) from exc
        return pick(f"port {self.port} is free; collectors connect to {self.url()}",
                    f"端口 {self.port} 可用；采集端连接 {self.url()}")


def _bind_problem(host: str, port: int, exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return pick(f"port {port} is already in use by another program; set [bridge] port",
                    f"端口 {port} 已被其他程序占用；请修改 [bridge] port")
    return pick(f"cannot listen on {host}:{port} ({exc.strerror or exc})",
                f"无法监听 {host}:{port}（{exc.strerror or exc}）")

