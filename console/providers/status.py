"""How every provider reports its connection, the same way.

States: connecting → live → (reconnecting → live)* → ended | failed. `reason` is in words a host
understands ("wrong 身份码", "token expired", "chat ended", "network down"), never a traceback.
The app shows the latest status per platform in the status bar and logs each change as a
`provider.status` action.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from console.i18n import pick


class ConnState(StrEnum):
    CONNECTING = "connecting"
    LIVE = "live"
    RECONNECTING = "reconnecting"
    ENDED = "ended"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ConnStatus:
    platform: str
    state: ConnState
    reason: str = ""
    """Plain words; empty when there is nothing to explain."""
    attempt: int = 0
    """Reconnect attempt number (1, 2, …) while RECONNECTING."""
    next_try_s: float | None = None
    """Seconds until the next attempt while RECONNECTING."""
    sign_in: bool = False
    """FAILED because the sign-in expired or was revoked: the UI offers "Sign in again"."""

    def detail(self) -> dict:
        """What goes into the session log (no secrets: reasons never carry tokens)."""
        d: dict = {"platform": self.platform, "state": str(self.state), "message": self.reason}
        if self.sign_in:
            d["sign_in"] = True
        if self.state is ConnState.RECONNECTING:
            d["attempt"] = self.attempt
            d["next_try_s"] = round(self.next_try_s or 0.0, 2)
        return d

    def text(self) -> str:
        """One line for the status bar, in the interface language."""
        p = self.platform
        match self.state:
            case ConnState.CONNECTING:
                s = pick(f"{p}: connecting…", f"{p}：连接中…")
            case ConnState.LIVE:
                s = pick(f"{p}: live", f"{p}：已连接")
            case ConnState.RECONNECTING:
                nxt = f"{self.next_try_s:.0f}" if self.next_try_s is not None else "?"
                s = pick(f"{p}: reconnecting (attempt {self.attempt}, next try in {nxt} s)",
                         f"{p}：重连中（第 {self.attempt} 次，{nxt} 秒后重试）")
            case ConnState.ENDED:
                s = pick(f"{p}: ended", f"{p}：已结束")
            case _:
                s = pick(f"{p}: failed", f"{p}：连接失败")
        return f"{s} — {self.reason}" if self.reason else s


class ProviderError(Exception):
    """A failure with a host-readable reason. `fatal` = retrying cannot help (wrong 身份码,
    revoked token): the provider reports FAILED and stops instead of reconnecting forever."""

    def __init__(self, reason: str, *, fatal: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fatal = fatal


class SignInRequired(ProviderError):
    """The platform no longer accepts our sign-in (expired, revoked, never signed in). Fatal; the
    status carries `sign_in=True` so the UI offers "Sign in again" — the session keeps its data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, fatal=True)
