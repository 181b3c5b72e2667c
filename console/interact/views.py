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
    by_platform: tuple[tuple[str, tuple[int, ...]], ...] = ()
    """Where the votes came from on a multistream: ("comments", …), ("twitch", …), ("youtube", …);
    empty when there is only one source. The UI shows it on hover."""

    def breakdown(self) -> str:
        """One line per source for a tooltip: "twitch: A 3 · B 5"."""
        labels = [label for label, _ in self.options]
        return "\n".join(f"{src}: " + " · ".join(f"{l} {n}" for l, n in zip(labels, votes))
                         for src, votes in self.by_platform)


@dataclass(frozen=True, slots=True)
class LotteryView:
    draw_id: str
    keyword: str
    phase: str
    """"open" | "closed" | "drawn" | "void"."""
    remaining_s: float | None
    entrants: int
    winners: tuple[str, ...]
    """Display names, in draw order (rerolled winners appended)."""
    commitment: str
    """SHA-256 hex of the secret seed, published when entries open."""
    seed: str | None
    """The seed in hex, revealed only once winners are drawn."""
    entrants_hash: str | None = None
    """SHA-256 hex of the frozen entrant list (from close on), shown on air with the count."""
    chain_head: str | None = None
    """"#seq hash" of the session log at the draw, shown on air."""
    void_reason: str | None = None
    """Set when the lottery was called off (phase "void"); shown on air."""


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
class RoomView:
    """The room as the platform reports it (viewer count), for standing overlay elements."""

    viewers: int | None = None
    """Latest viewer count the platform reported; None until it reports one."""


class OverlayState:
    """What is on air: a view per interaction kind (by kind name) plus the room.

    Built fresh by every `Interactions.snapshot()` and never changed afterwards. Attribute access
    (`state.poll`) reads a kind's view and is None when that kind is not on air, so a new kind
    needs no field here.
    """

    __slots__ = ("_views", "room")

    def __init__(self, room: RoomView | None = None, **views: object) -> None:
        object.__setattr__(self, "_views", {k: v for k, v in views.items() if v is not None})
        object.__setattr__(self, "room", room or RoomView())

    def get(self, kind: str) -> object | None:
        return self._views.get(kind)

    @property
    def views(self) -> dict[str, object]:
        return dict(self._views)

    def __getattr__(self, name: str) -> object | None:
        if name.startswith("_"):
            raise AttributeError(name)
        return self._views.get(name)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("OverlayState is immutable")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OverlayState) and self._views == other._views and self.room == other.room

    def __hash__(self) -> int:
        return hash((tuple(sorted(self._views)), self.room))

    def __repr__(self) -> str:
        return f"OverlayState({', '.join(sorted(self._views))}, room={self.room})"
