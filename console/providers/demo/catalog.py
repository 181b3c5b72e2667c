"""What the demo audience talks about: the console's product catalog, plus gifts.

Products come from the one catalog (resources/catalog/, console/commerce/catalog.py): the
same SKU the try-on panel, product cards and the run-of-show use. A product the catalog does
not know (a card for an ad-hoc SKU) gets a generic stand-in named after the action, so
questions still name it. Gifts are the demo platform's own, made up for rehearsal.
"""

from __future__ import annotations

from dataclasses import dataclass

from console.commerce.catalog import Catalog, Product, shared_catalog
from console.core.events import Segment


@dataclass(frozen=True, slots=True)
class DemoProduct:
    sku: str
    name_zh: str
    name_en: str
    price: float
    shades: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    shades_en: tuple[str, ...] = ()
    """English names in the same order as `shades`; empty = use `shades`."""
    sizes_en: tuple[str, ...] = ()

    @classmethod
    def from_product(cls, p: Product) -> "DemoProduct":
        return cls(p.sku, p.name_zh, p.name_en, p.price,
                   shades=tuple(s.name_zh for s in p.shades), sizes=tuple(s.name_zh for s in p.sizes),
                   shades_en=tuple(s.name_en for s in p.shades), sizes_en=tuple(s.name_en for s in p.sizes))

    def shade_names(self, lang: str) -> tuple[str, ...]:
        return (self.shades_en if lang == "en" and self.shades_en else self.shades) or ("natural",)

    def size_names(self, lang: str) -> tuple[str, ...]:
        return (self.sizes_en if lang == "en" and self.sizes_en else self.sizes) or ("M",)


def demo_products(catalog: Catalog | None = None) -> tuple[DemoProduct, ...]:
    """The catalog's products as the demo room sees them, in catalog order."""
    return tuple(DemoProduct.from_product(p) for p in (catalog if catalog is not None else shared_catalog()))


def product_for(sku: str, name: str | None = None, price: float | None = None,
                known: DemoProduct | None = None) -> DemoProduct:
    """`known` (the catalog's product for `sku`) as the action named it, or a plausible stand-in."""
    if known is not None and name is None and price is None:
        return known
    base = known or DemoProduct(sku, name or sku, name or sku, 99.0,
                                shades=("自然色", "暖调", "冷调"), sizes=("S", "M", "L"),
                                shades_en=("natural", "warm", "cool"))
    return DemoProduct(
        sku=sku,
        name_zh=name or base.name_zh,
        name_en=name or base.name_en,
        price=float(price) if price is not None else base.price,
        shades=base.shades,
        sizes=base.sizes,
        shades_en=base.shades_en,
        sizes_en=base.sizes_en,
    )


@dataclass(frozen=True, slots=True)
class GiftKind:
    name: str
    unit_value: float
    """Yuan per gift."""


GIFTS: tuple[GiftKind, ...] = (
    GiftKind("小心心", 0.1),
    GiftKind("玫瑰", 1.0),
    GiftKind("棒棒糖", 1.0),
    GiftKind("人气票", 1.0),
    GiftKind("墨镜", 9.9),
    GiftKind("爱心发射", 19.9),
    GiftKind("跑车", 120.0),
    GiftKind("嘉年华", 300.0),
)

GIFT_WEIGHTS: dict[Segment, tuple[float, ...]] = {
    # Newcomers and regulars send tokens; big gifts come almost only from high-value viewers.
    Segment.NEW: (60, 25, 10, 5, 0.5, 0, 0, 0),
    Segment.ACTIVE: (45, 30, 12, 8, 4, 1, 0.1, 0),
    Segment.HIGH_VALUE: (20, 25, 10, 10, 20, 10, 4, 1),
}
