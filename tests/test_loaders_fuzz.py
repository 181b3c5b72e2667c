"""Hypothesis: random TOML-shaped data into each loader (settings, catalog, presets, run-of-show).
Every outcome is a clean load or problems in words — never an exception."""

from __future__ import annotations

import json
import math
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

KEYS = ["camera", "demo", "ui", "platform", "source", "width", "height", "rate", "lang", "overlay_lang", "aspect",
        "use", "product", "sku", "name_en", "name_zh", "price", "currency", "item", "props", "shades", "color",
        "intensity", "finish", "sizes", "faq", "thumbnail", "preset", "id", "label_en", "label_zh", "kind", "hotkey",
        "params", "keyword", "window_s", "winners", "question", "options", "duration_s", "cue", "segment", "at_s",
        "action", "seconds", "label", "title", "quantity", "rules", "note", "tryon", "count"]
ACTIONS = ["start_lottery", "open_poll", "draw", "close_poll", "start_countdown", "drop_coupon", "show_product_card",
           "stop", "run_preset", "explode"]

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
scalar = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), text, st.sampled_from(ACTIONS + ["lipstick", "lottery", "poll", "#a3162b", "#zz16", "F1", "demo"]),
)
key = st.one_of(st.sampled_from(KEYS), text.filter(bool))
value = st.recursive(scalar, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(key, inner, max_size=5)), max_leaves=12)
table = st.dictionaries(key, value, max_size=8)
document = st.dictionaries(key, st.one_of(value, table, st.lists(table, min_size=1, max_size=4)), max_size=6)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(x)}" for k, x in v.items()) + " }"


def dumps(doc: dict) -> str:
    """Top-level tables and arrays of tables as headers (what hosts write), the rest inline."""
    lines, later = [], []
    for k, v in doc.items():
        name = json.dumps(k, ensure_ascii=False)
        if isinstance(v, dict):
            later.append(f"[{name}]\n" + "".join(f"{json.dumps(a, ensure_ascii=False)} = {_toml_value(b)}\n"
                                                 for a, b in v.items()))
        elif isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
            for item in v:
                later.append(f"[[{name}]]\n" + "".join(f"{json.dumps(a, ensure_ascii=False)} = {_toml_value(b)}\n"
                                                     for a, b in item.items()))
        else:
            lines.append(f"{name} = {_toml_value(v)}\n")
    return "".join(lines) + "".join(later)


def _write(tmp: Path, name: str, doc: dict) -> Path:
    path = tmp / name
    path.write_text(dumps(doc), encoding="utf-8")
    return path


@FUZZ
@given(doc=document)
def test_settings_loader(tmp_path_factory, doc):
    from console.config import load_settings

    s = load_settings(_write(tmp_path_factory.mktemp("s"), "config.toml", doc))
    assert all(isinstance(p, str) for p in s.problems)
    assert isinstance(s.width, int) and 160 <= s.width <= 7680 and math.isfinite(s.demo_rate)
    assert s.lang in ("en", "zh_CN") and s.aspect in ("16:9", "9:16")


@FUZZ
@given(doc=document, products=st.lists(table, max_size=3))
def test_catalog_loader(tmp_path_factory, doc, products):
    from console.video.tryon.catalog import Catalog

    folder = tmp_path_factory.mktemp("c")
    _write(folder, "a.toml", doc)
    _write(folder, "b.toml", {"product": [{"sku": f"F-{i}", **p} for i, p in enumerate(products)]} if products else {})
    catalog = Catalog.load(folder)
    for product in catalog:
        assert product.sku and math.isfinite(product.price) and product.price >= 0
    assert all(isinstance(p, str) for p in catalog.problems)


@FUZZ
@given(doc=document, presets=st.lists(table, max_size=3))
def test_presets_loader(tmp_path_factory, doc, presets):
    from console.interact.presets import load_presets

    folder = tmp_path_factory.mktemp("p")
    for name, data in (("a.toml", doc), ("b.toml", {"preset": presets} if presets else {})):
        problems: list[str] = []
        loaded = load_presets(_write(folder, name, data), folder / "none.json", problems=problems)
        assert all(isinstance(p, str) for p in problems)
        for p in loaded:
            assert p.id and len(p.label_en) <= 40 and isinstance(p.params, dict)


@FUZZ
@given(doc=document, cues=st.lists(table, max_size=3))
def test_show_loader(tmp_path_factory, doc, cues):
    from console.interact.show import load_show

    folder = tmp_path_factory.mktemp("r")
    for name, data in (("a.toml", doc), ("b.toml", {"cue": [{"at_s": 1, **c} for c in cues]} if cues else {})):
        problems: list[str] = []
        show = load_show(_write(folder, name, data), problems=problems)
        assert all(isinstance(p, str) for p in problems)
        for cue in show.cues:
            assert math.isfinite(cue.at_s) and 0 <= cue.at_s <= 86400


@FUZZ
@given(junk=st.text(max_size=200))
def test_any_text_is_a_clean_load_or_a_note(tmp_path_factory, junk):
    from console.config import load_settings
    from console.interact.presets import load_presets
    from console.interact.show import ShowFileError, load_show

    folder = tmp_path_factory.mktemp("t")
    path = folder / "x.toml"
    path.write_text(junk, encoding="utf-8", errors="replace")
    load_settings(path)
    load_presets(path, folder / "none.json", problems=[])
    try:
        load_show(path, problems=[])
    except ShowFileError as exc:  # not TOML at all: refused in words, naming the file
        assert "x.toml" in str(exc)
