"""The dashboard dock: the room's figures with their formulas on hover, and alerts."""

from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from console.i18n import pick
from console.insight.metrics import FORMULAS, Figures
from console.insight.service import Insight

from .refreshing import RefreshingPanel

REPLY_GOAL_S = 30.0
# Gift values arrive in the platform's main currency unit (core/events.py Gift.value).
GIFT_CURRENCY = {"demo": "¥", "douyin": "¥", "bilibili": "¥", "kuaishou": "¥", "taobao": "¥",
                 "twitch": "$", "youtube": "$", "tiktok": "$"}


def gift_currency(platforms: Iterable[str]) -> str:
    """The symbol for the gift value: the platforms' shared currency, "" when they differ or
    one is unknown (the figure's title then says it is in each platform's own currency)."""
    symbols = {GIFT_CURRENCY.get(p, "?") for p in platforms}
    return symbols.pop() if len(symbols) == 1 and "?" not in symbols else ""


def _pct(x: float) -> str:
    return f"{x:.1%}"


class DashboardPanel(RefreshingPanel):
    def __init__(self, insight: Insight, platforms: Callable[[], Iterable[str]] = lambda: ("demo",),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.insight, self.platforms = insight, platforms
        self.figures: Figures | None = None
        self.values: dict[str, QLabel] = {}
        self.titles: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        items = [
            ("viewers", pick("Viewers (peak)", "在线（峰值）"), None),
            # Events per viewer in a minute: an eager room goes past 100 %, the title says per what.
            ("interaction_rate", pick("Interaction rate / min", "每分钟互动率"), FORMULAS["interaction_rate"]()),
            ("participation_rate", pick("Participation", "参与率"), FORMULAS["participation_rate"]()),
            ("comments_per_min", pick("Comments / min", "评论/分钟"), None),
            ("likes_per_min", pick("Likes / min", "点赞/分钟"), None),
            ("gift_value", pick("Gift value", "礼物价值"), None),  # title gets the currency in refresh()
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
            self.titles[key] = name
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
        symbol = gift_currency(self.platforms())
        v["gift_value"].setText(f"{symbol}{f.gift_value:,.2f}")
        self.titles["gift_value"].setText(pick("Gift value", "礼物价值") if symbol else
                                          pick("Gift value (platform currency)", "礼物价值（平台货币）"))
        v["pending"].setText(f"{f.pending_questions:,}")
        if f.median_reply_s is None:
            v["reply"].setText(pick("no answers yet", "尚无回复"))
        else:
            ok = f.median_reply_s <= REPLY_GOAL_S
            v["reply"].setText(f"{f.median_reply_s:.0f} s")
            v["reply"].setStyleSheet(f"font-size: 15px; font-weight: bold; color: {'#57ab5a' if ok else '#e5534b'};")
        p = f.participation
        v["participation"].setText(" / ".join(_pct(p.get(k, 0.0)) for k in ("poll", "lottery", "coupon")))
        self.alerts.setText("\n".join("⚠ " + a.message for a in f.alerts))
