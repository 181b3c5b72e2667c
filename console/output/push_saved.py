"""The host's own push destinations, kept for the next start.

The Go live dialog adds and removes destinations here. Each is one `[[push.destinations]]` entry
of the settings file — name, ingest address without the key, aspect, preset platform and the
host's bitrate — so it is there again after a restart. The stream key never goes into the file:
it is split off the address (`split_key`) and stored in the OS keyring under the destination's
name, where `destination()` looks it up at go-live.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console.config import save_settings
from console.i18n import pick

from .push_config import (ASPECTS, DESTINATION_KEYS, PRESET_KEYS, SRT_SECRETS, Destination, PushConfigError,
                          destination, forget_stream_key, redact_url, save_stream_key, split_key)

AUTO = "auto"
"""Preset choice: the platform the ingest address belongs to."""


def saved(sections: dict[str, Any]) -> list[dict[str, Any]]:
    """The `[[push.destinations]]` entries of the loaded settings (tables only)."""
    push = sections.get("push")
    entries = push.get("destinations") if isinstance(push, dict) else None
    return [dict(e) for e in entries if isinstance(e, dict)] if isinstance(entries, list) else []


def entry_for(url: str, *, key: str | None = None, name: str | None = None, aspect: str = "16:9",
              platform: str = AUTO, bitrate_kbps: int | None = None,
              taken: list[dict[str, Any]] = ()) -> tuple[dict[str, Any], str | None, Destination]:
    """(settings entry, stream key for the keyring, the destination it makes) from the dialog's
    fields. A key pasted as part of the address is split off. Raises PushConfigError in the
    host's words when the address, aspect, preset or bitrate cannot work, or no key is known."""
    url = url.strip()
    key = (key or "").strip() or None
    if key:
        if url.rstrip("/").endswith("/" + key):  # pasted both ways: the key is kept once, in the keyring
            url = url.rstrip("/")[: -len(key)]
        url = url if url.endswith("/") or url.startswith("srt://") else url + "/"
        if url.lower().startswith("srt://"):
            # An SRT passphrase (or stream id) left in the address is as secret as the key field:
            # both go to the keyring as one query ("streamid=…&passphrase=…").
            url, in_url = split_key(url)
            passphrase = [q for q in (in_url or "").split("&") if q.startswith("passphrase=")]
            if passphrase and "passphrase=" not in key:
                key = "&".join([key if key.startswith(SRT_SECRETS) else f"streamid={key}", *passphrase])
    else:
        url, key = split_key(url)
    if key and key in url:  # never written to the settings file, whatever the paste looked like
        raise PushConfigError(pick("The server URL contains the stream key: put the key in the Stream key field only.",
                                   "服务器地址中含有推流码：请只在“推流码”一栏填写。"))
    if aspect not in ASPECTS:
        raise PushConfigError(pick(f"Aspect {aspect!r} must be \"16:9\" or \"9:16\".",
                                   f"画面比例 {aspect!r} 只能是 \"16:9\" 或 \"9:16\"。"))
    if bitrate_kbps is not None and not 100 <= bitrate_kbps <= 100_000:
        raise PushConfigError(pick(f"Bitrate {bitrate_kbps} kb/s is out of range (100–100000).",
                                   f"码率 {bitrate_kbps} kb/s 超出范围（100–100000）。"))
    preset = None if platform in (AUTO, "", None) else platform
    overrides = {"bitrate_kbps": int(bitrate_kbps)} if bitrate_kbps else {}
    # The name the key is stored under: the host's, else the platform's, never one already saved.
    probe = destination(url, name=(name or "").strip() or None, aspect=aspect, key=key or "probe",
                        platform=preset, overrides=overrides)
    names = {str(e.get("name") or "") for e in taken}
    base, n = probe.name, 1
    unique = base
    while unique in names:
        n += 1
        unique = f"{base}-{n}"
    dest = destination(url, name=unique, aspect=aspect, key=key, platform=preset, overrides=overrides)
    entry: dict[str, Any] = {"name": unique, "url": url, "aspect": aspect}
    if preset:
        entry["platform"] = preset
    entry.update(overrides)
    return entry, key, dest


class NoKeyring(RuntimeError):
    """The OS keyring refused the key: nothing was saved (the key must not go anywhere else)."""


def add(path: Path | None, sections: dict[str, Any], entry: dict[str, Any], key: str | None) -> Path:
    """Key to the keyring first (NoKeyring when there is none: then nothing is saved), then the
    entry into the settings file and the loaded settings, so Go live uses it at once."""
    if key:
        try:
            save_stream_key(entry["name"], key)
        except Exception as exc:  # noqa: BLE001 — keyring back ends raise many kinds
            raise NoKeyring(type(exc).__name__) from exc
    return _write(path, sections, saved(sections) + [entry])


def remove(path: Path | None, sections: dict[str, Any], name: str) -> Path:
    """Drop the named destination from the settings file and its key from the keyring."""
    entries = saved(sections)
    written = _write(path, sections, [e for e in entries if e.get("name") != name])
    forget_stream_key(name)
    return written


def _write(path: Path | None, sections: dict[str, Any], entries: list[dict[str, Any]]) -> Path:
    allowed = set(DESTINATION_KEYS) | set(PRESET_KEYS)
    clean = [{k: v for k, v in e.items() if k in allowed} for e in entries]  # nothing else, never a key
    written = save_settings(path, "push", {"destinations": clean})
    push = sections.setdefault("push", {})
    if clean:
        push["destinations"] = clean
    else:
        push.pop("destinations", None)
    return written


def describe(entry: dict[str, Any]) -> str:
    """One line for the dialog's list: name, address (no key), aspect, preset, bitrate."""
    bits = [entry.get("aspect", ""), entry.get("platform", pick("preset by address", "按地址选预设"))]
    if entry.get("bitrate_kbps"):
        bits.append(f"{entry['bitrate_kbps']} kb/s")
    return f"{entry.get('name', '?')} — {redact_url(str(entry.get('url', '')))} ({', '.join(b for b in bits if b)})"
