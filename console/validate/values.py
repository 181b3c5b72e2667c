"""Primitive checks shared by the schemas: numbers that are finite and in range, text of a sane
length, colours, choices — each returning a problem in words (or None), in the host's language
(`pick`): the schemas put these words into the notes the host reads."""

from __future__ import annotations

import math
import re
from typing import Any

from console.i18n import pick

MAX_TEXT = 500
"""Text that goes on the video or on a button: anything longer is a mistake (a pasted file)."""
MAX_LABEL = 40
"""Button labels in the Triggers dock (F1–F8): longer ones squeeze the others out."""
MAX_SECONDS = 24 * 3600.0
"""No cue, window or countdown lasts beyond a day; 1e308 s is a typo that would never fire."""

_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def number(value: Any, *, lo: float | None = None, hi: float | None = None, integer: bool = False,
           lo_open: bool = False) -> str | None:
    """None if `value` is a finite number (an int when `integer`) within [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return pick(f"must be a number, not {describe(value)}", f"应为数字，而不是 {describe(value)}")
    if integer and not isinstance(value, int):
        if not (isinstance(value, float) and math.isfinite(value) and value.is_integer()):
            return pick(f"must be a whole number, not {describe(value)}", f"应为整数，而不是 {describe(value)}")
    if not math.isfinite(value):
        return pick(f"must be a finite number, not {describe(value)}", f"应为有限的数字，而不是 {describe(value)}")
    if lo is not None and (value <= lo if lo_open else value < lo):
        return pick(f"must be {'more than' if lo_open else 'at least'} {lo:g} (got {value:g})",
                    f"应{'大于' if lo_open else '不小于'} {lo:g}（现为 {value:g}）")
    if hi is not None and value > hi:
        return pick(f"must be at most {hi:g} (got {value:g})", f"不能大于 {hi:g}（现为 {value:g}）")
    return None


def text(value: Any, *, max_len: int = MAX_TEXT, empty_ok: bool = True) -> str | None:
    if not isinstance(value, str):
        return pick(f"must be text, not {describe(value)}", f"应为文字，而不是 {describe(value)}")
    if not empty_ok and not value.strip():
        return pick("must not be empty", "不能为空")
    if len(value) > max_len:
        return pick(f"is {len(value):,} characters long (at most {max_len})", f"长 {len(value):,} 个字符（最多 {max_len} 个）")
    return None


def color(value: Any) -> str | None:
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        return pick(f"must be a colour like \"#c8102e\", not {describe(value)}",
                    f"应为 \"#c8102e\" 这样的颜色，而不是 {describe(value)}")
    return None


def choice(value: Any, choices: tuple[str, ...] | list[str]) -> str | None:
    if value not in choices:
        return pick(f"must be one of {', '.join(map(str, choices))}, not {describe(value)}",
                    f"应为 {'、'.join(map(str, choices))} 之一，而不是 {describe(value)}")
    return None


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else pick(f"must be true or false, not {describe(value)}",
                                                     f"应为 true 或 false，而不是 {describe(value)}")


def line_of(source: str, key: str, table: str | None = None, nth: int = 0) -> int | None:
    """1-based line of `key = …` (inside `[table]`/`[[table]]` number `nth` when given), or None.

    tomllib gives values, not positions; this finds the line a host would look at."""
    lines = source.splitlines()
    start = 0
    if table is not None:
        seen = -1
        header = re.compile(r"\s*\[\[?\s*" + re.escape(table) + r"\s*\]\]?\s*(#.*)?$")
        for i, line in enumerate(lines):
            if header.match(line):
                seen += 1
                if seen == nth:
                    start = i + 1
                    break
        else:
            return None
    pattern = re.compile(r"\s*" + re.escape(key) + r"\s*=")
    for i in range(start, len(lines)):
        if table is not None and i > start and re.match(r"\s*\[", lines[i]):
            break
        if pattern.match(lines[i]):
            return i + 1
    return start or None


def where(file: str, line: int | None, key: str) -> str:
    if line:
        return pick(f"{file}, line {line}, {key}", f"{file} 第 {line} 行，{key}")
    return pick(f"{file}, {key}", f"{file}，{key}")
