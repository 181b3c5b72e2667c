"""What the insight panels print reads with its unit: currency on the gift value, per-minute on
rates and trends, compact axis numbers at 10,000 events a second; in both languages."""

from __future__ import annotations

import pytest

from console.core.events import Gift, Viewer, ViewerCount
from console.i18n import set_language
from console.insight.radar import Suggestion
from console.insight.service import Insight
from console.ui.dashboard_dock import DashboardPanel, gift_currency
from console.ui.heatmap_dock import compact
from console.ui.radar_dock import trend_text


@pytest.fixture(params=["en", "zh_CN"])
def lang(request):
    set_language(request.param)
    yield request.param
    set_language("en")


def test_axis_ticks_closer_than_one_apart_keep_their_decimals():
    assert [compact(v, 0.2) for v in (0, 0.2, 0.4, 0.6, 0.8, 1.0)] == ["0", "0.2", "0.4", "0.6", "0.8", "1"]
    assert [compact(v, 0.05) for v in (0.05, 0.1, 0.15)] == ["0.05", "0.1", "0.15"]
    assert compact(300, 0.5) == "300" and compact(1500, 0.5) == "1.5k"


def test_axis_numbers_are_compact():
    assert [compact(v) for v in (0, 950, 1000, 1500, 9_999, 53_138, 925_734, 1_250_000, 2_000_000)] == \
        ["0", "950", "1k", "1.5k", "10k", "53k", "926k", "1.2M", "2M"]


def test_gift_currency_follows_the_platforms():
    assert gift_currency(["douyin"]) == "¥" and gift_currency(["bilibili", "douyin"]) == "¥"
    assert gift_currency(["twitch", "youtube"]) == "$"
    assert gift_currency(["twitch", "douyin"]) == ""  # mixed: no single symbol would be true
    assert gift_currency(["somewhere_new"]) == ""


def test_dashboard_shows_units_in_both_languages(qtbot, lang):
    insight = Insight(threaded=False)
    insight.on_events([ViewerCount("demo", "v", 100.0, None, 50),
                       Gift("demo", "g", 101.0, Viewer("u1", "a"), gift_name="rose", count=2, value=12.5)])
    platforms = ["douyin"]
    dash = DashboardPanel(insight, platforms=lambda: platforms)
    qtbot.addWidget(dash)
    dash.refresh()
    zh = lang == "zh_CN"
    assert dash.values["gift_value"].text() == "¥12.50"
    assert dash.titles["interaction_rate"].text() == ("每分钟互动率" if zh else "Interaction rate / min")
    assert dash.values["reply"].text() == ("尚无回复" if zh else "no answers yet")
    platforms[:] = ["douyin", "twitch"]
    dash.refresh()
    assert dash.values["gift_value"].text() == "12.50"
    assert dash.titles["gift_value"].text() == ("礼物价值（平台货币）" if zh else "Gift value (platform currency)")


def test_radar_trends_say_per_what(lang):
    zh = lang == "zh_CN"
    rising = Suggestion("question", "160 穿什么码?", recent=768, before=3, action="")
    peak = Suggestion("peak", "attention peak", recent=12_345, before=0, action="")
    assert trend_text(rising) == ("最近一分钟 768 次，之前一分钟 3 次" if zh else "768 in the last minute, 3 the minute before")
    assert trend_text(peak) == ("每分钟 12,345 次互动" if zh else "12,345 interactions / min")
