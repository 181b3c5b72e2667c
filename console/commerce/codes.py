"""Coupon codes people can read off a video and type on a phone without mistakes.

The alphabet leaves out 0/O, 1/I/L (and lowercase entirely), so a code read aloud or off a
blurry stream has exactly one spelling.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
AMBIGUOUS = frozenset("0O1IL")
DEFAULT_LENGTH = 8


def new_code(taken: set[str] | frozenset[str] = frozenset(), *, length: int = DEFAULT_LENGTH,
             prefix: str = "") -> str:
    """A fresh random code not in `taken` (31^8 ≈ 8.5e11 codes, so collisions are rare)."""
    if length < 4:
        raise ValueError("coupon codes shorter than 4 characters are too easy to guess")
    bad = AMBIGUOUS & set(prefix.upper())
    if bad:
        raise ValueError(f"coupon prefix contains look-alike characters: {''.join(sorted(bad))}")
    while True:
        code = prefix.upper() + "".join(secrets.choice(ALPHABET) for _ in range(length))
        if code not in taken:
            return code


def is_valid_code(code: str) -> bool:
    return bool(code) and all(c in ALPHABET for c in code)
