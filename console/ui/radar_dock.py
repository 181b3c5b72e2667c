"""The radar dock: what is rising now with the suggested action, and the question groups.

Double-click a question group (or press "Mark answered") to mark every member answered; when
the catalog has an FAQ for it, "Send FAQ answer" replies with it (platform or clipboard).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from console.i18n import pick
from console.insight.radar import Suggestion
from console.insight.service import Insight

from .refreshing import RefreshingPanel

ICONS = {"faq": "💬", "size_chart": "📏", "shade_vote": "🎨", "price": "🏷", "shipping": "📦",
         "complaints": "⚠", "peak": "🔥", "question": "❓"}


def trend_text(s: Suggestion) -> str:
    """What is rising, with its unit (the radar compares the last minute, radar.WINDOW_S, with
    the one before)."""
    if s.kind == "peak":
        return pick(f"{s.recent:,} interactions / min", f"每分钟 {s.recent:,} 次互动")
    return pick(f"{s.recent:,} in the last minute, {s.before:,} the minute before",
                f"最近一分钟 {s.recent:,} 次，之前一分钟 {s.before:,} 次")


class RadarPanel(RefreshingPanel):
    def __init__(self, insight: Insight, actions=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.insight, self.actions = insight, actions
        self.rising = QListWidget()
        self.rising.setWordWrap(True)
        self.groups = QListWidget()
        self.groups.itemDoubleClicked.connect(lambda item: self.answer(item.data(Qt.UserRole)))
        self.answer_button = QPushButton(pick("Mark answered", "标记已回复"))
        self.answer_button.clicked.connect(self._answer_current)
        self.faq_button = QPushButton(pick("Send FAQ answer", "发送常见问题答案"))
        self.faq_button.clicked.connect(self._send_faq)
        self.status = QLabel("")
        self.status.setTextFormat(Qt.PlainText)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.answer_button)
        buttons.addWidget(self.faq_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(QLabel(pick("Rising now", "正在升温")))
        layout.addWidget(self.rising, 2)
        layout.addWidget(QLabel(pick("Questions (grouped, pending first)", "问题（已合并，待回复优先）")))
        layout.addWidget(self.groups, 3)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.start_refreshing()

    def refresh(self) -> None:
        suggestions = self.insight.radar()
        self.rising.clear()
        for s in suggestions:
            item = QListWidgetItem(f"{ICONS.get(s.kind, '•')} {s.topic}  ({trend_text(s)})\n    → {s.action}")
            item.setToolTip(s.action)
            self.rising.addItem(item)
        if not suggestions:
            self.rising.addItem(pick("Nothing rising right now.", "目前没有升温的话题。"))
        current = self.groups.currentItem().data(Qt.UserRole) if self.groups.currentItem() else None
        self.groups.clear()
        for g in self.insight.top_questions(30):
            item = QListWidgetItem(f"×{g.pending:<4} {g.text}")
            item.setToolTip(pick(f"asked {g.pending:,} times, not yet answered", f"被问 {g.pending:,} 次，尚未回复"))
            item.setData(Qt.UserRole, g.key)
            self.groups.addItem(item)
            if g.key == current:
                self.groups.setCurrentItem(item)

    def _answer_current(self) -> None:
        item = self.groups.currentItem()
        if item is not None:
            self.answer(item.data(Qt.UserRole))

    def answer(self, key: str) -> list[str]:
        if self.actions is not None:
            ids = self.actions.answer_group(key)
        else:
            ids = self.insight.answer_group(key, self.insight.metrics.now)
        self.status.setText(pick(f"Marked {len(ids)} answered.", f"已标记 {len(ids)} 条为已回复。"))
        self.refresh()
        return ids

    def _send_faq(self) -> None:
        item = self.groups.currentItem()
        if item is None or self.actions is None:
            return
        group = self.insight.groups.get(item.data(Qt.UserRole))
        faq = self.insight.faqs.match(group.text, self.insight.on_air()) if group else None
        if faq is None:
            self.status.setText(pick("No FAQ matches this question.", "没有匹配的常见问题。"))
            return
        self.status.setText(self.actions.reply_text(group.text, faq.answer))
