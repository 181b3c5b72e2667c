"""presets.toml: each [[preset]] needs an id, a kind presets can start, short labels, an optional
F-key and the settings of that kind's action (validate/params.py). A bad preset is skipped with a
note naming the file, line and key; the others load and the app starts."""

from __future__ import annotations

from typing import Any

from console.i18n import pick

from . import values as V
from .params import check_params

HOTKEYS = tuple(f"F{i}" for i in range(1, 13))


def check_presets(data: Any, source: str, file: str, kinds: dict[str, str | None]) -> tuple[list[dict], list[str]]:
    """(usable [[preset]] tables, problems). `kinds`: preset kind -> its preset action name."""
    entries = data.get("preset", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return [], [pick(f"{file}: preset must be a list of [[preset]] tables", f"{file}：preset 应为 [[preset]] 表的列表")]
    good, problems, seen = [], [], set()
    for index, raw in enumerate(entries):
        if not isinstance(raw, dict):
            problems.append(pick(f"{file}: preset #{index + 1} is not a table; skipped",
                                 f"{file}：第 {index + 1} 个预设不是表；已跳过"))
            continue
        pid = raw.get("id")
        label = pick(f"preset {pid!r}", f"预设 {pid!r}") if isinstance(pid, str) else pick(f"preset #{index + 1}", f"第 {index + 1} 个预设")

        def at(key: str) -> str:
            return V.where(file, V.line_of(source, key, "preset", index), f"{label} {key}")

        bad: list[tuple[str, str, str]] = []  # (key, English, 中文)
        if (p := V.text(pid, max_len=64, empty_ok=False)):
            bad.append(("id", f"the id {p}", f"id {p}"))
        elif pid in seen:  # pid is text here
            bad.append(("id", f"the id {pid!r} appears twice (the first is kept)", f"id {pid!r} 出现了两次（保留第一个）"))
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in kinds:
            bad.append(("kind", f"kind {V.describe(kind)} is not one presets can start (one of: {', '.join(kinds)})",
                        f"类型 {V.describe(kind)} 不能通过预设启动（可选：{'、'.join(kinds)}）"))
        for key in ("label_en", "label_zh"):
            if key in raw and (p := V.text(raw[key], max_len=V.MAX_LABEL, empty_ok=False)):
                bad.append((key, f"the button label {p}", f"按钮文字{p}"))
        if raw.get("hotkey") is not None and (not isinstance(raw.get("hotkey"), str) or raw["hotkey"] not in HOTKEYS):
            what = V.describe(raw.get("hotkey"))
            bad.append(("hotkey", f"hotkey must be one of F1–F12, not {what}", f"快捷键应为 F1–F12 之一，而不是 {what}"))
        params = raw.get("params", {})
        if not isinstance(params, dict):
            bad.append(("params", "must be a table ([preset.params])", "应为表（[preset.params]）"))
        elif isinstance(kind, str) and kinds.get(kind):
            bad += [(key, p, p) for key, p in check_params(kinds[kind], params, keyed=True)]
        if bad:
            problems += [pick(f"{at(key)}: {en}; preset skipped", f"{at(key)}：{zh}；已跳过该预设") for key, en, zh in bad]
            continue
        seen.add(pid)
        good.append(raw)
    return good, problems
