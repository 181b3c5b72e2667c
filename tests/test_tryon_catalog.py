"""Catalog loading, the controller's contract (on-air Actions, shades, properties) and every SKU."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from console.core import actions
from console.core.hub import SessionHub
from console.video.tryon.catalog import Catalog
from console.video.tryon.controller import TryOnController
from console.video.tryon.processor import TryOnProcessor


@pytest.fixture(scope="module")
def catalog():
    return Catalog.load()


def test_catalog_loads_all_toml_files(catalog):
    assert catalog.problems == []
    assert len(catalog) >= 12
    items = {p.item for p in catalog}
    assert {"lipstick", "blush", "eyeshadow", "glasses", "earrings", "hat", "headband"} <= items
    assert sum(p.item == "lipstick" for p in catalog) >= 2
    for p in catalog:
        assert p.name_zh and p.name_en and p.price > 0
        if p.thumbnail is not None:
            assert p.thumbnail.exists(), p.thumbnail
    assert len(catalog.get("LIP-001").shades) >= 3


def test_one_catalog_holds_products_without_try_on_too(catalog):
    serum = catalog.get("SERUM-001")
    assert not serum.has_tryon and serum not in catalog.tryon() and serum.price == 199.0
    assert [s.name_zh for s in serum.sizes] == ["30毫升", "50毫升"]
    assert all(p.has_tryon for p in catalog.tryon()) and len(catalog.tryon()) >= 12
    c = TryOnController(None, catalog)
    with pytest.raises(KeyError, match="no try-on"):
        c.put_on("SERUM-001")


def test_bad_catalog_entries_are_reported_not_fatal(tmp_path):
    (tmp_path / "a.toml").write_text(
        '[[product]]\nsku = "X-1"\nname_en = "Ok"\nitem = "lipstick"\nprice = 1\n'
        '[[product]]\nsku = "X-2"\nitem = "spaceship"\n'
        '[[product]]\nsku = "X-3"\nitem = "lipstick"\nprops = { colour = "#fff000" }\n',
        encoding="utf-8",
    )
    (tmp_path / "b.toml").write_text("this is = = not toml", encoding="utf-8")
    cat = Catalog.load(tmp_path)
    assert [p.sku for p in cat] == ["X-1"]
    text = " ".join(cat.problems)
    assert "spaceship" in text and "colour" in text and "b.toml could not be read" in text


def test_controller_publishes_on_air_and_cycles_shades(catalog):
    hub = SessionHub()
    seen = []
    hub.subscribe(lambda batch: seen.extend(batch), kinds=["action"])
    c = TryOnController(hub, catalog)
    changes = []
    c.subscribe(lambda: changes.append(c.on_air()))
    c.put_on("LIP-001")
    c.put_on("GLASS-001")
    c.put_on("EAR-001")
    assert c.on_air() == ["LIP-001", "GLASS-001", "EAR-001"]
    c.put_on("LIP-002")  # a second lipstick replaces the first
    assert c.on_air() == ["GLASS-001", "EAR-001", "LIP-002"]
    assert [list(a.detail["skus"]) for a in seen][-1] == ["GLASS-001", "EAR-001", "LIP-002"]
    assert all(a.name == actions.TRYON_ON_AIR for a in seen) and len(seen) == 4
    n = len(seen)
    shade_colors = []
    for _ in range(len(catalog.get("LIP-002").shades)):
        c.next_shade("LIP-002")
        shade_colors.append(c.props("LIP-002")["color"])
    assert len(set(shade_colors)) == len(shade_colors)  # every shade distinct, wrapped back
    assert c.shade_index("LIP-002") == 0
    assert len(seen) == n  # a shade change is not an on-air set change
    c.set_property("LIP-002", "intensity", 0.3)
    assert c.snapshot().items[-1].props["intensity"] == 0.3
    with pytest.raises(KeyError):
        c.set_property("LIP-002", "sparkle", 1)
    with pytest.raises(KeyError):
        c.put_on("NOPE-404")
    assert c.toggle("EAR-001") is False and "EAR-001" not in c.on_air()
    c.clear()
    assert c.on_air() == [] and list(seen[-1].detail["skus"]) == []
    assert changes  # UI listeners were told


def test_controller_is_thread_safe(catalog):
    c = TryOnController(None, catalog)
    skus = [p.sku for p in catalog][:10]

    errors = []

    def work(seed):
        try:
            _work(seed)
        except Exception as exc:  # a thread's exception must fail the test, not just warn
            errors.append(exc)

    def _work(seed):
        rng = np.random.default_rng(seed)
        for _ in range(300):
            sku = skus[rng.integers(len(skus))]
            op = rng.integers(4)
            if op == 0:
                c.put_on(sku)
            elif op == 1:
                c.take_off(sku)
            elif op == 2:
                c.next_shade(sku)
            else:
                c.snapshot()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    snap = c.snapshot()
    assert [w.sku for w in snap.items] == c.on_air()
    assert len({catalog.get(s).item for s in c.on_air()}) == len(c.on_air())


def test_every_sku_renders_without_error(catalog, portrait_path, caplog):
    portrait = cv2.imread(str(portrait_path))
    c = TryOnController(None, catalog)
    proc = TryOnProcessor(c)
    ts = 0
    try:
        for product in catalog.tryon():
            c.clear()
            c.put_on(product.sku)
            for _ in range(3):
                out = proc.process(portrait.copy(), ts)
                ts += 33
            assert out.shape == portrait.shape and out.dtype == np.uint8
            if "face" in type(proc._renderers[0][1]).needs:
                assert np.abs(out.astype(int) - portrait.astype(int)).sum() > 0, product.sku
    finally:
        proc.close()
    assert proc.error == ""
    assert not [r for r in caplog.records if "failed on a frame" in r.getMessage()]
