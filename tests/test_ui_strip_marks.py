"""The heatmap strip's marks: words a host reads (both languages), and labels that never overlap."""

from __future__ import annotations

import pytest

from console.core import actions as A
from console.i18n import set_language
from console.interact.registry import load_kinds
from console.ui.strip_marks import mark_text, moments, place_labels

NAMES = {"LIP-001": "Velvet Matte Lipstick", "GLASS-001": "Round glasses"}


@pytest.fixture(params=["en", "zh_CN"])
def lang(request):
    set_language(request.param)
    yield request.param
    set_language("en")


def test_every_mark_is_worded_in_the_hosts_language(lang):
    load_kinds()
    zh = lang == "zh_CN"
    assert mark_text(A.POLL_OPEN, "") == ("投票开始" if zh else "Poll opened")
    assert mark_text(A.LOTTERY_OPEN, "") == ("抽奖开始" if zh else "Lottery opened")
    assert mark_text(A.LOTTERY_DRAW, "") == ("开奖" if zh else "Winners drawn")
    assert mark_text(A.COUPON_DROP, "") == ("发放优惠券" if zh else "Coupon dropped")
    assert mark_text(A.TRYON_ON_AIR, "") == ("卸下试穿" if zh else "Try-on off")
    assert mark_text(A.TRYON_ON_AIR, "LIP-001,GLASS-001", NAMES.get) == "Velvet Matte Lipstick + Round glasses"
    assert mark_text(A.SHOW_SEGMENT, "GLASS-001", NAMES.get) == "Round glasses"
    # A cue on its own says what it did, in the registry's words for that action.
    assert mark_text(A.CUE_FIRE, "pin_comment") == ("置顶评论" if zh else "Pin comment")
    assert mark_text(A.CUE_FIRE, "no_such_action") == ("流程提示" if zh else "Cue")


def test_a_moment_has_one_label_and_a_cue_gives_way_to_what_it_did():
    load_kinds()
    marks = [(10.0, A.CUE_FIRE, "show_product_card"), (10.0, A.PRODUCT_CARD, "LIP-001"),
             (10.4, A.TRYON_ON_AIR, "LIP-001"), (10.8, A.SHOW_SEGMENT, "LIP-001"),
             (30.0, A.CUE_FIRE, "pin_comment"),
             (40.0, A.CUE_FIRE, "open_poll"), (40.2, A.POLL_OPEN, "")]
    assert moments(marks, NAMES.get) == [(10.0, "Velvet Matte Lipstick"), (30.0, "Pin comment"), (40.0, "Poll opened")]


def test_labels_take_free_lanes_and_are_left_off_when_none_is_free():
    # Four labels 100 px wide, 10 px apart, three lanes: the fourth has no room.
    assert place_labels([0, 10, 20, 30], [100] * 4, right=1000) == [0, 1, 2, None]
    # Far enough apart, one lane serves all.
    assert place_labels([0, 120, 240], [100] * 3, right=1000) == [0, 0, 0]
    # A label that would run past the plot's right edge is left off.
    assert place_labels([950], [100], right=1000) == [None]
