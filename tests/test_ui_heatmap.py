"""Heatmap → comment panel: clicking a cell shows exactly the comments behind it (read back
from the real session log); radar and dashboard docks show what the insight service computed."""

from __future__ import annotations

from PySide6.QtCore import Qt

from console.core import actions as A
from console.core.events import Action, Comment, Like, Viewer, ViewerCount
from console.core.hub import SessionHub
from console.insight.heatmap import bucket_index
from console.insight.service import Insight
from console.store.writer import SessionStore
from console.ui.comments_dock import CommentsPanel, SessionReader
from console.ui.comments_model import CommentsModel
from console.ui.dashboard_dock import DashboardPanel
from console.ui.heatmap_dock import COLUMNS, HeatmapPanel
from console.ui.radar_dock import RadarPanel

T0 = 1_700_000_010.0  # mid-bucket, so the 30 s columns are easy to predict
TEXTS = ["多少钱", "160穿什么码", "好看", "扣1", "包邮吗", "卡了", "what shade is this?", "hi"]


def build(qtbot, tmp_path):
    path = tmp_path / "s.db"
    store = SessionStore(path)
    sid = store.start_session("demo")
    hub = SessionHub()
    insight = Insight(threaded=False)
    model = CommentsModel(capacity=2000, flush_hz=1)
    hub.subscribe(store.enqueue_batch, name="store")
    hub.subscribe(insight.on_events, name="insight")
    insight.sig_comments.connect(model.on_classified)
    events = [ViewerCount("demo", "vc0", T0, None, 120),
              Action("demo", "a1", T0, name=A.PRODUCT_CARD, detail={"sku": "LIP-001"})]
    for i in range(90):  # 90 s of comments, one a second, the product changes after 40 s
        ts = T0 + i
        if i == 40:
            events.append(Action("demo", "a2", ts, name=A.PRODUCT_CARD, detail={"sku": "TOP-001"}))
        events.append(Comment("demo", f"m{i}", ts + 0.5, Viewer(f"u{i % 17}", f"v{i % 17}"), text=TEXTS[i % len(TEXTS)]))
        events.append(Like("demo", f"l{i}", ts + 0.25, Viewer(f"u{i % 5}", "x"), count=3))
    hub.publish_batch(events)
    comments_panel = CommentsPanel(model, reader=SessionReader(path, sid, insight.classifier,
                                                               flush=lambda: store.flush(5.0)))
    heat = HeatmapPanel(insight, on_cell=comments_panel.show_cell)
    qtbot.addWidget(comments_panel)
    qtbot.addWidget(heat)
    heat.resize(800, 500)
    heat.show()
    heat.refresh()
    return store, insight, model, heat, events


def expected_ids(events, t0, t1, predicate):
    return [e.msg_id for e in events if isinstance(e, Comment) and t0 <= e.ts < t1 and predicate(e)]


def test_clicking_an_intent_cell_filters_the_panel_to_exactly_its_comments(qtbot, tmp_path):
    store, insight, model, heat, events = build(qtbot, tmp_path)
    grid = heat.grid
    row = grid.rows.index(("intent", "question"))
    col = bucket_index(T0 + 60, 30) - grid.start_index  # a full 30 s bucket inside the 90 s of comments
    t0 = grid.column_start(col)
    expected = expected_ids(events, t0, t0 + 30, lambda e: "question" in insight.classifier.classify(e.text).intents)
    assert grid.cells[row][col].comments == len(expected) > 0
    # A real mouse click on the plot, where the cell is drawn.
    view_pos = heat.map.mapFromScene(heat.scene_pos_of(row, col))
    qtbot.mouseClick(heat.map.viewport(), Qt.LeftButton, pos=view_pos)
    qtbot.waitUntil(lambda: model.results_title is not None and model.rowCount() == len(expected), timeout=20_000)
    assert [model.row(i).msg_id for i in range(model.rowCount())] == expected
    store.close()


def test_product_cell_covers_only_its_time_on_air(qtbot, tmp_path):
    store, insight, model, heat, events = build(qtbot, tmp_path)
    grid = heat.grid
    change = T0 + 40
    col = bucket_index(change, 30) - grid.start_index  # the column in which the product changed
    row = grid.rows.index(("product", "LIP-001"))
    t0 = grid.column_start(col)
    expected = expected_ids(events, t0, change, lambda e: True)
    assert grid.cells[row][col].comments == len(expected) > 0
    cell = heat.click_cell(row, col)
    assert cell.on_air == ((t0, change),)
    qtbot.waitUntil(lambda: model.results_title is not None and model.rowCount() == len(expected), timeout=20_000)
    assert [model.row(i).msg_id for i in range(model.rowCount())] == expected
    assert "LIP-001" in model.results_title
    store.close()


