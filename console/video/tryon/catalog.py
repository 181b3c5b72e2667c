"""The product catalog: every resources/catalog/*.toml, validated against the renderer registry.

A product names its renderer (`item` = Renderer.kind), its property overrides (`props`) and
optionally `shades`: named variants that override props again, for cycling on air. A bad file
is reported in words and skipped; it does not take the good products down with it.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.resources import resource

from . import base

log = logging.getLogger(__name__)


def load_renderers() -> dict[str, type[base.Renderer]]:
    """Import every items_* module in this package so all renderers register themselves."""
    package = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("items_"):
            importlib.import_module(f"{__package__}.{info.name}")
    return base.RENDERERS


@dataclass(frozen=True, slots=True)
class Shade:
    name_en: str
    name_zh: str
    props: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name_en: str
    name_zh: str
    price: float
    currency: str
    category: str
    item: str
    props: dict[str, Any] = field(default_factory=dict)
    shades: tuple[Shade, ...] = ()
    thumbnail: Path | None = None

    def props_for(self, shade: int | None) -> dict[str, Any]:
        merged = dict(self.props)
        if self.shades and shade is not None:
            merged.update(self.shades[shade % len(self.shades)].props)
        return merged


class CatalogError(ValueError):
    pass


def _product(raw: dict[str, Any], source: Path, renderers: dict[str, type[base.Renderer]]) -> Product:
    sku = str(raw.get("sku", "")).strip()
    if not sku:
        raise CatalogError(f"{source.name}: a product has no SKU")
    item = raw.get("item", "")
    if item not in renderers:
        raise CatalogError(f"{source.name}: product {sku} uses an unknown try-on item {item!r}")
    known = {p.key for p in renderers[item].properties}
    props = dict(raw.get("props", {}))
    shades = tuple(
        Shade(str(s.get("name_en", "")), str(s.get("name_zh", s.get("name_en", ""))), dict(s.get("props", {})))
        for s in raw.get("shades", [])
    )
    for keys in (props, *(s.props for s in shades)):
        unknown = set(keys) - known
        if unknown:
            raise CatalogError(f"{source.name}: product {sku} sets unknown properties {sorted(unknown)} for {item}")
    thumb = raw.get("thumbnail")
    return Product(
        sku=sku,
        name_en=str(raw.get("name_en", sku)),
        name_zh=str(raw.get("name_zh", raw.get("name_en", sku))),
        price=float(raw.get("price", 0.0)),
        currency=str(raw.get("currency", "CNY")),
        category=str(raw.get("category", item)),
        item=item,
        props=props,
        shades=shades,
        thumbnail=resource(*Path(thumb).parts) if thumb else None,
    )


class Catalog:
    def __init__(self, products: list[Product], problems: list[str] | None = None) -> None:
        self.products = products
        self.problems = problems or []
        self._by_sku = {p.sku: p for p in products}

    def __len__(self) -> int:
        return len(self.products)

    def __iter__(self):
        return iter(self.products)

    def __contains__(self, sku: str) -> bool:
        return sku in self._by_sku

    def get(self, sku: str) -> Product:
        try:
            return self._by_sku[sku]
        except KeyError:
            raise KeyError(f"Unknown product SKU {sku!r}") from None

    @classmethod
    def load(cls, directory: Path | None = None) -> "Catalog":
        renderers = load_renderers()
        directory = directory or resource("catalog")
        products: list[Product] = []
        problems: list[str] = []
        seen: set[str] = set()
        for path in sorted(directory.glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                problems.append(f"{path.name} could not be read: {exc}")
                continue
            for raw in data.get("product", []):
                try:
                    product = _product(raw, path, renderers)
                except CatalogError as exc:
                    problems.append(str(exc))
                    continue
                if product.sku in seen:
                    problems.append(f"{path.name}: SKU {product.sku} appears twice; the first is kept")
                    continue
                seen.add(product.sku)
                products.append(product)
        for p in problems:
            log.warning("catalog: %s", p)
        return cls(products, problems)
