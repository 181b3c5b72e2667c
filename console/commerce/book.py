"""The local coupon book: what a coupon gives, how many, to whom, until when.

Pure bookkeeping, no I/O: the interaction engine asks it whether a claim stands, and a backend
(local or a shop) makes the code real.
"""

from __future__ import annotations

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

    def problem(self) -> str | None:
        """A sentence describing what is wrong, or None."""
        if not self.title.strip():
            return "The coupon needs a title viewers will see."
        if not self.keyword.strip():
            return "The coupon needs a keyword viewers comment to claim it, e.g. 领券."
        if self.quantity < 1:
            return "The coupon quantity must be at least 1."
        if (self.percent_off is None) == (self.amount_off is None):
            return "Choose either a percent off or an amount off (exactly one)."
        if self.percent_off is not None and not 0 < self.percent_off <= 100:
            return "Percent off must be between 0 and 100."
        if self.amount_off is not None and self.amount_off <= 0:
            return "The amount off must be more than zero."
        if self.min_spend < 0:
            return "The minimum spend cannot be negative."
        if self.per_viewer_limit < 1:
            return "Each viewer must be allowed at least one claim."
        if self.expires_s <= 0:
            return "The coupon must stay valid for some time (expiry in seconds > 0)."
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
