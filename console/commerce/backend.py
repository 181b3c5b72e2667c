"""Where a coupon code becomes real: nowhere but the console (local) or a shop (Shopify)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .book import CouponSpec


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    ok: bool
    message: str
    """In words a host understands; never contains a token."""
    remote_id: str | None = None


class CouponBackend(Protocol):
    name: str
    remote: bool
    """True when publishing goes over the network (the engine then runs it as a task)."""

    async def publish(self, spec: CouponSpec, code: str, starts_at: float, ends_at: float) -> PublishOutcome:
        """Make `code` redeemable from starts_at to ends_at (epoch seconds). Idempotent."""


class LocalCouponBackend:
    """The console's own coupon book: codes are valid the moment they are issued."""

    name = "local"
    remote = False

    async def publish(self, spec: CouponSpec, code: str, starts_at: float, ends_at: float) -> PublishOutcome:
        return PublishOutcome(True, f"Code {code} is ready.")
