"""The local coupon book: what a coupon gives, how many, to whom, until when.

Pure bookkeeping, no I/O: the interaction engine asks it whether a claim stands, and a backend
(local or a shop) makes the code real.
"""

from __future__ import annotations

from console.messages import M, Message

from dataclasses import dataclass

from .codes import new_code


@dataclass(frozen=True, slots=True)
class CouponSpec:
    title: str
    keyword: str
    quantity: int
    percent_off: float | None = None
    amount_off: float | None = None
    min_spend: float = 0.0
    per_viewer_limit: int = 1
    expires_s: float = 600.0
    currency: str = "CNY"
    sku: str | None = None
    """The catalog product the coupon is for (None = the whole order)."""

    def problem(self) -> Message | None:
        """What is wrong (a message for the host), or None."""
        if not self.title.strip():
            return M("coupon.title")
        if not self.keyword.strip():
            return M("coupon.keyword")
        if self.quantity < 1:
            return M("coupon.quantity")
        if (self.percent_off is None) == (self.amount_off is None):
            return M("coupon.discount")
        if self.percent_off is not None and not 0 < self.percent_off <= 100:
            return M("coupon.percent")
        if self.amount_off is not None and self.amount_off <= 0:
            return M("coupon.amount")
        if self.min_spend < 0:
            return M("coupon.min_spend")
        if self.per_viewer_limit < 1:
            return M("coupon.limit")
        if self.expires_s <= 0:
            return M("coupon.expiry")
        return None

    def describe(self) -> str:
        off = f"{self.percent_off:g}% off" if self.percent_off is not None else \
            f"{self.amount_off:g} {self.currency} off"
        if self.min_spend:
            off += f" orders over {self.min_spend:g} {self.currency}"
        return off


class CouponBook:
    """Codes issued this session (unique across drops) and claims per drop."""

    def __init__(self) -> None:
        self._codes: set[str] = set()
        self._claims: dict[str, dict[str, int]] = {}  # coupon_id -> viewer_id -> count

    def issue_code(self, prefix: str = "") -> str:
        code = new_code(self._codes, prefix=prefix)
        self._codes.add(code)
        return code

    def claimed(self, coupon_id: str) -> int:
        return sum(self._claims.get(coupon_id, {}).values())

    def claim(self, coupon_id: str, spec: CouponSpec, viewer_id: str) -> str | None:
        """Record a claim; returns why it was refused, or None when it counts."""
        per_viewer = self._claims.setdefault(coupon_id, {})
        if sum(per_viewer.values()) >= spec.quantity:
            return "all claimed"
        if per_viewer.get(viewer_id, 0) >= spec.per_viewer_limit:
            return "already claimed"
        per_viewer[viewer_id] = per_viewer.get(viewer_id, 0) + 1
        return None
