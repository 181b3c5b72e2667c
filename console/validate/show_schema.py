"""Run-of-show files: cue times and every cue's settings checked when the show loads — `nan`,
`inf` or `1e308` seconds (which load and never fire), `winners = "two"`, `options = "abcdef"`,
0 or 10⁹ winners, 100 poll options, negative windows — instead of when the cue fires on air."""

from __future__ import annotations

from typing import Any

from . import values as V
from .params import check_params


def check_cue(raw: dict[str, Any], cue_id: str, action: str, params: dict[str, Any]) -> list[str]:
    problems = []
    if "at_s" in raw and (p := V.number(raw["at_s"], lo=0, hi=V.MAX_SECONDS)):
        problems.append(f"cue {cue_id!r}: at_s {p} (seconds from the start of the show)")
    if "note" in raw and (p := V.text(raw["note"])):
        problems.append(f"cue {cue_id!r}: note {p}")
    problems += [f"cue {cue_id!r} ({action}): {p}" for p in check_params(action, params)]
    return problems


def check_segment(raw: Any, index: int) -> list[str]:
    if not isinstance(raw, dict):
        return [f"segment {index} is not a table ([[segment]] with keys under it)"]
    problems = []
    if "duration_s" in raw and (p := V.number(raw["duration_s"], lo=0, hi=V.MAX_SECONDS, lo_open=True)):
        problems.append(f"segment {index}: duration_s {p}")
    if "price" in raw and (p := V.number(raw["price"], lo=0, hi=10_000_000)):
        problems.append(f"segment {index}: price {p}")
    if "name" in raw and (p := V.text(raw["name"], max_len=120)):
        problems.append(f"segment {index}: name {p}")
    return problems
