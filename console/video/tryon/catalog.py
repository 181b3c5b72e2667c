"""The product catalog as try-on sees it: console/commerce/catalog.py, checked against the
renderer registry (an unknown item or property is reported and that product skipped).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from console.commerce import catalog as shop
from console.commerce.catalog import CatalogError, Product, Shade

from . import base

__all__ = ["Catalog", "CatalogError", "Product", "Shade", "load_renderers"]


def load_renderers() -> dict[str, type[base.Renderer]]:
    """Import every items_* module in this package so all renderers register themselves."""
    package = importlib.import_module(__package__)
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("items_"):
            importlib.import_module(f"{__package__}.{info.name}")
    return base.RENDERERS


class Catalog(shop.Catalog):
    @classmethod
    def load(cls, directory: Path | None = None, tryon_items=None) -> "Catalog":
        renderers = load_renderers()
        items = tryon_items or {kind: [p.key for p in r.properties] for kind, r in renderers.items()}
        # The renderers' property types check colours and ranges at load (validate/catalog_schema).
        specs = {kind: r.properties for kind, r in renderers.items()}
        loaded = shop.Catalog.load(directory, items, specs)
        return cls(loaded.products, loaded.problems)
