"""What an interaction operation returns: a small result the caller decides what to do with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Result:
    ok: bool
    message: str
    """Plain words for the host ("Poll opened", "Nobody entered the lottery yet")."""
    lint_hits: tuple[str, ...] = ()
    """Terms that blocked the text; resend with override_lint=True to send anyway."""
    warning: str | None = None
    """Something worth a glance that did not stop the action (fatigue, clamped duration)."""


def ok(message: str, warning: str | None = None) -> Result:
    return Result(True, message, warning=warning)


def refused(message: str, lint_hits: tuple[str, ...] = ()) -> Result:
    return Result(False, message, lint_hits=lint_hits)
