"""The settings of an interaction action as a preset or a run-of-show cue gives them: checked by
the action's own signature (names and type annotations) plus ranges by field name, so
`winners = "two"`, `options = "abcdef"`, 10⁹ winners or a nan window are caught when the file
loads, not when the cue fires on air."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Sequence as ABCSequence
from typing import Any

from console.i18n import pick

from . import values as V

# Ranges by field name, shared by every kind (seconds are windows, durations and delays).
_RANGES: dict[str, dict[str, Any]] = {
    "winners": dict(lo=1, hi=100, integer=True),
    "count": dict(lo=1, hi=100, integer=True),
    "quantity": dict(lo=1, hi=1_000_000, integer=True),
    "per_viewer_limit": dict(lo=1, hi=1000, integer=True),
    "like_goal": dict(lo=1, hi=1_000_000_000, integer=True),
    "percent_off": dict(lo=0, hi=100, lo_open=True),
    "amount_off": dict(lo=0, hi=1_000_000, lo_open=True),
    "min_spend": dict(lo=0, hi=10_000_000),
    "price": dict(lo=0, hi=10_000_000),
    "min_watch_s": dict(lo=0, hi=V.MAX_SECONDS),
}
_SECONDS = dict(lo=0, hi=V.MAX_SECONDS, lo_open=True)
"""Any other field ending in _s, and `seconds`: more than 0, at most a day."""
_OPTIONS = (2, 6)
"""Poll options a viewer can vote on by number (1–6)."""


def _check_type(value: Any, hint: Any) -> str | None:
    """None if `value` fits the annotation `hint` (str, int, float, bool, Sequence[str], unions)."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        if value is None and type(None) in args:
            return None
        problems = [_check_type(value, a) for a in args if a is not type(None)]
        return None if any(p is None for p in problems) else problems[0]
    if hint is Any or hint is inspect.Parameter.empty:
        return None
    if hint is bool:
        return V.boolean(value)
    if hint is int:
        return V.number(value, integer=True)
    if hint is float:
        return V.number(value)
    if hint is str:
        return V.text(value)
    if origin in (list, tuple, ABCSequence) or hint in (list, tuple):
        if not isinstance(value, list):
            return pick(f"must be a list like [\"a\", \"b\"], not {V.describe(value)}",
                        f"应为 [\"a\", \"b\"] 这样的列表，而不是 {V.describe(value)}")
        inner = args[0] if args else Any
        for item in value:
            if (p := _check_type(item, inner)) is not None:
                return pick(f"has an item that {p}", f"中有一项{p}")
        return None
    if origin is dict or hint is dict:
        return None if isinstance(value, dict) else pick(f"must be a table, not {V.describe(value)}",
                                                         f"应为表，而不是 {V.describe(value)}")
    if isinstance(hint, type) and not isinstance(value, (dict, hint)):
        return pick(f"must be a {hint.__name__} or a table, not {V.describe(value)}",
                    f"应为 {hint.__name__} 或表，而不是 {V.describe(value)}")
    return None


def signature_problem(fn: Any, params: dict[str, Any]) -> tuple[str, str] | None:
    """(key, why) when `params` name a setting the action does not take or miss one it needs —
    in the host's words rather than Python's TypeError."""
    try:
        names = list(inspect.signature(fn).parameters.values())[1:]  # after the controller
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in names):
        return None
    takes = [p.name for p in names if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    unknown = [k for k in params if k not in takes]
    if unknown:
        return unknown[0], pick(f"{', '.join(unknown)}: not a setting of this action (it takes: {', '.join(takes)})",
                                f"{'、'.join(unknown)}：不是此动作的设置（可用：{'、'.join(takes)}）")
    missing = [p.name for p in names if p.default is p.empty and p.name in takes and p.name not in params]
    if missing:
        return missing[0], pick(f"{', '.join(missing)} must be given", f"缺少 {'、'.join(missing)}")
    return None


def check_params(action_name: str, params: dict[str, Any], *, keyed: bool = False) -> list[Any]:
    """Problems with `params` for the registered action `action_name` ("key why", in the host's
    language); [] = fine. `keyed`: (key, problem) pairs, so a caller can point at the key's line."""
    from console.interact import registry

    act = registry.action(action_name)
    if act is None:
        return []
    found: list[tuple[str, str]] = []
    signature = signature_problem(act.fn, params)
    problem = None if signature else act.check(params)
    if signature or problem:
        found.append(signature or ("params", str(problem)))
        return found if keyed else [p for _, p in found]
    try:
        hints = typing.get_type_hints(act.fn)
    except Exception:  # noqa: BLE001 — an unresolvable annotation: fall back to ranges only
        hints = {}
    for key, value in params.items():
        hint = hints.get(key, Any)
        if (p := _check_type(value, hint)) is not None:
            found.append((key, f"{key} {p}"))
            continue
        if isinstance(value, str) and (p := V.text(value)):
            found.append((key, f"{key} {p}"))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            rng = _RANGES.get(key) or (_SECONDS if key.endswith("_s") or key == "seconds" else None)
            if rng and (p := V.number(value, **rng)):
                found.append((key, f"{key} {p}"))
        elif key == "options" and isinstance(value, list) and not _OPTIONS[0] <= len(value) <= _OPTIONS[1]:
            low, high = _OPTIONS
            found.append((key, pick(f"options must list {low} to {high} choices (got {len(value)})",
                                    f"options 应列出 {low} 到 {high} 个选项（现为 {len(value)} 个）")))
        elif isinstance(value, list):
            long = [x for x in value if isinstance(x, str) and len(x) > V.MAX_TEXT]
            if long:
                found.append((key, pick(f"{key} has an item of {len(long[0]):,} characters (at most {V.MAX_TEXT})",
                                        f"{key} 中有一项长 {len(long[0]):,} 个字符（最多 {V.MAX_TEXT} 个）")))
    return found if keyed else [p for _, p in found]
