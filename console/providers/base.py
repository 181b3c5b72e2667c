"""What every platform adapter offers the console, and what the console gives it.

A provider declares its capabilities and the UI offers only those. `run()` is a coroutine on the
shared asyncio (qasync) loop: it publishes events into the hub until cancelled or the show ends,
reconnecting on its own with `ctx.reconnect` and reporting every change through
`ctx.report(...)`; it must never block the loop.

Everything platform-specific a provider needs comes in its `ProviderContext`: its own config
section (base URLs are always overridable there), credentials (keyring or env), the clock, the
resume state saved earlier in this session, and a way to save more.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Callable, Mapping

from console.core.clock import Clock, SystemClock
from console.core.hub import SessionHub
from console.core.signal import Signal

from console.i18n import pick

from .credentials import env_name, get_credential
from .reconnect import ReconnectPolicy
from .status import ConnState, ConnStatus, ProviderError


class Capability(StrEnum):
    READ_COMMENTS = "read_comments"
    READ_GIFTS = "read_gifts"
    READ_LIKES = "read_likes"
    READ_VIEWERS = "read_viewers"
    READ_ORDERS = "read_orders"
    SEND_MESSAGE = "send_message"
    NATIVE_POLL = "native_poll"
    PREDICTION = "prediction"
    """Channel-points predictions (Twitch): console/providers/native_prediction.py drives them."""
    MODERATION = "moderation"


class NotSupported(Exception):
    """The platform (or this provider) cannot do that; the UI should not have offered it."""


@dataclass(slots=True)
class ProviderContext:
    platform: str
    config: Mapping[str, Any] = field(default_factory=dict)
    """The provider's own `[<platform>]` section of the settings file."""
    clock: Clock = field(default_factory=SystemClock)
    resume: dict[str, Any] = field(default_factory=dict)
    """Resume state saved earlier in this session (cursors, last ids); empty on a new session."""
    save_resume: Callable[[dict[str, Any]], None] = lambda state: None
    """Persist resume state (merged into the session log); cheap to call, the app throttles."""
    credential: Callable[[str], str | None] | None = None
    """name → value (keyring or LIVE_CONSOLE_<PLATFORM>_<NAME>); None = the default lookup."""
    status_changed: Signal = field(default_factory=lambda: Signal("provider.status"))
    """Emitted with a ConnStatus on every change (the app logs it and shows it)."""

    def secret(self, name: str) -> str | None:
        if self.credential is not None:
            return self.credential(name)
        return get_credential(self.platform, name)

    def setting(self, key: str, default: Any = None) -> Any:
        return self.config.get(key, default)

    def new_reconnect_policy(self, **overrides: Any) -> ReconnectPolicy:
        """The one reconnect policy, tunable per provider through `[<platform>] reconnect_*`."""
        kw: dict[str, Any] = {"clock": self.clock}
        for name in ("base_s", "cap_s", "healthy_after_s", "max_attempts"):
            if f"reconnect_{name}" in self.config:
                kw[name] = self.config[f"reconnect_{name}"]
        kw.update(overrides)
        return ReconnectPolicy(**kw)


class Provider(abc.ABC):
    platform: str = ""
    """Short id stored with every event: "demo", "bilibili", "twitch", …"""
    display_name: str = ""
    is_demo: bool = False
    """The demo audience: labelled DEMO everywhere, never mixed into a real session."""
    capabilities: frozenset[Capability] = frozenset()

    def __init__(self, ctx: ProviderContext | None = None) -> None:
        self.ctx = ctx or ProviderContext(self.platform)
        self.status = ConnStatus(self.platform, ConnState.CONNECTING)

    def report(self, state: ConnState, reason: str = "", *, attempt: int = 0,
               next_try_s: float | None = None, sign_in: bool = False) -> None:
        """Record and announce a connection change (safe to call repeatedly with the same state)."""
        status = ConnStatus(self.platform, state, reason, attempt, next_try_s, sign_in)
        if status == self.status and state is not ConnState.CONNECTING:
            return
        self.status = status
        self.ctx.status_changed.emit(status)

    @abc.abstractmethod
    async def run(self, hub: SessionHub) -> None:
        """Publish events into `hub` until cancelled (or the show ends: report ENDED, return)."""

    def status_text(self) -> str:
        return self.display_name

    # -- optional abilities; the UI offers them only when `capabilities` says so ---------------
    async def send_message(self, text: str, reply_to: str | None = None) -> None:
        raise NotSupported(f"{self.platform} cannot send chat messages")

    async def moderate(self, action: str, viewer_id: str, msg_id: str | None = None,
                       duration_s: int | None = None) -> None:
        """action: "delete" | "timeout" | "ban"."""
        raise NotSupported(f"{self.platform} has no moderation API")

    async def close(self) -> None:
        """Release what the platform needs released (end a game, stop push tasks). Idempotent."""

    # -- for the Platform settings dialog -----------------------------------------------------
    def counts(self) -> dict[str, int]:
        """What this provider has seen so far (received, refused, errors …), for the host."""
        return {}

    async def test_connection(self) -> str:
        """Check settings and credentials without starting a show; returns one host-readable
        line, or raises ProviderError with the reason. The default checks that every credential
        the platform declares is present; adapters that can do better (a harmless API call,
        binding the port) override it."""
        from . import registry  # registry imports this module

        spec = registry.load_all().get(self.platform)
        missing = [n for n in (spec.credentials if spec else ()) if not self.ctx.secret(n)]
        if missing:
            names = ", ".join(missing)
            envs = ", ".join(env_name(self.platform, n) for n in missing)
            raise ProviderError(pick(f"missing credentials: {names} (keyring or {envs})",
                                     f"缺少凭据：{names}（系统钥匙串或环境变量 {envs}）"))
        return pick("settings look complete", "设置完整")
