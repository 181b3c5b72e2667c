"""The fictional shop the demo audience talks about: products, shades, sizes and gifts.

Everything here is made up for rehearsal. Real products reach the audience through host actions
(PRODUCT_CARD, TRYON_ON_AIR, COUNTDOWN_START carry the sku); an sku the demo shop does not know
gets a generic product built from what the action said, so questions still name it.
"""

from __future__ import annotations

from dataclasses import dataclass

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

    def shade_names(self, lang: str) -> tuple[str, ...]:
        return (self.shades_en if lang == "en" and self.shades_en else self.shades) or ("natural",)

    def size_names(self, lang: str) -> tuple[str, ...]:
        return (self.sizes_en if lang == "en" and self.sizes_en else self.sizes) or ("M",)


DEMO_PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct("DEMO-LIP-316", "丝绒雾面口红", "velvet matte lipstick", 89.0,
                shades=("#316 豆沙", "#999 正红", "#520 枫叶", "#12 蜜桃", "#888 奶茶"),
                sizes=("正装3.5g", "小样1.5g"),
                shades_en=("#316 rosewood", "#999 true red", "#520 maple", "#12 peach", "#888 milk tea"),
                sizes_en=("full size 3.5g", "mini 1.5g")),
    DemoProduct("DEMO-BLUSH-02", "云朵腮红", "cloud blush", 69.0,
                shades=("杏桃", "玫瑰", "珊瑚", "裸粉"), sizes=("单色", "双色盘"),
                shades_en=("apricot", "rose", "coral", "nude pink"), sizes_en=("single", "duo")),
    DemoProduct("DEMO-GLASS-07", "复古圆框眼镜", "round retro glasses", 159.0,
                shades=("玳瑁", "哑光黑", "香槟金"), sizes=("小脸款", "标准款"),
                shades_en=("tortoiseshell", "matte black", "champagne gold"),
                sizes_en=("narrow fit", "standard fit")),
    DemoProduct("DEMO-RING-11", "珍珠开口戒指", "open pearl ring", 129.0,
                shades=("银色", "玫瑰金"), sizes=("6号", "8号", "10号", "12号"),
                shades_en=("silver", "rose gold"), sizes_en=("size 6", "size 8", "size 10", "size 12")),
    DemoProduct("DEMO-TEE-21", "纯棉宽松T恤", "relaxed cotton tee", 79.0,
                shades=("奶白", "雾霾蓝", "燕麦", "黑色"), sizes=("S", "M", "L", "XL"),
                shades_en=("cream", "haze blue", "oat", "black")),
)

_BY_SKU = {p.sku: p for p in DEMO_PRODUCTS}


def product_for(sku: str, name: str | None = None, price: float | None = None) -> DemoProduct:
    """The demo shop's product for `sku`, or a plausible stand-in named after the action."""
    known = _BY_SKU.get(sku)
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
