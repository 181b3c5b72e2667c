"""What the push output sends where: presets per platform and aspect, destinations, stream keys.

A destination is an ingest URL (RTMP, RTMPS or SRT) plus a stream key. Its preset — resolution,
fps, bitrate, keyframe interval — comes from the platform the URL belongs to and the aspect
(16:9 or 9:16), overridable in the settings file:

    [push]
    encoder = "auto"                 # or "libx264", "h264_nvenc", "h264_videotoolbox", …
    queue_seconds = 3                # frames kept per destination while it reconnects
    [push.presets.bilibili."16:9"]   # any key of Preset; the rest keeps the default
    bitrate_kbps = 4000
    [[push.destinations]]            # the Go live dialog writes these (console/output/push_saved.py)
    name = "bilibili"
    url = "rtmp://live-push.bilivideo.com/live-bvc/"
    aspect = "16:9"                  # default: the program's aspect
    platform = "bilibili"            # whose preset; default: the platform the URL belongs to
    bitrate_kbps = 4500              # any key of Preset: this destination's own value

The stream key never goes into the settings file, the log or SQLite: it comes from the OS
keyring (service "live-console", user "push:<name>_key") or, headless/CI, from the environment
(`LIVE_CONSOLE_PUSH_<NAME>_KEY`, or `LIVE_CONSOLE_PUSH_KEY` for any destination). A URL given on
the command line may carry the key as its last path segment, the way platforms hand it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from console.i18n import pick
from console.providers.credentials import get_credential

ASPECTS = ("16:9", "9:16")


@dataclass(frozen=True, slots=True)
class Preset:
    width: int
    height: int
    fps: int = 30
    bitrate_kbps: int = 3000
    keyframe_s: float = 2.0
    audio_kbps: int = 128

    @property
    def keyint(self) -> int:
        return max(1, round(self.fps * self.keyframe_s))


_LAND = Preset(1280, 720, 30, 3000, 2.0)
_PORTRAIT = Preset(720, 1280, 30, 3000, 2.0)
# Each platform's published ingest guidance, at the sizes a 2-core laptop can encode live.
DEFAULT_PRESETS: dict[str, dict[str, Preset]] = {
    "default": {"16:9": _LAND, "9:16": _PORTRAIT},
    "douyin": {"16:9": replace(_LAND, bitrate_kbps=4000), "9:16": replace(_PORTRAIT, bitrate_kbps=4000)},
    "kuaishou": {"16:9": replace(_LAND, bitrate_kbps=3500), "9:16": replace(_PORTRAIT, bitrate_kbps=3500)},
    "bilibili": {"16:9": replace(_LAND, bitrate_kbps=4000), "9:16": replace(_PORTRAIT, bitrate_kbps=4000)},
    "twitch": {"16:9": replace(_LAND, bitrate_kbps=4500), "9:16": replace(_PORTRAIT, bitrate_kbps=4500)},
    "youtube": {"16:9": replace(_LAND, bitrate_kbps=4000), "9:16": replace(_PORTRAIT, bitrate_kbps=4000)},
}
_HOSTS = (("douyin", "douyin"), ("bytecdn", "douyin"), ("kuaishou", "kuaishou"), ("gifshow", "kuaishou"),
          ("bilivideo", "bilibili"), ("bilibili", "bilibili"), ("twitch", "twitch"),
          ("live-video.net", "twitch"), ("youtube", "youtube"))


class PushConfigError(ValueError):
    """A destination or preset the host has to fix; the message says what, in their language."""


@dataclass(frozen=True, slots=True)
class Destination:
    name: str
    url: str
    """The full ingest URL, stream key included. Never log it: use `safe_url`."""
    preset: Preset
    platform: str = "default"
    aspect: str = "16:9"

    @property
    def safe_url(self) -> str:
        return redact_url(self.url)

    @property
    def muxer(self) -> str:
        return "mpegts" if self.url.startswith("srt://") else "flv"


def platform_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return next((name for part, name in _HOSTS if part in host), "default")


def redact_url(url: str) -> str:
    """The URL with the stream key hidden (last path segment, query, credentials)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if head and last:
        path = f"{head}/…{last[-2:]}" if len(last) > 6 else f"{head}/…"
    return f"{parts.scheme}://{host}{path}" + ("?…" if parts.query else "")


def _env_safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() or "DEST"


