"""Where an open lottery's secret seed waits for its draw: the OS keyring, keyed by draw id.

The seed must survive a crash (so the host can still draw the same lottery after a restart)
but must not be readable from the session log before the draw (or anyone holding the log
could compute the winners early). The OS keyring is exactly that place. Headless machines
without a keyring backend simply cannot recover a lottery after a crash: it is then voided
with a reason on air instead of being redrawn with a new seed.

Tests and CI select keyring's file backend the usual way, e.g.
`PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring`.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)
SERVICE = "live-console-draw-seed"


class SeedVault:
    def put(self, draw_id: str, seed: bytes) -> bool:
        """Keep the seed; False when there is no keyring to keep it in."""
        try:
            import keyring

            keyring.set_password(SERVICE, draw_id, seed.hex())
            return True
        except Exception as exc:  # noqa: BLE001 — no backend is a normal state on servers
            log.info("lottery seed not kept in a keyring (%s); a crash would void the draw",
                     type(exc).__name__)
            return False

    def get(self, draw_id: str) -> bytes | None:
        try:
            import keyring

            value = keyring.get_password(SERVICE, draw_id)
            return bytes.fromhex(value) if value else None
        except Exception as exc:  # noqa: BLE001
            log.info("lottery seed for %s not readable from the keyring (%s)", draw_id, type(exc).__name__)
            return None

    def forget(self, draw_id: str) -> None:
        """After the draw the seed is public (in the log), so the keyring copy goes."""
        try:
            import keyring

            keyring.delete_password(SERVICE, draw_id)
        except Exception:  # noqa: BLE001 — nothing to forget, or no keyring
            pass


class MemoryVault(SeedVault):
    """A vault that forgets everything when the process ends (no keyring wanted)."""

    def __init__(self) -> None:
        self._seeds: dict[str, bytes] = {}

    def put(self, draw_id: str, seed: bytes) -> bool:
        self._seeds[draw_id] = seed
        return True

    def get(self, draw_id: str) -> bytes | None:
        return self._seeds.get(draw_id)

    def forget(self, draw_id: str) -> None:
        self._seeds.pop(draw_id, None)
