"""presets.toml: each [[preset]] needs an id, a kind presets can start, short labels, an optional
F-key and the settings of that kind's action (validate/params.py). A bad preset is skipped with a
note naming the file, line and key; the others load and the app starts."""

from __future__ import annotations

from typing import Any

from . import values as V
from .params import check_params

HOTKEYS = tuple(f"F{i}" for i in range(1, 13))


def check_presets(data: Any, source: str, file: str, kinds: dict[str, str | None]) -> tuple[list[dict], list[str]]:
    """(usable [[preset]] tables, problems). `kinds`: preset kind -> its preset action name."""
    entries = data.get("preset", []) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return [], [f"{file}: preset must be a list of [[preset]] tables"]
    good, problems, seen = [], [], set()
    for index, raw in enumerate(entries):
        if not isinstance(raw, dict):
            problems.append(f"{file}: preset #{index + 1} is not a table; skipped")
            continue
        pid = raw.get("id")
        label = f"preset {pid!r}" if isinstance(pid, str) else f"preset #{index + 1}"

        def at(key: str) -> str:
            return V.where(file, V.line_of(source, key, "preset", index), f"{label} {key}")

        bad = []
        if (p := V.text(pid, max_len=64, empty_ok=False)):
            bad.append(f"{at('id')}: the id {p}")
        elif pid in seen:  # pid is text here
            bad.append(f"{at('id')}: the id {pid!r} appears twice (the first is kept)")
        kind = raw.get("kind")
        if not isinstance(kind, str) or kind not in kinds:
            bad.append(f"{at('kind')}: kind {V.describe(kind)} is not one presets can start "
                       f"(one of: {', '.join(kinds)})")
        for key in ("label_en", "label_zh"):
            if key in raw and (p := V.text(raw[key], max_len=V.MAX_LABEL, empty_ok=False)):
                bad.append(f"{at(key)}: the button label {p}")
        if raw.get("hotkey") is not None and (not isinstance(raw.get("hotkey"), str) or raw["hotkey"] not in HOTKEYS):
            bad.append(f"{at('hotkey')}: hotkey must be one of F1–F12, not {V.describe(raw.get('hotkey'))}")
        params = raw.get("params", {})
        if not isinstance(params, dict):
            bad.append(f"{at('params')}: must be a table ([preset.params])")
        elif isinstance(kind, str) and kinds.get(kind):
            bad += [f"{at(p.split(' ')[0])}: {p}" for p in check_params(kinds[kind], params)]
        if bad:
            problems += [f"{b}; preset skipped" for b in bad]
            continue
        seen.add(pid)
        good.append(raw)
    return good, problems
