"""Question grouping, FAQ matching, heatmap bucket arithmetic, dashboard formulas, radar."""

from __future__ import annotations

import pytest

from console.core import actions
from console.core.events import Action, Comment, Gift, Like, Viewer, ViewerCount
from console.insight.faq import FaqIndex
from console.insight.grouping import QuestionGroups, question_key
from console.insight.heatmap import BASE_S, Heatmap, bucket_index
from console.insight.metrics import Metrics
from console.insight.radar import is_peak
from console.insight.service import Insight


class P:
    def __init__(self, sku, faqs):
        self.sku, self.faqs = sku, faqs


def c(i, text, ts, viewer="u"):
    return Comment("demo", f"m{i}", ts, Viewer(f"{viewer}{i}", "n"), text=text)


# -- grouping --------------------------------------------------------------------------------
def test_spelling_variants_merge_and_counts_add_up():
    groups = QuestionGroups()
    variants = ["160 穿什么码?", "160穿什么码", "160穿什么码？？", "160斤穿什么码呀", "160 穿什么尺码", "１６０穿什么码"]
    keys = {groups.add(t, f"m{i}", 100.0 + i, ("question", "size_fit")).key for i, t in enumerate(variants)}
    assert len(keys) == 1 and len(groups) == 1
    group = groups.top()[0]
    assert group.count == 6 and group.text == "160 穿什么码?" and group.pending == 6


def test_punctuation_only_questions_are_not_a_group():
    groups = QuestionGroups()
    assert groups.add("?", "a", 1.0, ()) is None and groups.add("？？😂", "b", 2.0, ()) is None
    assert len(groups) == 0


def test_different_numbers_never_merge():
    groups = QuestionGroups()
    groups.add("160斤穿什么码", "a", 1.0, ())
    groups.add("120斤穿什么码", "b", 2.0, ())
    groups.add("what size for 160cm", "c", 3.0, ())
    groups.add("what size for 150cm", "d", 4.0, ())
    assert len(groups) == 4


def test_english_variants_merge():
    assert question_key("What colour is it??") == question_key("what color is it")
    groups = QuestionGroups()
    for i, t in enumerate(["how much is the gloss?", "How much is the gloss", "how much is the glos?"]):
        groups.add(t, f"m{i}", float(i), ())
    assert len(groups) == 1


def test_answering_a_group_covers_every_member_and_new_askers_reopen_it():
    groups = QuestionGroups()
    for i in range(5):
        groups.add("包邮吗", f"m{i}", float(i), ())
    key = question_key("包邮吗")
    assert sorted(groups.answer(key, 10.0)) == [f"m{i}" for i in range(5)]
    assert groups.pending_total() == 0 and groups.top() == []
    groups.add("包邮吗？", "m9", 11.0, ())
    assert groups.pending_total() == 1


def test_insight_answer_records_reply_latency():
    insight = Insight(threaded=False)
    insight.process([c(i, "包邮吗", 100.0 + i) for i in range(3)])
    key = insight.top_questions()[0].key
    assert len(insight.answer_group(key, 120.0)) == 3
    assert insight.figures(120.0).median_reply_s == pytest.approx(19.0)
    assert insight.figures(120.0).pending_questions == 0


# -- FAQ --------------------------------------------------------------------------------------
def test_faq_matches_keywords_and_wording_preferring_what_is_on_air():
    lip = P("LIP-1", [{"q_zh": "黄皮能用吗", "q_en": "Does it suit warm skin?", "a_zh": "黄皮选豆沙", "a_en": "Rose nude",
                       "keywords": ["黄皮", "warm skin"]}])
    ring = P("RING-1", [{"q_zh": "戒圈多大", "q_en": "What ring sizes?", "a_zh": "6/8/10号", "a_en": "6, 8, 10"},
                        {"q_zh": "黄皮能戴吗", "a_zh": "都可以", "keywords": ["黄皮"]}])
    index = FaqIndex([lip, ring, P("X", [{"q_en": "no answer"}])])
    assert len(index) == 3
    assert index.match("黄皮能用吗？", on_air=["RING-1"]).sku == "RING-1"
    assert index.match("黄皮能用吗？", on_air=["LIP-1"]).a_zh == "黄皮选豆沙"
    assert index.match("what ring sizes").a_en == "6, 8, 10"
    assert index.match("主播好") is None


def test_shipped_catalog_has_faqs_that_match():
    from console.commerce.catalog import Catalog

    index = FaqIndex(Catalog.load())
    assert len(index) >= 5
    assert index.match("160斤穿什么码", on_air=["TOP-001"]) is not None


