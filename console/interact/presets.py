"""One-click presets, loaded from resources/presets.toml (editable by the team)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.resources import resource

KINDS = ("poll", "lottery", "coupon", "countdown", "product_card")


@dataclass(frozen=True, slots=True)
class Preset:
    id: str
    label_en: str
    label_zh: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    hotkey: str | None = None


def load_presets(path: Path | None = None) -> list[Preset]:
    path = path or resource("presets.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    presets: list[Preset] = []
    seen: set[str] = set()
    for raw in data.get("preset", []):
        kind = raw.get("kind")
        if kind not in KINDS:
            raise ValueError(f"{path.name}: preset {raw.get('id')!r} has unknown kind {kind!r}")
        if raw["id"] in seen:
            raise ValueError(f"{path.name}: preset id {raw['id']!r} appears twice")
        seen.add(raw["id"])
        presets.append(
            Preset(
                id=raw["id"],
                label_en=raw.get("label_en", raw["id"]),
                label_zh=raw.get("label_zh", raw.get("label_en", raw["id"])),
                kind=kind,
                params=dict(raw.get("params", {})),
                hotkey=raw.get("hotkey"),
            )
        )
    return presets
