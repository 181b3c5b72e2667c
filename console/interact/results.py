"""What an interaction operation returns: a small result the caller decides what to do with.

Its words are a `Message` (key + parameters): `result.message` renders it in the host's
interface language when read, so the same result reads in Chinese in a zh_CN console and in
English in the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from console.messages import M, Message


@dataclass(frozen=True, slots=True)
class Result:
    ok: bool
    msg: Message
    lint_hits: tuple[str, ...] = ()
    """Terms that blocked the text; resend with override_lint=True to send anyway."""
    warnings: tuple[Message, ...] = ()
    """Worth a glance but did not stop the action (fatigue, clamped duration)."""

    @property
    def message(self) -> str:
        """Plain words for the host, in the interface language ("Poll opened", "投票开始")."""
        return self.msg.text()

    @property
    def warning(self) -> str | None:
        return "; ".join(w.text() for w in self.warnings) or None


def _msg(key: str | Message, params: dict[str, Any]) -> Message:
    return key if isinstance(key, Message) else M(key, **params)


def ok(key: str | Message, *, warning: Message | None = None, **params: Any) -> Result:
    return Result(True, _msg(key, params), warnings=(warning,) if warning is not None else ())


def refused(key: str | Message, lint_hits: tuple[str, ...] = (), **params: Any) -> Result:
    return Result(False, _msg(key, params), lint_hits=lint_hits)
