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
def show_product_card(ix, sku: str, name: str | None = None, price: float | None = None,
                      currency: str | None = None, coupon_text: str | None = None, tryon: bool | None = None,
                      source: ActionSource = ActionSource.HOST, override_lint: bool = False):
    """Name, price and currency come from the catalog unless given (a sale price, a product the
    catalog does not have). `tryon`: put the product on the host too — by default when it has a
    try-on (the try-on controller follows the PRODUCT_CARD action)."""
    product = ix.catalog.find(sku.strip()) if sku else None
    name = name if name is not None else (product.name(ix.language()) if product else None)
    price = price if price is not None else (product.price if product else None)
    currency = currency or (product.currency if product else "CNY")
    wear = bool(product and product.has_tryon) if tryon is None else bool(tryon and product and product.has_tryon)

    def op():
        if not sku or not sku.strip():
            return refused("card.no_sku")
        if product is None and (not name or price is None):
            return refused("card.not_in_catalog", sku=sku)
        if not str(name).strip():
            return refused("card.no_name")
        if price < 0:
            return refused("card.negative_price")
        ix.engine("product_card").show(ProductCardView(sku.strip(), str(name).strip(), float(price), currency, coupon_text))
        ix.outbox.emit(A.PRODUCT_CARD, {"sku": sku.strip(), "name": str(name).strip(), "price": float(price),
                                        "currency": currency, "coupon_text": coupon_text, "tryon": wear}, source)
        return ok("card.shown", name=name, price=f"{price:g}", currency=currency)

    return ix.guarded("product_card", [name, coupon_text], override_lint, op, call_to_action=False)
