"""User settings from a TOML file (default under the user config dir), with safe defaults.

A malformed file never stops the app: the problem is reported in words and defaults are used.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from console.i18n import pick
from console.validate.settings_schema import check_settings

log = logging.getLogger(__name__)
APP_DIR_NAME = "LiveConsole"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False)) / "config.toml"


@dataclass(slots=True)
class Settings:
    camera: str = "auto"
    """"auto" (webcam 0 if present, else the demo camera) | index | file path | "demo"."""
    width: int = 1280
    height: int = 720
    demo_rate: float = 15.0
    """Simulated audience events per second."""
    lang: str = "en"
    """The host's interface language."""
    overlay_lang: str = "zh"
    """The audience's language: what the overlays on the video are written in ("zh" | "en")."""
    aspect: str = "16:9"
    platforms: list[str] = field(default_factory=lambda: ["demo"])
    """`[platform] use`: one name or several real platforms at once (multistream)."""
    sections: dict[str, dict] = field(default_factory=dict)
    """Every table of the file, raw: each provider reads its own `[<platform>]` section."""
    problems: list[str] = field(default_factory=list)
    """What was wrong with the file, for the status bar / log."""


def load_settings(path: Path | None) -> Settings:
    """The settings in `path` (default: the user's). Its notes are in the current language:
    `peek_language` tells a caller the host's language to set before loading."""
    settings = Settings()
    path = path or default_config_path()
    if not path.exists():
        return settings
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        settings.problems.append(pick(f"The settings file {path} could not be read ({exc}); using defaults.",
                                      f"设置文件 {path} 无法读取（{exc}）；使用默认设置。"))
        log.warning(settings.problems[-1])
        return settings
    settings.sections = {k: v for k, v in data.items() if isinstance(v, dict)}
    use = data.get("platform", {}).get("use") if isinstance(data.get("platform"), dict) else None
    if isinstance(use, str) and use.strip():
        settings.platforms = [p.strip() for p in use.split(",") if p.strip()]
    elif isinstance(use, list) and use and all(isinstance(p, str) and p.strip() for p in use):
        settings.platforms = [p.strip() for p in use]
    elif use is not None:
        settings.problems.append(pick(f"Setting [platform] use = {use!r} in {path} is not valid; using the DEMO platform.",
                                      f"{path} 中的设置 [platform] use = {use!r} 无效；使用 DEMO 平台。"))
    # Types and ranges per key (console/validate/settings_schema.py): a bad value keeps its default.
    good, problems = check_settings(data, text, str(path))
    for attr, value in good.items():
        setattr(settings, attr, value)
    settings.problems.extend(problems)
    if settings.lang not in ("en", "zh_CN"):
        settings.problems.append(pick(f"Language {settings.lang!r} is not available; using English.",
                                      f"没有语言 {settings.lang!r}；使用英文。"))
        settings.lang = "en"
    if settings.overlay_lang not in ("zh", "en"):
        settings.problems.append(pick(f"Overlay language {settings.overlay_lang!r} is not available (zh or en); using zh.",
                                      f"画面文字语言 {settings.overlay_lang!r} 不可用（zh 或 en）；使用 zh。"))
        settings.overlay_lang = "zh"
    return settings


def peek_language(path: Path | None) -> str | None:
    """`[ui] lang` of the settings file, read before anything else so the file's own notes can
    be written in the host's language; None when absent or unreadable."""
    try:
        ui = tomllib.loads((path or default_config_path()).read_text(encoding="utf-8")).get("ui")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    lang = ui.get("lang") if isinstance(ui, dict) else None
    return lang if isinstance(lang, str) else None


def save_settings(path: Path | None, section: str, values: dict, *, use: list[str] | None = None) -> Path:
    """Write `[section]` keys (and optionally `[platform] use`) into the settings file, keeping
    everything else in it — other sections, comments, order (tomlkit). Empty values remove the key;
    a list of tables becomes `[[section.key]]` entries.
    Secrets never come here: credentials go to the OS keyring (console/providers/credentials.py)."""
    import tomlkit

    path = path or default_config_path()
    doc = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    table = doc.get(section)
    if not isinstance(table, dict):
        table = tomlkit.table()
        doc[section] = table
    for key, value in values.items():
        if value is None or value == "" or value == []:
            table.pop(key, None)
        else:
            table[key] = value
    if use is not None:
        platform = doc.get("platform")
        if not isinstance(platform, dict):
            platform = tomlkit.table()
            doc["platform"] = platform
        platform["use"] = use[0] if len(use) == 1 else use
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(tomlkit.dumps(doc), encoding="utf-8")
    tmp.replace(path)  # a crash mid-write never leaves half a settings file
    return path
