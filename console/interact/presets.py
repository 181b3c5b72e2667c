"""One-click presets: shipped in resources/presets.toml, edited by the host in the console.

The host's edits (labels and settings, by preset id) are saved next to the user's settings in
presets_user.json and applied over the shipped presets whenever presets load — in the window and
in headless runs alike. A preset's kind must be a registered interaction kind that presets can
start (console/interact/registry.py); its params are that kind's preset action's fields.
"""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from console.config import default_config_path
from console.i18n import pick
from console.resources import resource

from console.validate.presets_schema import check_presets

from . import registry

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Preset:
    id: str
    label_en: str
    label_zh: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    hotkey: str | None = None


def user_presets_path() -> Path:
    """Edited presets live next to the user's settings, never in the shipped resources/."""
    return default_config_path().with_name("presets_user.json")


def load_presets(path: Path | None = None, user_path: Path | None = None,
                 problems: list[str] | None = None) -> list[Preset]:
    """The shipped presets with the host's saved edits applied (`user_path`, default next to
    the settings file). A broken file or preset is a note in `problems` (naming the file, line
    and key: console/validate/presets_schema.py), never an exception; the rest loads."""
    path = path or resource("presets.toml")
    notes: list[str] = [] if problems is None else problems
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        notes.append(pick(f"The presets file {path} could not be read ({exc}); no presets loaded.",
                          f"预设文件 {path} 无法读取（{exc}）；未加载任何预设。"))
        data, text = {}, ""
    kinds = {name: registry.KINDS[name].preset_action for name in registry.preset_kinds()}
    good, bad = check_presets(data, text, path.name, kinds)
    notes.extend(bad)
    for note in notes if problems is None else ():
        log.warning("presets: %s", note)
    presets = [
        Preset(
            id=raw["id"],
            label_en=raw.get("label_en", raw["id"]),
            label_zh=raw.get("label_zh", raw.get("label_en", raw["id"])),
            kind=raw["kind"],
            params=dict(raw.get("params", {})),
            hotkey=raw.get("hotkey"),
        )
        for raw in good
    ]
    return apply_user_presets(presets, user_path or user_presets_path())


def apply_user_presets(presets: list[Preset], path: Path) -> list[Preset]:
    """Apply the host's saved edits (by preset id) over the shipped presets."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, json.JSONDecodeError) as exc:
        log.warning("Edited presets in %s could not be read (%s); using the shipped ones.", path, exc)
        return presets
    if not isinstance(saved, dict):
        log.warning("Edited presets in %s are not a table; using the shipped ones.", path)
        return presets
    out = []
    for p in presets:
        edit = saved.get(p.id)
        if isinstance(edit, dict):
            raw = {"id": p.id, "kind": p.kind, "label_en": edit.get("label_en", p.label_en),
                   "label_zh": edit.get("label_zh", p.label_zh), "params": edit.get("params", p.params)}
            kinds = {p.kind: registry.KINDS[p.kind].preset_action} if p.kind in registry.KINDS else {}
            good, bad = check_presets({"preset": [raw]}, "", path.name, kinds)
            if bad:  # the same door as the shipped file: a 100 kB label never reaches the dock
                log.warning("Edited preset %s ignored: %s", p.id, "; ".join(bad))
            else:
                p = replace(p, label_en=raw["label_en"], label_zh=raw["label_zh"], params=dict(raw["params"]))
        out.append(p)
    return out


def save_user_preset(preset: Preset, path: Path | None = None) -> None:
    """Save one edited preset (atomically: a crash mid-write leaves the old file)."""
    path = path or user_presets_path()
    try:
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, json.JSONDecodeError):
        saved = {}
    if not isinstance(saved, dict):
        saved = {}
    saved[preset.id] = {"label_en": preset.label_en, "label_zh": preset.label_zh, "params": preset.params}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(saved, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
