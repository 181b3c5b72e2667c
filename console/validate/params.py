"""The settings of an interaction action as a preset or a run-of-show cue gives them: checked by
the action's own signature (names and type annotations) plus ranges by field name, so
`winners = "two"`, `options = "abcdef"`, 10⁹ winners or a nan window are caught when the file
loads, not when the cue fires on air."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Sequence as ABCSequence
from typing import Any

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
            return f"must be a list like [\"a\", \"b\"], not {V.describe(value)}"
        inner = args[0] if args else Any
        for item in value:
            if (p := _check_type(item, inner)) is not None:
                return f"has an item that {p}"
        return None
    if origin is dict or hint is dict:
        return None if isinstance(value, dict) else f"must be a table, not {V.describe(value)}"
    if isinstance(hint, type) and not isinstance(value, (dict, hint)):
        return f"must be a {hint.__name__} or a table, not {V.describe(value)}"
    return None


def check_params(action_name: str, params: dict[str, Any]) -> list[str]:
    """Problems with `params` for the registered action `action_name` ("key: why"); [] = fine."""
    from console.interact import registry

    act = registry.action(action_name)
    if act is None:
        return []
    problem = act.check(params)
    if problem:
        return [problem]
    try:
        hints = typing.get_type_hints(act.fn)
    except Exception:  # noqa: BLE001 — an unresolvable annotation: fall back to ranges only
        hints = {}
    problems = []
    for key, value in params.items():
        hint = hints.get(key, Any)
        if (p := _check_type(value, hint)) is not None:
            problems.append(f"{key} {p}")
            continue
        if isinstance(value, str) and (p := V.text(value)):
            problems.append(f"{key} {p}")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            rng = _RANGES.get(key) or (_SECONDS if key.endswith("_s") or key == "seconds" else None)
            if rng and (p := V.number(value, **rng)):
                problems.append(f"{key} {p}")
        elif key == "options" and isinstance(value, list) and not _OPTIONS[0] <= len(value) <= _OPTIONS[1]:
            problems.append(f"options must list {_OPTIONS[0]} to {_OPTIONS[1]} choices (got {len(value)})")
        elif isinstance(value, list):
            long = [x for x in value if isinstance(x, str) and len(x) > V.MAX_TEXT]
            if long:
                problems.append(f"{key} has an item of {len(long[0]):,} characters (at most {V.MAX_TEXT})")
    return problems