def test_heatmap_zoom_and_hover_text(qtbot, tmp_path):
    store, insight, model, heat, events = build(qtbot, tmp_path)
    heat.zoom.setCurrentIndex(heat.zoom.findData(60))
    assert heat.grid.bucket_s == 60
    total = sum(c.comments for c in heat.grid.cells[heat.grid.rows.index(("product", "LIP-001"))])
    assert total == 40
    text = heat.describe(heat.grid.rows.index(("product", "TOP-001")), bucket_index(T0 + 89, 60) - heat.grid.start_index)
    assert "comments" in text and "likes" in text
    store.close()


def test_radar_and_dashboard_show_the_room(qtbot, tmp_path):
    store, insight, model, heat, events = build(qtbot, tmp_path)
    dash = DashboardPanel(insight)
    radar = RadarPanel(insight)
    qtbot.addWidget(dash)
    qtbot.addWidget(radar)
    dash.refresh()
    radar.refresh()
    f = dash.figures
    assert f.viewers == 120 and f.comments_per_min == 60 and f.likes_per_min == 180
    assert dash.values["viewers"].text() == "120 (120)"
    assert dash.values["interaction_rate"].toolTip()  # the formula is on hover
    assert radar.groups.count() >= 4
    first = radar.groups.item(0)
    ids = radar.answer(first.data(Qt.UserRole))
    assert len(ids) >= 10
    store.close()


def test_a_young_show_fills_the_heatmap_from_the_left(qtbot, tmp_path):
    store, insight, model, heat, events = build(qtbot, tmp_path)
    grid = heat.grid
    # 90 s of show in 30 s columns: the first columns hold it, the rest wait for what comes next
    # (not twenty empty minutes before the show with everything squeezed into the last column).
    assert grid.start_index == bucket_index(T0, 30)
    totals = [sum(row[c].total for row in grid.cells) for c in range(COLUMNS)]
    used = bucket_index(max(e.ts for e in events), 30) - bucket_index(T0, 30) + 1
    assert 2 <= used < COLUMNS
    assert all(totals[c] > 0 for c in range(used)) and not any(totals[used:])
    store.close()


def test_strip_marks_speak_the_hosts_language_and_never_overlap(qtbot, tmp_path):
    from console.i18n import set_language

    store, insight, model, heat, events = build(qtbot, tmp_path)
    heat.product_name = lambda sku: {"GLS-002": "Round glasses"}.get(sku, sku)
    t = T0 + 60
    insight.on_events([Action("demo", "c0", t, name=A.CUE_FIRE, detail={"action": "show_product_card"}),
                       Action("demo", "c1", t, name=A.PRODUCT_CARD, detail={"sku": "GLS-002"}),
                       Action("demo", "c2", t + 0.3, name=A.TRYON_ON_AIR, detail={"skus": ["GLS-002"]}),
                       Action("demo", "c3", t + 2.0, name=A.CUE_FIRE, detail={"action": "open_poll"}),
                       Action("demo", "c4", t + 2.1, name=A.POLL_OPEN, detail={"question": "?"}),
                       Action("demo", "c5", t + 4.0, name=A.LOTTERY_DRAW, detail={"draw_id": "d"})])
    heat.refresh()
    labels = [(text, lane) for ts, text, lane in heat.mark_labels if ts >= t]
    # One moment, one label; the product by its name; no internal names ("open_poll", "tryon.on_air").
    assert [text for text, _ in labels] == ["Round glasses", "Poll opened", "Winners drawn"]
    placed = [(ts, text, lane) for ts, text, lane in heat.mark_labels if lane is not None]
    assert placed, "some label must fit an 800-pixel-wide strip"
    # Two seconds apart in a twenty-minute window: neighbours never share a lane.
    lanes = [lane for _ts, _text, lane in sorted(placed)]
    assert all(a != b for a, b in zip(lanes, lanes[1:]))
    for line, (_ts, text, _lane) in zip(heat.mark_lines, heat.mark_labels):
        assert line.toolTip() == text  # the words are on hover even when there was no room
    set_language("zh_CN")
    try:
        heat.refresh()
        assert [text for ts, text, _ in heat.mark_labels if ts >= t] == ["Round glasses", "投票开始", "开奖"]
    finally:
        set_language("en")
    store.close()
