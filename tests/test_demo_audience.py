"""The simulated audience, driven through simulated time (no sleeping, no wall-clock asserts)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import pytest

from console.core import actions as act
from console.core.clock import ManualClock
from console.core.events import (
    MAX_COMMENT_CHARS, Action, Comment, Event, Gift, Join, Leave, Order, Segment, ViewerCount,
)
from console.providers.demo.audience import Audience
from console.providers.demo.phrases import TEMPLATES
from console.providers.demo.textbank import TextBank, keyword_comment, typo_of
from console.providers.demo.catalog import demo_products

DEMO_PRODUCTS = demo_products()  # the one catalog (resources/catalog/), as the demo room sees it

HAN = re.compile(r"[\u4e00-\u9fff]")


def run(audience: Audience, seconds: float, tick: float = 0.05, clock: ManualClock | None = None
        ) -> list[Event]:
    events: list[Event] = []
    for _ in range(round(seconds / tick)):
        if clock is not None:
            clock.advance(tick)
        events += audience.step(tick)
    return events


def comments(events: list[Event]) -> list[Comment]:
    return [e for e in events if isinstance(e, Comment)]


def action(action_name: str, /, **detail) -> Action:
    return Action("console", f"a-{action_name}", 0.0, None, name=action_name, detail=detail)


def test_same_seed_same_show_different_seed_different_show():
    a = run(Audience(rate=40, seed=7, clock=ManualClock()), 20)
    b = run(Audience(rate=40, seed=7, clock=ManualClock()), 20)
    c = run(Audience(rate=40, seed=8, clock=ManualClock()), 20)
    assert [(e.kind, e.msg_id, e.payload(), e.viewer) for e in a] == \
        [(e.kind, e.msg_id, e.payload(), e.viewer) for e in b]
    assert [e.payload() for e in comments(a)] != [e.payload() for e in comments(c)]


def test_reactions_are_deterministic_too():
    def show(seed: int) -> list[tuple]:
        aud = Audience(rate=30, seed=seed, clock=ManualClock())
        run(aud, 5)
        aud.react(action(act.LOTTERY_OPEN, draw_id="d1", keyword="抽奖", window_s=20, winners=1))
        return [(e.msg_id, e.payload()) for e in run(aud, 30)]

    assert show(3) == show(3)


def test_comments_mix_chinese_and_english_and_vary():
    texts = [c.text for c in comments(run(Audience(rate=30, seed=1, clock=ManualClock()), 60))]
    zh = [t for t in texts if HAN.search(t)]
    en = [t for t in texts if re.search(r"[a-z]{3}", t) and not HAN.search(t)]
    assert len(zh) > len(texts) * 0.4
    assert len(en) > len(texts) * 0.1
    assert len(set(texts)) > 200  # a bank of hundreds, not a handful on repeat


def test_zh_ratio_is_honoured():
    english_room = comments(run(Audience(rate=60, seed=1, zh_ratio=0.0, clock=ManualClock()), 30))
    assert english_room and not any(HAN.search(c.text) or HAN.search(c.viewer.name)
                                    for c in english_room)
    chinese_room = comments(run(Audience(rate=60, seed=1, zh_ratio=1.0, clock=ManualClock()), 30))
    worded = [c.text for c in chinese_room if re.search(r"[A-Za-z]{4}", c.text)]
    assert not [t for t in worded if not HAN.search(t)]  # letters only inside Chinese text (spam urls)


def test_template_bank_has_hundreds_of_templates_and_many_renderings():
    templates = sum(len(v) for lang in TEMPLATES.values() for v in lang.values())
    assert templates >= 300
    bank = TextBank("t")
    assert bank.size(DEMO_PRODUCTS[0]) > 2.5 * templates  # product words × emoji variants
    every = set()
    for product in DEMO_PRODUCTS:
        pools = bank.pools(product)
        assert all("{" not in text for pool in pools.values() for text in pool)
        every |= {text for pool in pools.values() for text in pool}
    assert len(every) > 8 * templates


def test_every_event_kind_appears_within_a_minute():
    events = run(Audience(rate=15, seed=2, clock=ManualClock()), 60)
    kinds = Counter(e.kind for e in events)
    for kind in ("comment", "like", "gift", "follow", "join", "leave", "viewer_count", "order"):
        assert kinds[kind] > 0, kind
    counts = [e for e in events if isinstance(e, ViewerCount)]
    assert len(counts) >= 15  # every few seconds
    assert all(c.count > 0 for c in counts)


def test_message_ids_unique_and_marked_demo():
    events = run(Audience(rate=500, seed=4, clock=ManualClock()), 10)
    ids = [e.msg_id for e in events]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("demo-") for i in ids)
    assert all(e.platform == "demo" for e in events)
    assert all(e.viewer is None or e.viewer.id.startswith("demo-") for e in events)


def test_timestamps_come_from_the_clock_and_are_ordered():
    clock = ManualClock(start=1_800_000_000.0)
    events = run(Audience(rate=100, seed=5, clock=clock), 5, clock=clock)
    ts = [e.ts for e in events]
    assert ts == sorted(ts)
    assert 1_800_000_000.0 <= ts[0] and ts[-1] <= clock.now() + 1e-6


def test_segments_behave_differently():
    events = run(Audience(rate=200, seed=6, clock=ManualClock()), 120, tick=0.5)
    value = defaultdict(float)
    for e in events:
        if isinstance(e, Gift):
            value[e.viewer.segment] += e.value
    assert value[Segment.HIGH_VALUE] > value[Segment.ACTIVE] + value[Segment.NEW]

    orders = Counter(e.viewer.segment for e in events if isinstance(e, Order))
    assert orders[Segment.HIGH_VALUE] > orders[Segment.NEW]

    per_viewer = defaultdict(Counter)
    for e in events:
        if e.kind in ("comment", "like") and e.viewer:
            per_viewer[e.viewer.segment][e.viewer.id] += 1
    mean = {s: sum(c.values()) / len(c) for s, c in per_viewer.items()}
    assert mean[Segment.ACTIVE] > 2 * mean[Segment.NEW]  # active viewers are chatty

    detail_words = ("成分", "保质期", "敏感肌", "持久", "沾杯", "材质", "shelf life",
                    "sensitive skin", "hypoallergenic", "finish", "warranty", "material")
    detailed = Counter(c.viewer.segment for c in comments(events)
                       if any(w in c.text for w in detail_words))
    assert detailed[Segment.HIGH_VALUE] > 3 * (detailed[Segment.NEW] + 1)


def test_gifts_and_orders_are_well_formed():
    events = run(Audience(rate=300, seed=9, clock=ManualClock()), 60, tick=0.5)
    gifts = [e for e in events if isinstance(e, Gift)]
    assert gifts and all(g.gift_name and g.count >= 1 and g.value > 0 for g in gifts)
    orders = [e for e in events if isinstance(e, Order)]
    assert orders and all(o.sku == DEMO_PRODUCTS[0].sku and o.quantity >= 1 for o in orders)
    assert all(o.amount == pytest.approx(DEMO_PRODUCTS[0].price * o.quantity) for o in orders)


def test_comment_texts_within_limit_even_with_long_keywords():
    aud = Audience(rate=300, seed=10, clock=ManualClock())
    long_kw = "超长关键词" * 60
    aud.react(action(act.LOTTERY_OPEN, draw_id="d", keyword=long_kw, window_s=5, winners=1))
    aud.react(action(act.PRODUCT_CARD, sku="X-LONG", name="名" * 300, price=10))
    events = run(aud, 30, tick=0.25)
    assert comments(events)
    assert all(len(c.text) <= MAX_COMMENT_CHARS for c in comments(events))


def test_viewers_who_left_do_not_comment():
    aud = Audience(rate=400, seed=11, viewers=300, clock=ManualClock())
    aud.react(action(act.LOTTERY_OPEN, draw_id="d", keyword="抽奖", window_s=40, winners=3))
    aud.react(action(act.POLL_OPEN, poll_id="p", question="?", duration_s=40,
                     options=[{"label": "A", "keywords": ["1"]}, {"label": "B", "keywords": ["2"]}]))
    gone: set[str] = set()
    spoke_after_leaving = []
    leaves = 0
    for e in run(aud, 90, tick=0.1):
        if isinstance(e, Leave):
            gone.add(e.viewer.id)
            leaves += 1
        elif isinstance(e, Join):
            gone.discard(e.viewer.id)
        elif e.viewer is not None and e.viewer.id in gone:
            spoke_after_leaving.append(e)
    assert leaves > 100
    assert spoke_after_leaving == []


@pytest.mark.parametrize("rate,seconds,tick", [(2, 600, 0.05), (15, 120, 0.05), (50_000, 4, 0.05)])
def test_rate_is_roughly_honoured(rate, seconds, tick):
    aud = Audience(rate=rate, seed=12, clock=ManualClock())
    events = run(aud, seconds, tick)
    per_second = sum(1 for e in events if e.kind != "viewer_count") / seconds
    assert rate * 0.85 <= per_second <= rate * 1.15
    assert aud.generated == len(events)


def test_rate_can_change_mid_show():
    aud = Audience(rate=10, seed=13, clock=ManualClock())
    quiet = len(run(aud, 30))
    aud.set_rate(200)
    before = aud.present()
    busy = len(run(aud, 30))
    assert busy > 10 * quiet
    assert aud.present() > before * 2  # the room fills up to match


def test_poll_votes_use_option_keywords_and_cover_several_options():
    aud = Audience(rate=20, seed=14, viewers=400, clock=ManualClock())
    run(aud, 5)
    options = [{"label": "豆沙", "keywords": ["1", "豆沙"]},
               {"label": "正红", "keywords": ["2", "正红"]},
               {"label": "枫叶", "keywords": ["3", "枫叶"]}]
    aud.react(action(act.POLL_OPEN, poll_id="p1", question="下一支试哪个?", options=options,
                     duration_s=30))
    texts = [c.text for c in comments(run(aud, 45))]
    hits = Counter()
    for t in texts:
        for i, opt in enumerate(options):
            if any(k in t for k in opt["keywords"]):
                hits[i] += 1
    assert sum(hits.values()) > 100
    assert len([i for i in hits if hits[i] >= 5]) >= 2


def test_poll_votes_arrive_early_some_late_some_twice():
    clock = ManualClock()
    aud = Audience(rate=5, seed=15, viewers=2000, clock=clock)
    t0 = clock.now()
    aud.react(action(act.POLL_OPEN, poll_id="p", question="?", duration_s=20,
                     options=[{"label": "A", "keywords": ["AAA"]}, {"label": "B", "keywords": ["BBB"]}]))
    votes = [(e.ts, e.viewer.id) for e in comments(run(aud, 40, tick=0.5, clock=clock))
             if "AAA" in e.text or "BBB" in e.text]
    first_quarter = sum(1 for ts, _ in votes if ts - t0 <= 5)
    late = sum(1 for ts, _ in votes if ts - t0 > 20.5)
    assert first_quarter > len(votes) / 2
    assert late > 0
    per_viewer = Counter(v for _, v in votes)
    assert any(n >= 2 for n in per_viewer.values())


def test_lottery_keyword_from_many_distinct_viewers_some_twice_some_late():
    clock = ManualClock()
    aud = Audience(rate=20, seed=16, viewers=500, clock=clock)
    run(aud, 3, clock=clock)
    opened = clock.now()
    aud.react(action(act.LOTTERY_OPEN, draw_id="d1", keyword="抽奖", window_s=30, winners=3,
                     commitment="x"))
    entries = [c for c in comments(run(aud, 45, tick=0.25, clock=clock)) if "抽奖" in c.text]
    by_viewer = Counter(c.viewer.id for c in entries)
    assert len(by_viewer) > 200
    assert sum(1 for n in by_viewer.values() if n > 1) > 5
    assert any(c.ts > opened + 30.25 for c in entries)  # after the window


def test_coupon_drop_brings_claims_but_not_endless_ones():
    aud = Audience(rate=20, seed=17, viewers=1000, clock=ManualClock())
    aud.react(action(act.COUPON_DROP, coupon_id="c1", keyword="领券", quantity=50, title="满100减20"))
    claims = [c for c in comments(run(aud, 40, tick=0.25)) if "领券" in c.text]
    claimers = {c.viewer.id for c in claims}
    assert 50 <= len(claimers) <= 200  # more try than there are coupons, but not the whole room


def test_flash_sale_countdown_spikes_orders_and_chants():
    def orders_and_chants(flash: bool) -> tuple[int, int]:
        aud = Audience(rate=30, seed=18, viewers=800, clock=ManualClock())
        run(aud, 5)
        aud.react(action(act.COUNTDOWN_START, countdown_id="c", seconds=20, label="限时抢购",
                         flash_sale=flash, sku="BLUSH-001"))
        events = run(aud, 25)
        orders = [e for e in events if isinstance(e, Order)]
        chants = [c for c in comments(events) if c.text in ("冲!", "冲冲冲", "抢到了吗", "go go go")]
        if flash:
            assert all(o.sku == "BLUSH-001" for o in orders)
        return len(orders), len(chants)

    flash_orders, flash_chants = orders_and_chants(True)
    plain_orders, plain_chants = orders_and_chants(False)
    assert flash_orders > 3 * max(plain_orders, 1)
    assert flash_chants > 10 and plain_chants == 0


def test_product_card_brings_questions_about_that_product_and_moves_orders():
    aud = Audience(rate=30, seed=19, clock=ManualClock())
    aud.react(action(act.PRODUCT_CARD, sku="SKU-42", name="星河香水", price=199.0))
    events = run(aud, 30)
    about = [c for c in comments(events) if "星河香水" in c.text or "199" in c.text]
    assert len(about) > 20
    orders = [e for e in events if isinstance(e, Order)]
    assert orders and all(o.sku == "SKU-42" for o in orders)
    assert all(o.amount == pytest.approx(199.0 * o.quantity) for o in orders)


def test_tryon_on_air_brings_shade_questions_and_praise_that_decay():
    aud = Audience(rate=30, seed=20, clock=ManualClock())
    aud.react(action(act.TRYON_ON_AIR, skus=["LIP-001"]))
    early = comments(run(aud, 15))
    run(aud, 45)
    late = comments(run(aud, 15))
    # Phrases only the try-on reaction uses.
    markers = ("上脸好看", "换一个色看看", "试一下", "和刚才那个哪个好看", "适合我吗", "colour suits you",
               "try ", "compare with the last one", "warm or cool")

    def tryon_talk(cs: list[Comment]) -> int:
        return sum(1 for c in cs if any(m in c.text for m in markers))

    assert tryon_talk(early) > 10
    assert tryon_talk(late) < tryon_talk(early) / 4  # the reaction decays


def test_unknown_engine_and_malformed_actions_are_ignored():
    aud = Audience(rate=10, seed=21, clock=ManualClock())
    assert aud.react(action(act.POLL_VOTE, poll_id="p", viewer_id="x", option=0)) is False
    assert aud.react(action("something.new", foo=1)) is False
    assert aud.react(action(act.TRYON_ON_AIR, skus=[])) is False
    assert aud.react(action(act.POLL_OPEN, poll_id="p", options=["not a dict"])) is False
    assert aud.react(action(act.LOTTERY_OPEN, keyword="抽奖", window_s="soon")) is False
    assert aud.react(action(act.COUNTDOWN_START, seconds=float("nan"), flash_sale=True)) is False
    assert aud.react(action(act.PRODUCT_CARD, sku="S1", name="围巾", price="free")) is True
    assert aud.on_air.sku == "S1" and aud.on_air.name_zh == "围巾"
    assert aud.react(action(act.COUNTDOWN_START, seconds=1e12, flash_sale=True)) is True
    assert len(run(aud, 5)) > 0


def test_keyword_helpers():
    import random

    rng = random.Random(1)
    for kw in ("1", "抽奖", "AAA", "想要"):
        for _ in range(50):
            assert kw in keyword_comment(kw, "zh", rng)
            assert kw not in typo_of(kw, rng)


def test_step_of_zero_or_long_dt():
    aud = Audience(rate=100, seed=22, clock=ManualClock())
    assert aud.step(0) == []
    events = aud.step(10.0)  # sliced internally
    assert 800 < len(events) < 1300
    assert sum(isinstance(e, ViewerCount) for e in events) >= 3
