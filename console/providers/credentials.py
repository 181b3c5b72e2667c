"""Platform credentials: the OS keyring, or an environment variable for headless/CI use.

`LIVE_CONSOLE_<PLATFORM>_<NAME>` (e.g. LIVE_CONSOLE_BILIBILI_ACCESS_KEY_SECRET) wins over the
keyring so a CI job never needs a keyring. Values never go into the config file, SQLite or logs;
`redact()` is what code prints instead.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)
KEYRING_SERVICE = "live-console"


def env_name(platform: str, name: str) -> str:
    return f"LIVE_CONSOLE_{platform.upper()}_{name.upper()}"


def _key(platform: str, name: str) -> str:
    return f"{platform}:{name.lower()}"


def get_credential(platform: str, name: str) -> str | None:
    value = os.environ.get(env_name(platform, name))
    if value:
        return value
    try:
        import keyring  # lazy: keyring probes the OS backends on import
        import keyring.errors

        return keyring.get_password(KEYRING_SERVICE, _key(platform, name))
    except Exception as exc:  # noqa: BLE001 — no backend is a normal state on servers
        log.info("keyring unavailable for %s: %s", env_name(platform, name), type(exc).__name__)
        return None


def set_credential(platform: str, name: str, value: str) -> None:
    """Store in the OS keyring. Raises keyring.errors.KeyringError when there is no keyring."""
    import keyring

    keyring.set_password(KEYRING_SERVICE, _key(platform, name), value)


def delete_credential(platform: str, name: str) -> None:
    import keyring
    import keyring.errors

    try:
        keyring.delete_password(KEYRING_SERVICE, _key(platform, name))
    except keyring.errors.PasswordDeleteError:
        pass


def redact(value: str | None) -> str:
    if not value:
        return "(not set)"
    return f"…{value[-2:]}" if len(value) > 8 else "(set)"
