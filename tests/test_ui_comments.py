"""The comment panel: one insert per batch, hostile comments drawn as plain text, filters,
pause + "N new", full-text search, and the per-comment actions (all logged)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from console.core import actions as A
from console.core.clock import ManualClock
from console.core.events import Comment, Gift, Segment, Viewer
from console.core.hub import SessionHub
from console.insight.service import Classified, Insight
from console.store.writer import SessionStore
from console.ui.comment_actions import CommentActions
from console.ui.comments_dock import CommentsPanel, SessionReader
from console.ui.comments_model import CommentsModel, RowRole

HOSTILE = {
    "html": "<b>bold</b><img src=x onerror=alert(1)><a href='x'>link</a>",
    "tables": "<table><tr><td>" * 3000 + "deep" + "</td></tr></table>" * 3000,
    "rtl": "price \u202eegnahc\u202c ok \u2067iso",
    "huge": "长" * 100_000,
    "nul": "a\x00b\x00c",
    "zalgo": "z" + "\u0301\u0336\u0347\u0300" * 60 + "algo",
    "surrogate": "bad \ud800 half \udfff pair",
}


def classified(insight: Insight, events):
    return insight.process(events)


@pytest.fixture
def insight():
    return Insight(threaded=False)


def comment(i, text, ts=1000.0, segment=None, viewer=None):
    return Comment("demo", f"m{i}", ts + i * 0.01, Viewer(viewer or f"u{i}", f"viewer{i}", segment), text=text)


def test_one_insert_signal_per_batch_and_bounded(qtbot, insight):
    model = CommentsModel(capacity=500, flush_hz=1)
    inserted, removed = [], []
    model.rowsInserted.connect(lambda *a: inserted.append(a))
    model.rowsAboutToBeRemoved.connect(lambda *a: removed.append(a))
    for batch in range(3):
        model.on_classified(classified(insight, [comment(batch * 400 + i, f"c{i}") for i in range(400)]))
        model.flush()
    assert len(inserted) == 3 and len(removed) == 2  # one insert (and at most one removal) per flush
    assert model.rowCount() == 500 and model.received == 1200
    assert model.row(499).msg_id == "m1199"
    model.flush()  # nothing pending: no signal at all
    assert len(inserted) == 3


def test_hostile_comments_render_as_plain_text(qtbot, insight):
    model = CommentsModel(capacity=100, flush_hz=1)
    panel = CommentsPanel(model)
    qtbot.addWidget(panel)
    panel.resize(420, 500)
    panel.show()
    events = [comment(i, text) for i, text in enumerate(HOSTILE.values())]
    model.on_classified(classified(insight, events))
    model.flush()
    assert model.rowCount() == len(HOSTILE)
    rows = {key: model.row(i) for i, key in enumerate(HOSTILE)}
    display = {key: model.index(i).data() for i, key in enumerate(HOSTILE)}
    assert display["html"] == "viewer0: " + HOSTILE["html"]  # markup kept as characters
    assert len(rows["huge"].line) <= 200 and rows["huge"].line.endswith("…")
    assert len(rows["tables"].line) <= 200
    assert "\u202e" not in rows["rtl"].line and "\u2067" not in rows["rtl"].line and "egnahc" in rows["rtl"].line
    assert "\x00" not in rows["nul"].line
    assert rows["zalgo"].line.count("\u0301") <= 1 and len(rows["zalgo"].line) < 12
    assert "\ufffd" in rows["surrogate"].text and not any("\ud800" <= ch <= "\udfff" for ch in rows["surrogate"].line)
    tip = model.index(0).data(Qt.ToolTipRole)
    assert "&lt;b&gt;bold&lt;/b&gt;" in tip and "<b>bold" not in tip  # escaped: Qt cannot guess rich text
    assert len(model.index(3).data(Qt.ToolTipRole)) < 3000  # the hover text is bounded too
    image = panel.view.grab()  # paints every row through the delegate; must not hang or raise
    assert not image.isNull()
    assert panel.delegate.layouts_built == len(HOSTILE)
    panel.view.grab()
    assert panel.delegate.layouts_built == len(HOSTILE)  # cached: laid out once
    width = panel.view.viewport().width()
    panel.resize(panel.width() + 200, 500)
    qtbot.waitUntil(lambda: panel.view.viewport().width() != width, timeout=20_000)
    panel.view.grab()
    assert panel.delegate.layouts_built == 2 * len(HOSTILE)  # width changed: laid out again


def test_hostile_comments_survive_the_session_log(tmp_path, insight):
    store = SessionStore(tmp_path / "s.db")
    sid = store.start_session("demo")
    events = [comment(i, text) for i, text in enumerate(HOSTILE.values())]
    store.enqueue_batch(events)
    store.close()
    assert store.stats().written == len(HOSTILE) and store.stats().last_error is None
    from console.store.search import search_comments

    found = search_comments(tmp_path / "s.db", sid, "half")
    assert [r["text"] for r in found] == ["bad \ufffd half \ufffd pair"]


def test_chips_keyword_highlight_and_blocked_words(qtbot, insight):
    model = CommentsModel(capacity=100, flush_hz=1)
    texts = ["多少钱", "扣1", "卡了", "好看", "包邮吗", "加V shop.example 福利"]
    events = [comment(i, t) for i, t in enumerate(texts)]
    events.append(comment(10, "主播好", segment=Segment.HIGH_VALUE))
    events.append(comment(11, "第一次来", segment=Segment.NEW))
    events.append(Gift("demo", "g1", 1000.5, Viewer("g", "giver"), gift_name="rose", count=2, value=2.0))
    model.on_classified(classified(insight, events))
    model.flush()

    def shown():
        return [model.row(i).line for i in range(model.rowCount())]

    assert len(shown()) == 9
    model.set_filter(chip="questions")
    assert shown() == ["多少钱", "包邮吗"]
    model.set_filter(chip="buy")
    assert shown() == ["扣1"]
    model.set_filter(chip="complaints")
    assert shown() == ["卡了"]
    model.set_filter(chip="high_value")
    assert shown() == ["主播好"]
    model.set_filter(chip="new")
    assert shown() == ["第一次来"]
    model.set_filter(chip="all", keyword="包邮")
    assert shown() == ["包邮吗"]
    model.set_filter(keyword="")
    model.set_highlight_words(["好看", "link"])
    assert [model.row(i).highlighted for i in range(4)] == [False, False, False, True]
    model.set_blocked_words(["shop.example"])
    assert "加V shop.example 福利" not in shown()
    model.on_classified(classified(insight, [comment(20, "去 SHOP.example 看看")]))
    model.flush()
    assert model.blocked_count == 1 and all("example" not in s.lower() for s in shown())


def test_scrolling_up_pauses_and_new_button_jumps_back(qtbot, insight):
    model = CommentsModel(capacity=1000, flush_hz=1)
    panel = CommentsPanel(model)
    qtbot.addWidget(panel)
    panel.resize(400, 300)
    panel.show()
    model.on_classified(classified(insight, [comment(i, f"hello {i}") for i in range(200)]))
    model.flush()
    bar = panel.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum(), timeout=20_000)
    bar.setValue(0)  # the host scrolls up
    assert model.paused
    inserts = []
    model.rowsInserted.connect(lambda *a: inserts.append(a))
    model.on_classified(classified(insight, [comment(300 + i, f"later {i}") for i in range(7)]))
    model.flush()
    assert inserts == [] and model.rowCount() == 200  # the list holds still
    assert panel.new_button.isVisibleTo(panel) and "7" in panel.new_button.text()
    qtbot.mouseClick(panel.new_button, Qt.LeftButton)
    assert not model.paused and model.rowCount() == 207
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=20_000)
    assert not panel.new_button.isVisibleTo(panel)


class FakeProvider:
    platform = "demo"
    capabilities = frozenset()


def test_actions_answer_group_reply_hide_block_are_logged(qtbot, room, insight):
    hub, clock, interactions, log = room
    model = CommentsModel(capacity=100, flush_hz=1)
    acts = CommentActions(model, hub, clock, provider=FakeProvider(), interactions=interactions, insight=insight)
    texts = ["160穿什么码", "160 穿什么码?", "160斤穿什么码呀", "好看", "卡了"]
    model.on_classified(classified(insight, [comment(i, t, ts=clock.now()) for i, t in enumerate(texts)]))
    model.flush()
    clock.advance(12.0)
    ids = acts.answer(model.row(1))
    assert sorted(ids) == ["m0", "m1", "m2"]
    assert [model.row(i).answered for i in range(5)] == [True, True, True, False, False]
    assert insight.figures().pending_questions == 0 and insight.figures().median_reply_s == pytest.approx(12.0, abs=0.1)
    message = acts.reply(model.row(3), "谢谢！")
    assert "clipboard" in message and QApplication.clipboard().text() == "@viewer3 谢谢！"
    acts.hide(model.row(4))
    assert model.rowCount() == 4
    acts.block(model.row(3))
    assert model.rowCount() == 3 and "u3" in interactions.blocked
    result = acts.pin(model.row(0))
    assert "pinned" in result.lower()
    names = [a.name for a in log]
    for name in (A.COMMENT_ANSWERED, A.COMMENT_REPLY, A.COMMENT_HIDE, A.VIEWER_BLOCK, A.PIN_COMMENT):
        assert name in names
    reply = next(a for a in log if a.name == A.COMMENT_REPLY)
    assert reply.detail["via"] == "clipboard" and reply.detail["msg_id"] == "m3"


def test_search_reads_the_whole_session_off_the_gui_thread(qtbot, tmp_path, insight):
    path = tmp_path / "s.db"
    store = SessionStore(path)
    sid = store.start_session("demo")
    hub = SessionHub()
    hub.subscribe(store.enqueue_batch, name="store")
    model = CommentsModel(capacity=50, flush_hz=1)
    hub.subscribe(lambda b: model.on_classified(insight.process(b)), name="insight")
    hub.publish_batch([comment(i, "这个多少钱" if i % 10 == 0 else f"chat {i}") for i in range(300)])
    model.flush()
    assert model.rowCount() == 50  # the ring holds the newest; the log holds everything
    panel = CommentsPanel(model, reader=SessionReader(path, sid, insight.classifier, flush=lambda: store.flush(5.0)))
    qtbot.addWidget(panel)
    panel.search.setText('多少钱 OR "*')
    panel._run_search()
    qtbot.waitUntil(lambda: model.results_title is not None, timeout=20_000)
    assert model.rowCount() == 0  # every word must occur literally: nobody typed 'OR "*'
    panel.search.setText("多少钱")
    panel._run_search()
    qtbot.waitUntil(lambda: model.rowCount() == 30, timeout=20_000)
    assert {model.row(i).msg_id for i in range(30)} == {f"m{i}" for i in range(0, 300, 10)}
    assert model.row(0).intents == ("question", "price")
    panel.back.click()
    assert model.results_title is None and model.rowCount() == 50
    store.close()
