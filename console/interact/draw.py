"""The verifiable lottery draw: commit to a secret seed, freeze the entrants, derive the winners.

Algorithm "live-console-draw-v1" (also printed in the README):

1. When entries open, the console draws a fresh 32-byte secret `seed` (``secrets.token_bytes``)
   and publishes ``commitment = SHA-256(seed)`` as lowercase hex (on the video and in the log).
2. When entries close, the entrant list is frozen: the viewer ids, de-duplicated and sorted by
   Unicode code point (Python's ``sorted`` on ``str``), are logged. Let
   ``E = "\\n".join(sorted_ids)`` encoded as UTF-8.
3. Winners come from a counter ``i = 0, 1, 2, …`` (never reset for one draw) and a pool
   ``remaining`` that starts as the sorted entrant list:

       h = SHA-256(seed ‖ b"live-console-draw-v1" ‖ i as 4-byte big-endian ‖ E)
       x = int.from_bytes(h, "big");  n = len(remaining)
       if x >= (2**256 // n) * n:  i += 1 and try again      # rejection sampling: no modulo bias
       winner = remaining.pop(x % n);  i += 1

   repeated once per winner. A reroll continues the same sequence (same counter, same pool), so it
   can never pick an earlier winner and anyone can recompute it.
4. At the draw the seed is revealed (hex) with the winners. Anyone holding the log checks
   ``SHA-256(seed) == commitment`` and reruns step 3 on the logged entrants.

The seed is fixed before anyone enters and hidden until entries are frozen, so neither the host
nor a viewer can steer the result by choosing when to enter or whom to admit.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Iterable

DOMAIN = b"live-console-draw-v1"
SEED_BYTES = 32
_SPACE = 1 << 256


def new_seed() -> bytes:
    return secrets.token_bytes(SEED_BYTES)


def commitment(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def freeze_entrants(ids: Iterable[str]) -> list[str]:
    return sorted(set(ids))


def entrants_bytes(frozen: Iterable[str]) -> bytes:
    """E: the frozen (sorted, de-duplicated) ids joined by "\\n", UTF-8 — hashed into every draw."""
    return "\n".join(frozen).encode("utf-8")


def entrants_digest(frozen: Iterable[str]) -> str:
    """SHA-256(E) as lowercase hex: logged at close; its first 12 characters are shown on air."""
    return hashlib.sha256(entrants_bytes(frozen)).hexdigest()


@dataclass
class DrawSequence:
    """Deterministic winner stream for one seed and one frozen entrant list."""

    seed: bytes
    entrants: list[str]
    counter: int = 0
    remaining: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.entrants = freeze_entrants(self.entrants)
        self.remaining = list(self.entrants)
        self._tail = entrants_bytes(self.entrants)

    def next_winner(self) -> str | None:
        n = len(self.remaining)
        if n == 0:
            return None
        limit = (_SPACE // n) * n
        while True:
            digest = hashlib.sha256(
                self.seed + DOMAIN + self.counter.to_bytes(4, "big") + self._tail
            ).digest()
            self.counter += 1
            x = int.from_bytes(digest, "big")
            if x < limit:
                return self.remaining.pop(x % n)

    def take(self, count: int) -> list[str]:
        out: list[str] = []
        for _ in range(count):
            winner = self.next_winner()
            if winner is None:
                break
            out.append(winner)
        return out


def draw_winners(seed: bytes, entrants: Iterable[str], count: int) -> list[str]:
    """The first `count` winners (fewer if there are fewer entrants)."""
    return DrawSequence(seed, list(entrants)).take(count)
