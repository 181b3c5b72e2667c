"""The product card: what is being sold right now, with its price (and a coupon line)."""

from __future__ import annotations

from console.core import actions as A
from console.core.events import ActionSource

from ..registry import Control, InteractionKind, register
from ..results import ok, refused
from ..views import ProductCardView
from .card import CardEngine

KIND = register(InteractionKind(
    "product_card", ("Product card", "商品卡"), order=50,
    engine=lambda ix: CardEngine(ix.outbox, "product_card"),
    stop=lambda engine, source: engine.stop(source),
    describe=lambda v: (f"{v.name} · {v.price:g} {v.currency}",) * 2,
    controls=(Control("hide", ("Hide", "隐藏"), lambda ix: ix.stop("product_card")),),
))


@KIND.action("Product card", "商品卡", preset=True)
def show_product_card(ix, sku: str, name: str, price: float, currency: str = "CNY",
                      coupon_text: str | None = None, source: ActionSource = ActionSource.HOST,
                      override_lint: bool = False):
    def op():
        if not sku.strip() or not name.strip():
            return refused("The product card needs the product's SKU and name.")
        if price < 0:
            return refused("The price cannot be negative.")
        ix.engine("product_card").show(ProductCardView(sku.strip(), name.strip(), float(price), currency, coupon_text))
        ix.outbox.emit(A.PRODUCT_CARD, {"sku": sku, "name": name, "price": float(price),
                                        "currency": currency, "coupon_text": coupon_text}, source)
        return ok(f"Product card on screen: {name} {price:g} {currency}.")

    return ix.guarded("product_card", [name, coupon_text], override_lint, op, call_to_action=False)
