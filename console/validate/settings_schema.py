"""config.toml: which keys exist, their types and ranges. Bad values fall back to the default
with a note naming the file, line and key; a bad table (`camera = 5`) is ignored as a whole.
Notes are in the language current when the file is checked (ConsoleApp sets the host's first)."""

from __future__ import annotations

from typing import Any, Callable

from console.i18n import pick

from . import values as V

MAX_DEMO_RATE = 50_000.0
"""The DEMO audience's load-test ceiling: beyond it the console only measures its own queueing
(1e9 events/s once grew to 16 GB and ignored SIGTERM)."""

# (table, key) -> (Settings attribute, check)
_KEYS: dict[tuple[str, str], tuple[str, Callable[[Any], str | None]]] = {
    ("camera", "source"): ("camera", lambda v: None if isinstance(v, str) and v.strip() else V.number(v, lo=0, hi=63, integer=True)),
    ("camera", "width"): ("width", lambda v: V.number(v, lo=160, hi=7680, integer=True)),
    ("camera", "height"): ("height", lambda v: V.number(v, lo=120, hi=4320, integer=True)),
    ("demo", "rate"): ("demo_rate", lambda v: V.number(v, lo=0, hi=MAX_DEMO_RATE, lo_open=True)),
    ("ui", "lang"): ("lang", lambda v: V.choice(v, ("en", "zh_CN"))),
    ("ui", "overlay_lang"): ("overlay_lang", lambda v: V.choice(v, ("zh", "en"))),
    ("ui", "aspect"): ("aspect", lambda v: V.choice(v, ("16:9", "9:16"))),
}
TABLES = ("camera", "demo", "ui", "platform")


def check_settings(data: dict[str, Any], source: str, file: str) -> tuple[dict[str, Any], list[str]]:
    """(Settings attribute -> valid value, problems). Unknown tables are left to their owners
    (each platform reads its own section)."""
    good: dict[str, Any] = {}
    problems: list[str] = []
    for table in TABLES:
        if table in data and not isinstance(data[table], dict):
            line = V.line_of(source, table)
            at, what = V.where(file, line, table), V.describe(data[table])
            problems.append(pick(f"{at}: must be a table ([{table}] with keys under it), not {what}; ignored, using the defaults.",
                                 f"{at}：应为表（[{table}] 下面写键），而不是 {what}；已忽略，使用默认值。"))
    for (table, key), (attr, check) in _KEYS.items():
        section = data.get(table)
        if not isinstance(section, dict) or key not in section:
            continue
        value = section[key]
        problem = check(value)
        if problem is None:
            good[attr] = str(value) if attr == "camera" else value
            continue
        line = V.line_of(source, key, table)
        if attr == "demo_rate" and V.number(value, lo=0, lo_open=True) is None:
            good[attr] = MAX_DEMO_RATE  # a real number, just too big: cap it rather than ignore it
            at = V.where(file, line, f"[{table}] {key}")
            problems.append(pick(f"{at}: {problem}; capped at {MAX_DEMO_RATE:,.0f}.", f"{at}：{problem}；已限制为 {MAX_DEMO_RATE:,.0f}。"))
            continue
        at = V.where(file, line, f"[{table}] {key}")
        problems.append(pick(f"{at}: {problem}; using the default.", f"{at}：{problem}；使用默认值。"))
    return good, problems


def clean_rate(value: float | None, what: str = "--rate") -> tuple[float | None, str | None]:
    """The DEMO rate from the command line: (usable rate or None for the default, note)."""
    if value is None:
        return None, None
    problem = V.number(value, lo=0, lo_open=True)
    if problem:
        return None, pick(f"{what} {problem}; using the settings' rate.", f"{what} {problem}；使用设置中的速率。")
    if value > MAX_DEMO_RATE:
        return MAX_DEMO_RATE, pick(f"{what} {value:g} events/s is beyond the DEMO load test's {MAX_DEMO_RATE:,.0f}; capped.",
                                   f"{what} {value:g} 条/秒超出 DEMO 压力测试上限 {MAX_DEMO_RATE:,.0f}；已限制。")
    return value, None


def seconds_arg(text: str) -> float:
    """argparse type for --quit-after: a finite, positive number of seconds (not nan/inf)."""
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(pick(f"{text!r} is not a number of seconds", f"{text!r} 不是秒数")) from None
    problem = V.number(value, lo=0, hi=V.MAX_SECONDS * 30, lo_open=True)
    if problem:
        raise argparse.ArgumentTypeError(pick(f"seconds {problem}", f"秒数{problem}"))
    return value
