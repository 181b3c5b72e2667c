"""resources/catalog/*.toml: one product per [[product]]. A product with a bad price or a bad
try-on setting (a colour no renderer can draw) is skipped with a note naming the file, the line
and the key; the other products load. Otherwise an invisible lipstick would go "on air" while
the log said it was."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from . import values as V

MAX_PRICE = 10_000_000.0


def _prop_problem(spec: Any, value: Any) -> str | None:
    kind = getattr(spec, "type", None)
    if kind == "color":
        return V.color(value)
    if kind in ("float", "int"):
        return V.number(value, lo=spec.minimum, hi=spec.maximum, integer=kind == "int")
    if kind == "choice":
        return V.choice(value, spec.choices)
    if kind == "bool":
        return V.boolean(value)
    return None


def check_product(raw: Any, index: int, file: str, source: str,
                  specs: Mapping[str, Iterable[Any]] | None = None) -> list[str]:
    """Problems with the `index`-th [[product]] (0-based); empty = usable. `specs` maps a try-on
    item kind to its renderer's Property list (types and ranges of its settings)."""
    if not isinstance(raw, dict):
        return [f"{file}: product #{index + 1} is not a table ([[product]] with keys under it)"]
    sku = raw.get("sku")
    label = f"product {sku}" if isinstance(sku, str) and sku.strip() else f"product #{index + 1}"

    def at(key: str) -> str:
        return V.where(file, V.line_of(source, key, "product", index), f"{label} {key}")

    problems = []
    if V.text(sku, max_len=64, empty_ok=False):
        problems.append(f"{at('sku')}: the SKU {V.text(sku, max_len=64, empty_ok=False)}")
    if "price" in raw and (p := V.number(raw["price"], lo=0, hi=MAX_PRICE)):
        problems.append(f"{at('price')}: the price {p}")
    for key in ("name_en", "name_zh", "currency"):
        if key in raw and (p := V.text(raw[key], max_len=120, empty_ok=False)):
            problems.append(f"{at(key)}: {p}")
    item = raw.get("item")
    if item is not None and (p := V.text(item, max_len=64, empty_ok=False)):
        problems.append(f"{at('item')}: the try-on item {p}")
        item = None
    for key in ("thumbnail", "category"):
        if key in raw and (p := V.text(raw[key], max_len=300)):
            problems.append(f"{at(key)}: {p}")
    props = raw.get("props", {})
    shades = raw.get("shades", [])
    if not isinstance(props, dict):
        problems.append(f"{at('props')}: must be a table of try-on settings")
        props = {}
    if not isinstance(shades, list) or not all(isinstance(s, dict) for s in shades):
        problems.append(f"{at('shades')}: must be a list of [[product.shades]] tables")
        shades = []
    for i, shade in enumerate(shades):
        for key in ("name_en", "name_zh"):
            if key in shade and (p := V.text(shade[key], max_len=120)):
                problems.append(f"{at(key)}: shades #{i + 1} {key} {p}")
    sizes = raw.get("sizes", [])
    if not isinstance(sizes, list) or not all(
            (isinstance(x, str) and len(x) <= 120) or
            (isinstance(x, dict) and all(isinstance(x.get(k, ""), str) for k in ("name_en", "name_zh")))
            for x in sizes):
        problems.append(f"{at('sizes')}: must be a list of sizes (text, or {{ name_en = …, name_zh = … }})")
    for key in ("faq", "faqs"):
        if key in raw and not (isinstance(raw[key], list) and all(isinstance(f, dict) for f in raw[key])):
            problems.append(f"{at(key)}: must be a list of [[product.{key}]] tables")
    if specs is not None and item is not None and item in specs:
        by_key = {spec.key: spec for spec in specs[item]}
        for where_, table in (("props", props), *((f"shades #{i + 1}", s.get("props", {})) for i, s in enumerate(shades))):
            if not isinstance(table, dict):
                problems.append(f"{at('props')}: {where_} must be a table")
                continue
            for key, value in table.items():
                if key in by_key and (p := _prop_problem(by_key[key], value)):
                    problems.append(f"{at(key)}: {where_} {key} {p}")
    return problems
