"""Run-of-show files: cue times and every cue's settings checked when the show loads — `nan`,
`inf` or `1e308` seconds (which load and never fire), `winners = "two"`, `options = "abcdef"`,
0 or 10⁹ winners, 100 poll options, negative windows — instead of when the cue fires on air."""

from __future__ import annotations

from typing import Any

from console.i18n import pick

from . import values as V
from .params import check_params


def check_cue(raw: dict[str, Any], cue_id: str, action: str, params: dict[str, Any]) -> list[str]:
    problems = []
    if "at_s" in raw and (p := V.number(raw["at_s"], lo=0, hi=V.MAX_SECONDS)):
        problems.append(pick(f"cue {cue_id!r}: at_s {p} (seconds from the start of the show)",
                             f"提示 {cue_id!r}：at_s {p}（从节目开始算起的秒数）"))
    if "note" in raw and (p := V.text(raw["note"])):
        problems.append(pick(f"cue {cue_id!r}: note {p}", f"提示 {cue_id!r}：note {p}"))
    problems += [pick(f"cue {cue_id!r} ({action}): {p}", f"提示 {cue_id!r}（{action}）：{p}") for p in check_params(action, params)]
    return problems


def check_segment(raw: Any, index: int) -> list[str]:
    if not isinstance(raw, dict):
        return [pick(f"segment {index} is not a table ([[segment]] with keys under it)",
                     f"第 {index} 段不是表（[[segment]] 下面写键）")]
    checks = (("duration_s", lambda v: V.number(v, lo=0, hi=V.MAX_SECONDS, lo_open=True)),
              ("price", lambda v: V.number(v, lo=0, hi=10_000_000)),
              ("name", lambda v: V.text(v, max_len=120)))
    return [pick(f"segment {index}: {key} {p}", f"第 {index} 段：{key} {p}")
            for key, check in checks if key in raw and (p := check(raw[key]))]
