"""Countdowns, fatigue guard, air-text lint, product card, pinned comments and presets."""

from __future__ import annotations

import pytest

from console.core import actions as A
from console.interact.fatigue import FatigueGuard
from console.interact.lint import AirTextLint
from console.interact.presets import load_presets


@pytest.fixture
def room_presets():
    return load_presets()


def named(log, name):
    return [a.detail for a in log if a.name == name]


@pytest.mark.parametrize("asked, used, clamped", [(5, 10, True), (10, 10, False), (60, 60, False),
                                                  (300, 300, False), (900, 300, True)])
def test_countdown_clamps_and_says_so(room, asked, used, clamped):
    hub, clock, ix, log = room
    res = ix.start_countdown(asked, "Flash sale", flash_sale=True, sku="LIP-1", price=99)
    assert res.ok and (res.warning is not None) == clamped
    if clamped:
        assert f"{used}" in res.warning
    view = ix.snapshot().countdown
    assert view.total_s == used and view.flash_sale and view.sku == "LIP-1" and view.price == 99
    assert named(log, A.COUNTDOWN_START)[0]["seconds"] == used


def test_countdown_runs_out_once(room):
    hub, clock, ix, log = room
    ix.start_countdown(20, "Go")
    clock.advance(15)
    assert ix.snapshot().countdown.remaining_s == pytest.approx(5)
    clock.advance(5)
    assert len(ix.tick()) == 1 and ix.tick() == []
    assert named(log, A.COUNTDOWN_END)[0]["reason"] == "done"
    assert ix.start_countdown(20, "Again").ok  # ended countdowns may be replaced


def test_fatigue_warns_on_fourth_call_to_action_in_ten_minutes(room):
    hub, clock, ix, log = room
    assert ix.open_poll("Q?", ["a", "b"]).warning is None
    clock.advance(60)
    assert ix.start_lottery("抽奖").warning is None
    clock.advance(60)
    assert ix.start_countdown(30, "plain countdown").warning is None  # not a call to action
    assert ix.drop_coupon("C", "领券", quantity=1, amount_off=1).warning is None
    assert ix.fatigue_preview() is not None
    clock.advance(60)
    res = ix.stop("countdown") and ix.start_countdown(30, "Flash", flash_sale=True)
    assert res.ok and "#4" in res.warning  # a warning, not a block
    assert named(log, A.FATIGUE_WARNING)[0]["count"] == 4
    clock.advance(600)  # the window rolls on
    assert ix.fatigue_preview() is None


def test_fatigue_guard_window_is_configurable():
    guard = FatigueGuard(max_calls=1, window_s=60)
    assert guard.record(0, "poll") is None
    assert guard.record(30, "poll") is not None
    assert guard.record(100, "poll") is None
    with pytest.raises(ValueError):
        FatigueGuard(max_calls=0)


@pytest.mark.parametrize("text", ["全网最有效的口红", "第一品牌", "１００％ natural", "Guaranteed results",
                                  "This will CURE acne", "不送礼物就下播", "国家级认证"])
def test_lint_hits_block(room, text):
    hub, clock, ix, log = room
    res = ix.open_poll(text, ["yes", "no"])
    assert not res.ok and res.lint_hits and "send anyway" in res.message
    assert ix.snapshot().poll is None and log == []


def test_lint_override_is_logged(room):
    hub, clock, ix, log = room
    res = ix.show_product_card("LIP-1", "No.1 bestseller 第一", 99)
    assert not res.ok and "第一" in res.lint_hits
    res = ix.show_product_card("LIP-1", "No.1 bestseller 第一", 99, override_lint=True)
    assert res.ok and ix.snapshot().product_card.name == "No.1 bestseller 第一"
    [override] = named(log, A.LINT_OVERRIDE)
    assert "第一" in override["hits"] and override["kind"] == "product_card"


def test_lint_whole_words_and_clean_text():
    lint = AirTextLint.load()
    assert lint.check("Secure checkout, best seller", "色号投票", None) == []
    assert [h.term for h in lint.check("a cure")] == ["cure"]


def test_pin_comment_and_product_card_stop(room):
    hub, clock, ix, log = room
    assert ix.pin_comment("Mia", "  love   this shade ").ok
    assert ix.snapshot().pinned.text == "love this shade"
    assert not ix.pin_comment("Troll", "不送礼物就下播").ok
    ix.show_product_card("LIP-1", "Velvet Ruby", 129, coupon_text="¥20 off")
    assert ix.stop("pinned").ok and ix.stop("product_card").ok
    state = ix.snapshot()
    assert state.pinned is None and state.product_card is None
    assert [d["kind"] for d in named(log, A.OVERLAY_CLEAR)] == ["pinned", "product_card"]
    assert not ix.stop("everything").ok


def test_every_shipped_preset_runs(room):
    hub, clock, ix, log = room
    presets = load_presets()
    assert len(presets) >= 6 and len({p.hotkey for p in presets}) == len(presets)
    for preset in presets:
        for kind in ("poll", "lottery", "coupon", "countdown"):
            ix.stop(kind)
        res = ix.run_preset(preset.id)
        if preset.kind == "prediction":  # Twitch only: this session has no Twitch, so it says so
            assert not res.ok and res.msg.key == "prediction.twitch_only", (preset.id, res.message)
            continue
        assert res.ok, (preset.id, res.message)
    assert not ix.run_preset("nope").ok


def test_listeners_hear_changes(room):
    hub, clock, ix, log = room
    calls = []
    ix.add_listener(lambda: calls.append(1))
    ix.add_listener(lambda: 1 / 0)  # a broken panel does not stop the others
    ix.open_poll("Q?", ["a", "b"])
    assert calls == [1]
    ix.open_poll("Q?", ["a", "b"])  # refused: nothing changed
    assert calls == [1]
