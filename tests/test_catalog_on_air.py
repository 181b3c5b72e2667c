"""One catalog, one fact on air: a product card or show segment puts the product's try-on on the
host, and the try-on controller, the engines' snapshot and the demo audience agree on it."""

from __future__ import annotations

from console.core import actions as A
from console.core.clock import ManualClock
from console.core.hub import SessionHub
from console.interact.controller import Interactions
from console.interact.show import ShowRunner, parse_show
from console.providers.demo.audience import Audience
from console.video.tryon.catalog import Catalog
from console.video.tryon.controller import TryOnController

CATALOG = Catalog.load()


def _world():
    hub, clock = SessionHub(), ManualClock()
    log = []
    hub.subscribe(lambda b: log.extend(e for e in b if e.kind == "action"), name="log")
    audience = Audience(rate=0, seed=1, clock=clock)
    hub.subscribe(lambda b: [audience.react(e) for e in b if e.kind == "action"], name="audience")
    ix = Interactions(hub, clock, presets=[], catalog=CATALOG, language=lambda: "en")
    return hub, clock, ix, TryOnController(hub, CATALOG), audience, log


def test_a_product_card_takes_name_and_price_from_the_catalog_and_puts_the_try_on_on():
    hub, clock, ix, tryon, audience, log = _world()
    assert ix.show_product_card("LIP-001").ok
    card = ix.snapshot().product_card
    assert (card.name, card.price, card.currency) == ("Velvet Matte Lipstick", 169.0, "CNY")
    assert tryon.on_air() == ["LIP-001"]
    assert audience.on_air.sku == "LIP-001"
    names = [a.name for a in log]
    assert names.index(A.PRODUCT_CARD) < names.index(A.TRYON_ON_AIR)


def test_a_card_can_leave_the_try_on_off_and_a_product_without_one_is_fine():
    hub, clock, ix, tryon, audience, log = _world()
    assert ix.show_product_card("GLASS-001", tryon=False).ok and tryon.on_air() == []
    assert ix.show_product_card("SERUM-001").ok and tryon.on_air() == []
    assert ix.snapshot().product_card.name == "Hydrating Hyaluronic Serum"
    assert audience.on_air.sku == "SERUM-001"


def test_an_unknown_sku_needs_a_name_and_price():
    hub, clock, ix, tryon, audience, log = _world()
    res = ix.show_product_card("NOPE-9")
    assert not res.ok and "catalog" in res.message
    assert ix.show_product_card("NOPE-9", name="Pop-up item", price=9.9).ok


def test_show_segments_put_their_product_on_the_host_in_turn():
    hub, clock, ix, tryon, audience, log = _world()
    show = parse_show({"segment": [{"sku": "LIP-001", "duration_s": 10},
                                   {"sku": "GLASS-001", "duration_s": 10},
                                   {"sku": "EAR-001", "duration_s": 10, "tryon": False}]}, catalog=CATALOG)
    runner = ShowRunner(show, ix, clock)
    runner.tick()
    assert tryon.on_air() == ["LIP-001"] and audience.on_air.sku == "LIP-001"
    clock.advance(10)
    runner.tick()
    assert set(tryon.on_air()) == {"LIP-001", "GLASS-001"}  # different items: both worn
    clock.advance(10)
    runner.tick()
    assert "EAR-001" not in tryon.on_air() and audience.on_air.sku == "EAR-001"
    segs = [a.detail for a in log if a.name == A.SHOW_SEGMENT]
    assert [(s["sku"], s["tryon"]) for s in segs] == [("LIP-001", True), ("GLASS-001", True), ("EAR-001", False)]


def test_the_demo_show_names_only_catalog_products():
    from console.interact.show import load_show
    from console.resources import resource

    show = load_show(resource("shows", "demo_show.toml"), CATALOG)
    assert show.segments and all(s.sku in CATALOG for s in show.segments)
    cards = [c.params["sku"] for c in show.cues if c.action in ("show_product_card", "start_countdown") and "sku" in c.params]
    assert cards and all(sku in CATALOG for sku in cards)


def test_a_coupon_for_a_product_names_it_and_refuses_an_unknown_one():
    hub, clock, ix, tryon, audience, log = _world()
    assert not ix.drop_coupon("10 off", "领券", quantity=5, amount_off=10, sku="NOPE").ok
    assert ix.drop_coupon("10 off", "领券", quantity=5, amount_off=10, sku="LIP-001").ok
    drop = next(a.detail for a in log if a.name == A.COUPON_DROP)
    assert drop["sku"] == "LIP-001"
