"""Immutable snapshots of what is on air, for the video worker (overlays) and the UI panels.

The controller builds a fresh `OverlayState` on every `snapshot()`; nothing here is ever mutated,
so a worker thread can hold one for a whole frame without locks.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PollView:
    poll_id: str
    question: str
    options: tuple[tuple[str, int], ...]
    """(label, votes) in display order."""
    total: int
    remaining_s: float | None
    """None when the poll has no timer (manual close)."""
    closed: bool


@dataclass(frozen=True, slots=True)
class LotteryView:
    draw_id: str
    keyword: str
    phase: str
    """"open" | "closed" | "drawn"."""
    remaining_s: float | None
    entrants: int
    winners: tuple[str, ...]
    """Display names, in draw order (rerolled winners appended)."""
    commitment: str
    """SHA-256 hex of the secret seed, published when entries open."""
    seed: str | None
    """The seed in hex, revealed only once winners are drawn."""


@dataclass(frozen=True, slots=True)
class CouponView:
    coupon_id: str
    title: str
    keyword: str
    code: str | None
    """None while locked behind a like goal or still being created on the shop."""
    remaining: int
    quantity: int
    expires_in_s: float | None
    like_goal: int | None
    likes: int


@dataclass(frozen=True, slots=True)
class CountdownView:
    countdown_id: str
    label: str
    remaining_s: float
    total_s: float
    flash_sale: bool
    sku: str | None
    price: float | None


@dataclass(frozen=True, slots=True)
class ProductCardView:
    sku: str
    name: str
    price: float
    currency: str
    coupon_text: str | None


@dataclass(frozen=True, slots=True)
class PinnedCommentView:
    viewer_name: str
    text: str


@dataclass(frozen=True, slots=True)
class OverlayState:
    poll: PollView | None = None
    lottery: LotteryView | None = None
    coupon: CouponView | None = None
    countdown: CountdownView | None = None
    product_card: ProductCardView | None = None
    pinned: PinnedCommentView | None = None