def save_stream_key(name: str, key: str) -> None:
    """Into the OS keyring (raises keyring.errors.KeyringError where there is none)."""
    from console.providers.credentials import set_credential

    set_credential("push", f"{_env_safe(name)}_KEY", key)


def forget_stream_key(name: str) -> None:
    """Remove a destination's key from the OS keyring (nothing to do where there is none)."""
    from console.providers.credentials import delete_credential

    try:
        delete_credential("push", f"{_env_safe(name)}_KEY")
    except Exception:  # noqa: BLE001 — no keyring: nothing was stored there
        pass


def key_variable(name: str) -> str:
    """The environment variable that gives `name` its key where there is no keyring."""
    return f"LIVE_CONSOLE_PUSH_{_env_safe(name)}_KEY"


def stream_key(name: str) -> str | None:
    """The destination's stream key: its own (env / keyring), else the shared LIVE_CONSOLE_PUSH_KEY."""
    return get_credential("push", f"{_env_safe(name)}_KEY") or get_credential("push", "key")


PRESET_KEYS = tuple(f.name for f in fields(Preset))


def preset_values(values: dict[str, Any], where: str) -> dict[str, int | float]:
    """Checked Preset overrides (`bitrate_kbps = 4000` …) from a settings table named `where`."""
    unknown = set(values) - set(PRESET_KEYS)
    bad = [k for k, v in values.items() if k in PRESET_KEYS and (isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v < 1e6)]
    if unknown or bad:
        raise PushConfigError(pick(
            f"{where}: {', '.join(sorted(unknown | set(bad)))} not valid (keys: {', '.join(PRESET_KEYS)}, positive numbers).",
            f"{where}：{', '.join(sorted(unknown | set(bad)))} 无效（可用：{', '.join(PRESET_KEYS)}，须为正数）。"))
    return {k: (float(v) if k == "keyframe_s" else int(v)) for k, v in values.items()}


