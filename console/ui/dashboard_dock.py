"""The dashboard dock: the room's figures with their formulas on hover, and alerts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from console.i18n import pick
from console.insight.metrics import FORMULAS, Figures
from console.insight.service import Insight

from .refreshing import RefreshingPanel

REPLY_GOAL_S = 30.0


def _pct(x: float) -> str:
    return f"{x:.1%}"


class DashboardPanel(RefreshingPanel):
    def __init__(self, insight: Insight, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.insight = insight
        self.figures: Figures | None = None
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        items = [
            ("viewers", pick("Viewers (peak)", "在线（峰值）"), None),
            ("interaction_rate", pick("Interaction rate", "互动率"), FORMULAS["interaction_rate"]()),
            ("participation_rate", pick("Participation", "参与率"), FORMULAS["participation_rate"]()),
            ("comments_per_min", pick("Comments / min", "评论/分钟"), None),
            ("likes_per_min", pick("Likes / min", "点赞/分钟"), None),
            ("gift_value", pick("Gift value", "礼物价值"), None),
            ("pending", pick("Questions pending", "待回复问题"), None),
            ("reply", pick("Median reply time", "回复时长中位数"), FORMULAS["median_reply_s"]()),
            ("participation", pick("Poll / lottery / coupon", "投票/抽奖/优惠券参与"),
             pick("unique voters / entrants / claimers ÷ unique viewers", "参与投票/抽奖/领券的观众数 ÷ 本场观众总数")),
        ]
        for i, (key, title, formula) in enumerate(items):
            name = QLabel(title)
            value = QLabel("–")
            value.setTextFormat(Qt.PlainText)
            value.setStyleSheet("font-size: 15px; font-weight: bold;")
            if formula:
                name.setToolTip(formula)
                value.setToolTip(formula)
            grid.addWidget(name, (i // 3) * 2, i % 3)
            grid.addWidget(value, (i // 3) * 2 + 1, i % 3)
            self.values[key] = value
        self.alerts = QLabel("")
        self.alerts.setTextFormat(Qt.PlainText)
        self.alerts.setWordWrap(True)
        self.alerts.setStyleSheet("color: #e5534b; font-weight: bold;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(grid)
        layout.addWidget(self.alerts)
        layout.addStretch(1)
        self.start_refreshing()

    def refresh(self) -> None:
        f = self.insight.figures()
        self.figures = f
        v = self.values
        v["viewers"].setText(f"{f.viewers:,} ({f.peak_viewers:,})")
        v["interaction_rate"].setText(_pct(f.interaction_rate))
        v["participation_rate"].setText(f"{_pct(f.participation_rate)}  ({f.interacting_viewers:,}/{f.unique_viewers:,})")
        v["comments_per_min"].setText(f"{f.comments_per_min:,.0f}")
        v["likes_per_min"].setText(f"{f.likes_per_min:,.0f}")
        v["gift_value"].setText(f"{f.gift_value:,.2f}")
        v["pending"].setText(f"{f.pending_questions:,}")
        if f.median_reply_s is None:
            v["reply"].setText("–")
        else:
            ok = f.median_reply_s <= REPLY_GOAL_S
            v["reply"].setText(f"{f.median_reply_s:.0f} s")
            v["reply"].setStyleSheet(f"font-size: 15px; font-weight: bold; color: {'#57ab5a' if ok else '#e5534b'};")
        p = f.participation
        v["participation"].setText(" / ".join(_pct(p.get(k, 0.0)) for k in ("poll", "lottery", "coupon")))
        self.alerts.setText("\n".join("⚠ " + a.message for a in f.alerts))
