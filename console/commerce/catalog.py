"""The one product catalog: every resources/catalog/*.toml.

A product has a SKU, names in both languages, a price and currency, and optionally:
- `item` + `props` + `[[product.shades]]`: its try-on (the renderer kind in
  console/video/tryon/items_*.py, its settings, and named shades that override them);
- `sizes = [{ name_en = "S", name_zh = "S" }, …]`: sizes viewers ask about;
- `[[product.faq]]`: frequently asked questions (kept as written, for the comment tools).

The try-on panel, product cards, show segments, coupons and the demo audience all read products
from here, so one lipstick has one SKU everywhere. A bad file or product is reported in words and
skipped; it never takes the good products down with it.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from console.i18n import pick
from console.resources import resource
from console.validate.catalog_schema import check_product

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Shade:
    name_en: str
    name_zh: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Size:
    name_en: str
    name_zh: str


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name_en: str
    name_zh: str
    price: float
    currency: str = "CNY"
    category: str = ""
    item: str | None = None
    """Try-on renderer kind; None = a product the host cannot try on (a serum, a voucher)."""
    props: dict[str, Any] = field(default_factory=dict)
    shades: tuple[Shade, ...] = ()
    thumbnail: Path | None = None
    sizes: tuple[Size, ...] = ()
    faqs: tuple[dict[str, Any], ...] = ()

    @property
    def has_tryon(self) -> bool:
        return self.item is not None

    def name(self, lang: str) -> str:
        return self.name_zh if lang.startswith("zh") else self.name_en

    def props_for(self, shade: int | None) -> dict[str, Any]:
        merged = dict(self.props)
        if self.shades and shade is not None:
            merged.update(self.shades[shade % len(self.shades)].props)
        return merged


class CatalogError(ValueError):
    pass


def _names(raw: Mapping[str, Any], fallback: str) -> tuple[str, str]:
    en = str(raw.get("name_en", fallback))
    return en, str(raw.get("name_zh", en))


def parse_product(raw: Mapping[str, Any], source: str,
                  tryon_items: Mapping[str, Iterable[str]] | None = None) -> Product:
    """One product table; `tryon_items` (renderer kind -> its property keys) checks the try-on."""
    sku = str(raw.get("sku", "")).strip()
    if not sku:
        raise CatalogError(pick(f"{source}: a product has no SKU", f"{source}：有商品没有 SKU"))
    try:
        price = float(raw.get("price", 0.0))
    except (TypeError, ValueError):
        raise CatalogError(pick(f"{source}: product {sku} has a price that is not a number ({raw.get('price')!r})",
                                f"{source}：商品 {sku} 的价格不是数字（{raw.get('price')!r}）")) from None
    if price < 0:
        raise CatalogError(pick(f"{source}: product {sku} has a negative price", f"{source}：商品 {sku} 的价格为负数"))
    item = raw.get("item") or None
    props = dict(raw.get("props", {}))
    shades = tuple(Shade(*_names(s, ""), dict(s.get("props", {}))) for s in raw.get("shades", []))
    if item is not None and tryon_items is not None:
        if item not in tryon_items:
            raise CatalogError(pick(f"{source}: product {sku} uses an unknown try-on item {item!r}",
                                    f"{source}：商品 {sku} 使用了未知的试妆项目 {item!r}"))
        known = set(tryon_items[item])
        for keys in (props, *(s.props for s in shades)):
            unknown = set(keys) - known
            if unknown:
                raise CatalogError(pick(f"{source}: product {sku} sets unknown properties {sorted(unknown)} for {item}",
                                        f"{source}：商品 {sku} 为 {item} 设置了未知属性 {sorted(unknown)}"))
    sizes = tuple(Size(*_names(s, "")) if isinstance(s, Mapping) else Size(str(s), str(s))
                  for s in raw.get("sizes", []))
    faqs = tuple(dict(f) for f in raw.get("faq", raw.get("faqs", [])) if isinstance(f, Mapping))
    thumb = raw.get("thumbnail")
    name_en, name_zh = _names(raw, sku)
    return Product(sku=sku, name_en=name_en, name_zh=name_zh, price=price,
                   currency=str(raw.get("currency", "CNY")), category=str(raw.get("category", item or "")),
                   item=item, props=props, shades=shades,
                   thumbnail=resource(*Path(thumb).parts) if thumb else None, sizes=sizes, faqs=faqs)


class Catalog:
    def __init__(self, products: list[Product], problems: list[str] | None = None) -> None:
        self.products = products
        self.problems = problems or []
        self._by_sku = {p.sku: p for p in products}

    def __len__(self) -> int:
        return len(self.products)

    def __iter__(self):
        return iter(self.products)

    def __contains__(self, sku: object) -> bool:
        return sku in self._by_sku

    def get(self, sku: str) -> Product:
        try:
            return self._by_sku[sku]
        except KeyError:
            raise KeyError(f"Unknown product SKU {sku!r}") from None

    def find(self, sku: str | None) -> Product | None:
        return self._by_sku.get(sku) if sku else None

    def tryon(self) -> list[Product]:
        """The products the host can try on, in catalog order."""
        return [p for p in self.products if p.has_tryon]

    @classmethod
    def load(cls, directory: Path | None = None,
             tryon_items: Mapping[str, Iterable[str]] | None = None,
             property_specs: Mapping[str, Iterable[Any]] | None = None) -> "Catalog":
        directory = directory or resource("catalog")
        products: list[Product] = []
        problems: list[str] = []
        seen: set[str] = set()
        for path in sorted(directory.glob("*.toml")):
            try:
                text = path.read_text(encoding="utf-8")
                data = tomllib.loads(text)
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                problems.append(pick(f"{path.name} could not be read: {exc}", f"{path.name} 无法读取：{exc}"))
                continue
            entries = data.get("product", [])
            if not isinstance(entries, list):
                problems.append(pick(f"{path.name}: product must be a list of [[product]] tables",
                                     f"{path.name}：product 应为 [[product]] 表的列表"))
                continue
            for index, raw in enumerate(entries):
                # Types and ranges first (console/validate/catalog_schema.py): skip, say where.
                bad = check_product(raw, index, path.name, text, property_specs)
                if bad:
                    problems.extend(bad)
                    continue
                try:
                    product = parse_product(raw, path.name, tryon_items)
                except CatalogError as exc:
                    problems.append(str(exc))
                    continue
                if product.sku in seen:
                    problems.append(pick(f"{path.name}: SKU {product.sku} appears twice; the first is kept",
                                         f"{path.name}：SKU {product.sku} 出现了两次；保留第一个"))
                    continue
                seen.add(product.sku)
                products.append(product)
        for p in problems:
            log.warning("catalog: %s", p)
        return cls(products, problems)


_shared: Catalog | None = None


def shared_catalog() -> Catalog:
    """The shipped catalog, loaded once (without try-on checks: the try-on side does those)."""
    global _shared
    if _shared is None:
        _shared = Catalog.load()
    return _shared