def _with(preset: Preset, values: dict[str, int | float]) -> Preset:
    preset = replace(preset, **values)
    # H.264 4:2:0 needs even sizes.
    return replace(preset, width=max(2, preset.width // 2 * 2), height=max(2, preset.height // 2 * 2))


def presets_from(section: dict[str, Any]) -> dict[str, dict[str, Preset]]:
    """Defaults overlaid with `[push.presets.<platform>."<aspect>"]` tables."""
    presets = {p: dict(a) for p, a in DEFAULT_PRESETS.items()}
    for platform, by_aspect in (section.get("presets") or {}).items():
        if not isinstance(by_aspect, dict):
            raise PushConfigError(pick(f"[push.presets.{platform}] must be a table of aspects.",
                                       f"[push.presets.{platform}] 应按画面比例分表。"))
        for aspect, values in by_aspect.items():
            if aspect not in ASPECTS or not isinstance(values, dict):
                raise PushConfigError(pick(f"[push.presets.{platform}] aspect {aspect!r} must be \"16:9\" or \"9:16\".",
                                           f"[push.presets.{platform}] 比例 {aspect!r} 只能是 \"16:9\" 或 \"9:16\"。"))
            cast = preset_values(values, f"[push.presets.{platform}.\"{aspect}\"]")
            base = presets.setdefault(platform, dict(DEFAULT_PRESETS["default"]))[aspect]
            presets[platform][aspect] = _with(base, cast)
    return presets


SRT_SECRETS = ("streamid=", "passphrase=")


def split_key(url: str) -> tuple[str, str | None]:
    """(the ingest address without its stream key, the key or None), the way `destination()`
    puts them together: RTMP's last path segment (and any query: Bilibili's key is one), SRT's
    `streamid` — or, when the URL has a `passphrase` too, both as one query string
    ("streamid=…&passphrase=…"). What the settings file may keep is the first; the second goes to
    the keyring."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() == "srt":
        query = [q for q in parts.query.split("&") if q]
        secret = [q for q in query if q.startswith(SRT_SECRETS)]
        rest = "&".join(q for q in query if not q.startswith(SRT_SECRETS))
        if any(q.startswith("passphrase=") for q in secret):
            key = "&".join(secret)
        else:
            key = secret[0].partition("=")[2] if secret else None
        return urlunsplit(parts._replace(query=rest)), key or None
    head, _, last = parts.path.rpartition("/")
    if parts.query or (head and last):
        key = last + (f"?{parts.query}" if parts.query else "")
        return urlunsplit(parts._replace(path=head + "/", query="", fragment="")), key or None
    return url, None


def destination(url: str, *, name: str | None = None, aspect: str = "16:9", key: str | None = None,
                presets: dict[str, dict[str, Preset]] | None = None, platform: str | None = None,
                overrides: dict[str, int | float] | None = None) -> Destination:
    """Build a destination; the key (argument, env or keyring) is appended as the last path
    segment for RTMP and as `streamid` for SRT when the URL does not already carry it. The preset
    is `platform`'s (default: the URL's) for the aspect, with `overrides` on top."""
    url = url.strip()
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("rtmp", "rtmps", "srt"):
        raise PushConfigError(pick(f"Push address {redact_url(url)!r} must start with rtmp://, rtmps:// or srt://.",
                                   f"推流地址 {redact_url(url)!r} 须以 rtmp://、rtmps:// 或 srt:// 开头。"))
    if aspect not in ASPECTS:
        raise PushConfigError(pick(f"Aspect {aspect!r} must be \"16:9\" or \"9:16\".", f"画面比例 {aspect!r} 只能是 \"16:9\" 或 \"9:16\"。"))
    table = presets or DEFAULT_PRESETS
    if platform and platform not in table:
        raise PushConfigError(pick(f"Preset {platform!r} is not known (one of: {', '.join(table)}).",
                                   f"预设 {platform!r} 不存在（可选：{', '.join(table)}）。"))
    platform = platform or platform_of(url)
    name = name or (platform if platform != "default" else (urlsplit(url).hostname or "push"))
    if url.endswith("/") or (scheme == "srt" and not any(s in url for s in SRT_SECRETS)):
        key = key or stream_key(name)
        if key:
            if scheme != "srt":
                url = url + key
            else:  # a bare stream id, or the secret part of the query as split_key() kept it
                url += ("&" if "?" in url else "?") + (key if key.startswith(SRT_SECRETS) else f"streamid={key}")
        elif scheme != "srt":
            raise PushConfigError(pick(
                f"No stream key for '{name}': save it in the console, or set LIVE_CONSOLE_PUSH_{_env_safe(name)}_KEY.",
                f"“{name}”没有推流码：请在控制台保存，或设置环境变量 LIVE_CONSOLE_PUSH_{_env_safe(name)}_KEY。"))
    if scheme == "srt":
        from .srt import SrtOptions  # the caller's own reading of the URL: wrong options fail here, in words

        try:
            SrtOptions.from_url(url)
        except ValueError as exc:
            raise PushConfigError(pick(f"Push address {redact_url(url)!r}: {exc}.",
                                       f"推流地址 {redact_url(url)!r}：{exc}。")) from None
    preset = table.get(platform, table["default"])[aspect]
    if overrides:
        preset = _with(preset, overrides)
    return Destination(name=name, url=url, preset=preset, platform=platform, aspect=aspect)


def destinations_from(section: dict[str, Any], aspect: str) -> list[Destination]:
    """The `[[push.destinations]]` of the settings file (each with its key looked up)."""
    presets = presets_from(section)
    out = []
    for i, entry in enumerate(section.get("destinations") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise PushConfigError(pick(f"[[push.destinations]] #{i + 1} needs a url.", f"[[push.destinations]] 第 {i + 1} 项缺少 url。"))
        where = f"[[push.destinations]] #{i + 1}"
        if {"key", "stream_key"} & set(entry):
            raise PushConfigError(pick(
                f"{where}: a stream key does not belong in the settings file; save it in Destinations… (OS keyring) "
                f"or set {key_variable(entry.get('name') or 'NAME')}.",
                f"{where}：推流码不应写在设置文件中；请在“推流地址…”中保存（系统钥匙串），或设置 {key_variable(entry.get('name') or 'NAME')}。"))
        overrides = preset_values({k: v for k, v in entry.items() if k not in DESTINATION_KEYS}, where)
        name, platform = entry.get("name"), entry.get("platform")
        if not (name is None or isinstance(name, str)) or not (platform is None or isinstance(platform, str)):
            raise PushConfigError(pick(f"{where}: name and platform must be text.", f"{where}：name 和 platform 须为文字。"))
        out.append(destination(entry["url"], name=name or None, aspect=entry.get("aspect", aspect), presets=presets,
                               platform=platform or None, overrides=overrides))
    return out


DESTINATION_KEYS = ("name", "url", "aspect", "platform")
"""What a `[[push.destinations]]` entry holds besides Preset keys (never the stream key)."""
