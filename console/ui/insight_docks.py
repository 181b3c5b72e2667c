"""Builds the comment panel and the insight docks (heatmap, radar, dashboard) for the window.

Kept out of main_window.py so the window stays a list of docks: this wires the comment model to
the insight thread's signal, the panel's actions to the hub/provider/engines, and a heatmap click
to the panel.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from console.i18n import current_language, pick

from .comment_actions import CommentActions
from .comments_dock import CommentsPanel, SessionReader
from .comments_model import CommentsModel
from .dashboard_dock import DashboardPanel
from .heatmap_dock import HeatmapPanel
from .platform_badge import PlatformBadges
from .taskman import to_gui
from .radar_dock import RadarPanel


def build_comments(window: Any, app: Any) -> tuple[CommentsModel, CommentsPanel]:
    model = CommentsModel(parent=window)
    app.insight.sig_comments.connect(model.on_classified)
    actions = CommentActions(model, app.hub, app.clock, provider=app.provider, interactions=app.interactions,
                             insight=app.insight, notify=app._note, platforms=app.platforms)
    reader = SessionReader(app.db_path, app.session_id, app.insight.classifier,
                           flush=lambda: app.store.flush(timeout=2.0))
    panel = CommentsPanel(model, actions, reader)
    model.badges = panel.delegate.badges = PlatformBadges(app)  # [B站]/[抖音] when multistreaming

    def switched(runner) -> None:  # a mid-show platform switch: a new session, new providers
        actions.platforms, actions.provider = runner, runner.primary
        reader.session_id = app.session_id  # "search the whole session" means the new one
        panel.delegate.invalidate()
    app.platforms_changed.connect(lambda runner: to_gui(switched, runner))
    return model, panel


def add_insight_docks(window: Any, app: Any, panel: CommentsPanel) -> None:
    def product_name(sku: str) -> str:
        product = app.catalog.find(sku) if hasattr(app.catalog, "find") else None
        if product is None:
            return sku
        return product.name_zh if current_language() == "zh_CN" else product.name_en

    window.heatmap = HeatmapPanel(app.insight, on_cell=panel.show_cell, product_name=product_name)
    window.radar = RadarPanel(app.insight, panel.actions)
    window.dashboard = DashboardPanel(app.insight, platforms=lambda: [p.platform for p in app.platforms.providers])
    window.add_dock("heatmap", pick("Heatmap", "互动热力图"), window.heatmap, Qt.BottomDockWidgetArea)
    window.add_dock("radar", pick("Radar", "互动雷达"), window.radar, Qt.RightDockWidgetArea)
    window.add_dock("dashboard", pick("Dashboard", "数据看板"), window.dashboard, Qt.BottomDockWidgetArea)
    # Beside the triggers: the heatmap, with the radar and dashboard as tabs (the comment list
    # keeps the full height on the right; sizes in default_layout.py).
    window.splitDockWidget(window.docks["triggers"], window.docks["heatmap"], Qt.Horizontal)
    window.tabifyDockWidget(window.docks["heatmap"], window.docks["radar"])
    window.tabifyDockWidget(window.docks["radar"], window.docks["dashboard"])
    window.docks["heatmap"].raise_()
