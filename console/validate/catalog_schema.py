"""resources/catalog/*.toml: one product per [[product]]. A product with a bad price or a bad
try-on setting (a colour no renderer can draw) is skipped with a note naming the file, the line
and the key; the other products load. Otherwise an invisible lipstick would go "on air" while
the log said it was."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from console.i18n import pick

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
        return [pick(f"{file}: product #{index + 1} is not a table ([[product]] with keys under it)",
                     f"{file}：第 {index + 1} 个商品不是表（[[product]] 下面写键）")]
    sku = raw.get("sku")
    label = (pick(f"product {sku}", f"商品 {sku}") if isinstance(sku, str) and sku.strip()
             else pick(f"product #{index + 1}", f"第 {index + 1} 个商品"))

    def at(key: str) -> str:
        return V.where(file, V.line_of(source, key, "product", index), f"{label} {key}")

    problems = []

    def bad(key: str, en: str, zh: str) -> None:
        problems.append(pick(f"{at(key)}: {en}", f"{at(key)}：{zh}"))

    if (p := V.text(sku, max_len=64, empty_ok=False)):
        bad("sku", f"the SKU {p}", f"SKU {p}")
    if "price" in raw and (p := V.number(raw["price"], lo=0, hi=MAX_PRICE)):
        bad("price", f"the price {p}", f"价格{p}")
    for key in ("name_en", "name_zh", "currency"):
        if key in raw and (p := V.text(raw[key], max_len=120, empty_ok=False)):
            bad(key, p, p)
    item = raw.get("item")
    if item is not None and (p := V.text(item, max_len=64, empty_ok=False)):
        bad("item", f"the try-on item {p}", f"试妆项目{p}")
        item = None
    for key in ("thumbnail", "category"):
        if key in raw and (p := V.text(raw[key], max_len=300)):
            bad(key, p, p)
    props = raw.get("props", {})
    shades = raw.get("shades", [])
    if not isinstance(props, dict):
        bad("props", "must be a table of try-on settings", "应为试妆设置的表")
        props = {}
    if not isinstance(shades, list) or not all(isinstance(s, dict) for s in shades):
        bad("shades", "must be a list of [[product.shades]] tables", "应为 [[product.shades]] 表的列表")
        shades = []
    for i, shade in enumerate(shades):
        for key in ("name_en", "name_zh"):
            if key in shade and (p := V.text(shade[key], max_len=120)):
                bad(key, f"shades #{i + 1} {key} {p}", f"第 {i + 1} 个色号的 {key} {p}")
    sizes = raw.get("sizes", [])
    if not isinstance(sizes, list) or not all(
            (isinstance(x, str) and len(x) <= 120) or
            (isinstance(x, dict) and all(isinstance(x.get(k, ""), str) for k in ("name_en", "name_zh")))
            for x in sizes):
        bad("sizes", "must be a list of sizes (text, or { name_en = …, name_zh = … })",
            "应为尺码列表（文字，或 { name_en = …, name_zh = … }）")
    for key in ("faq", "faqs"):
        if key in raw and not (isinstance(raw[key], list) and all(isinstance(f, dict) for f in raw[key])):
            bad(key, f"must be a list of [[product.{key}]] tables", f"应为 [[product.{key}]] 表的列表")
    if specs is not None and item is not None and item in specs:
        by_key = {spec.key: spec for spec in specs[item]}
        tables = (("props", props), *((pick(f"shades #{i + 1}", f"第 {i + 1} 个色号的"), s.get("props", {}))
                                      for i, s in enumerate(shades)))
        for where_, table in tables:
            if not isinstance(table, dict):
                bad("props", f"{where_} must be a table", f"{where_} 应为表")
                continue
            for key, value in table.items():
                if key in by_key and (p := _prop_problem(by_key[key], value)):
                    bad(key, f"{where_} {key} {p}", f"{where_} {key} {p}")
    return problems