# -- heatmap ----------------------------------------------------------------------------------
def test_bucket_boundaries_are_half_open_and_zoom_sums_base_buckets():
    assert bucket_index(29.999, 30) == 0 and bucket_index(30.0, 30) == 1 and bucket_index(-0.1, 30) == -1
    heat = Heatmap()
    for ts in (0.0, 4.999, 5.0, 29.999, 30.0, 59.0, 60.0):
        heat.add("comment", ts, ("question",))
    row = ("intent", "question")
    assert [heat.cell(row, i, 5).comments for i in range(7)] == [2, 1, 0, 0, 0, 1, 1]
    assert [heat.cell(row, i, 30).comments for i in range(3)] == [4, 2, 1]
    assert heat.cell(row, 0, 60).comments == 6
    grid = heat.grid(30, columns=3, end_ts=60.0)
    assert grid.start_index == 0 and [c.comments for c in grid.cells[0]] == [4, 2, 1]
    assert grid.values[0] == [1.0, 0.5, 0.25]
    with pytest.raises(ValueError):
        heat.cell(row, 0, 7)


def test_rows_products_on_air_and_intents_and_normalisation():
    heat = Heatmap()
    heat.set_on_air(100.0, ["LIP"])
    heat.set_on_air(115.0, ["RING"])
    heat.add("comment", 90.0, ("price",))     # nothing on air yet
    heat.add("like", 101.0, count=10)
    heat.add("comment", 110.0, ("price",))
    heat.add("comment", 116.0, ())
    heat.add("gift", 117.0, count=2)
    assert heat.rows() == [("product", "LIP"), ("product", "RING"), ("intent", "price")]
    lip, ring = heat.cell(("product", "LIP"), 3, 30), heat.cell(("product", "RING"), 3, 30)
    assert (lip.likes, lip.comments, ring.comments, ring.gifts) == (10, 1, 1, 2)
    grid = heat.grid(30, columns=2, end_ts=119.0, normalise="all")
    assert max(max(r) for r in grid.values) == 1.0
    assert grid.values[0][1] == 1.0 and grid.values[1][1] == pytest.approx(3 / 11)
    f = heat.cell_filter(("product", "LIP"), 3, 30)
    assert f.on_air == ((100.0, 115.0),)
    assert f.matches(110.0, ()) and not f.matches(116.0, ()) and not f.matches(95.0, ())
    q = heat.cell_filter(("intent", "price"), 3, 30)
    assert q.matches(110.0, ("price",)) and not q.matches(110.0, ("size_fit",)) and not q.matches(120.0, ("price",))


def test_insight_follows_on_air_actions():
    insight = Insight(threaded=False)
    insight.process([
        Action("demo", "a1", 100.0, name=actions.PRODUCT_CARD, detail={"sku": "LIP-001"}),
        c(1, "多少钱", 101.0),
        Action("demo", "a2", 102.0, name=actions.TRYON_ON_AIR, detail={"skus": ["GLASS-001"]}),
        c(2, "好看", 103.0),
    ])
    assert insight.heatmap.cell(("product", "LIP-001"), int(100 // 30), 30).comments == 2
    assert insight.heatmap.cell(("product", "GLASS-001"), int(100 // 30), 30).comments == 1


# -- dashboard --------------------------------------------------------------------------------
def test_dashboard_formulas_and_alerts():
    m = Metrics(window_s=60, low_rate=0.10)
    m.add("viewer_count", 0.0, None, viewers=200)
    for i in range(10):
        m.add("comment", 1.0 + i, f"v{i % 5}")
    m.add("like", 5.0, "v9", count=30)
    m.add("gift", 6.0, "v8", count=1, value=9.9)
    for i in range(20):
        m.add("join", 7.0, f"w{i}")
    f = m.figures(30.0)
    assert f.interaction_rate == pytest.approx(12 / 200)
    assert f.participation_rate == pytest.approx(7 / 27)
    assert f.comments_per_min == 10 and f.likes_per_min == 30 and f.gift_value == 9.9
    assert f.alerts == []  # the window is not full yet
    m.add("viewer_count", 70.0, None, viewers=130)
    kinds = {a.kind for a in m.figures(70.0).alerts}
    assert kinds == {"low_interaction", "viewers_falling"}


def test_peak_detection():
    assert not is_peak([5, 6, 5])
    assert is_peak([10, 12, 9, 11, 10, 30])
    assert not is_peak([10, 12, 9, 11, 40, 30])


def test_radar_suggests_size_chart_and_faq():
    insight = Insight([P("TOP", [{"q_zh": "包邮吗", "a_zh": "全国包邮", "a_en": "Free shipping", "keywords": ["包邮"]}])],
                      threaded=False)
    insight.process([c(i, "160穿什么码", 100.0 + i) for i in range(6)] + [c(10 + i, "包邮吗", 100.0 + i) for i in range(4)])
    kinds = {s.kind: s for s in insight.radar(110.0)}
    assert kinds["size_chart"].topic == "160穿什么码" and kinds["size_chart"].recent == 6
    assert kinds["faq"].faq.a_en == "Free shipping"
