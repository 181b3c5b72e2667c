"""Time as the host reads it in panels: whole seconds left, rounded up (00:01 until it is over)."""

from __future__ import annotations


def mmss(seconds: float | None) -> str:
    if seconds is None:
        return ""
    s = max(0, int(seconds + 0.999))
    return f"{s // 60:02d}:{s % 60:02d}"
