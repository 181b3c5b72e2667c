"""Draws one comment row: lays it out once, caches it on the row until width or theme changes.

Plain text only: QStaticText in PlainText format, so markup in a comment is drawn as the
characters it is (Qt's rich-text layout can be made to hang by nested tables). Every row has the
same height (`uniformItemSizes`), the painter is clipped to the row, so a comment with stacked
combining marks cannot draw over its neighbours, and long text is elided (the full text is in
the tooltip). Chatterino's MessageLayout is the model: build once, paint many times.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QStaticText, QTextOption
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from .comments_model import Row, RowRole
from .platform_badge import PlatformBadges

KIND_COLORS = {"gift": "#f4c152", "follow": "#5fd38d", "order": "#64b5f6"}
INTENT_MARKS = (  # first matching label colours the row's left edge
    ("complaint", "#e5534b"), ("purchase_intent", "#57ab5a"), ("question", "#539bf5"), ("spam", "#768390"),
)
NAME_MAX_SHARE = 0.35


class CommentDelegate(QStyledItemDelegate):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.generation = 0
        """Bumped when the theme or font changes: every cached layout is then stale."""
        self.layouts_built = 0
        self.badges = PlatformBadges()
        """[B站]/[抖音] … before the name when several platforms feed the session (ui/platform_badge.py)."""
        self._option = QTextOption()
        self._option.setWrapMode(QTextOption.NoWrap)

    def invalidate(self) -> None:
        self.generation += 1

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802 — Qt API
        return QSize(option.rect.width(), QFontMetrics(option.font).height() + 6)

    def _static(self, text: str) -> QStaticText:
        st = QStaticText(text)
        st.setTextFormat(Qt.PlainText)
        st.setTextOption(self._option)
        return st

    def _layout(self, row: Row, option: QStyleOptionViewItem) -> tuple:
        width = option.rect.width()
        cached = row.layout
        if cached is not None and cached[0] == width and cached[1] == self.generation:
            return cached
        fm = QFontMetrics(option.font)
        name = fm.elidedText(self.badges.prefix(row.platform) + row.viewer_name + ":", Qt.ElideRight,
                             int(width * NAME_MAX_SHARE))
        name_w = fm.horizontalAdvance(name) + 6
        mark = "✓ " if row.answered else ""
        text = fm.elidedText(mark + row.line, Qt.ElideRight, max(0, width - name_w - 12))
        layout = (width, self.generation, self._static(name), self._static(text), name_w)
        row.layout = layout
        self.layouts_built += 1
        return layout

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        row: Row | None = index.data(RowRole)
        if row is None:
            return super().paint(painter, option, index)
        width, _gen, name, text, name_w = self._layout(row, option)
        rect: QRect = option.rect
        palette = option.palette
        painter.save()
        painter.setClipRect(rect)
        if option.state & QStyle.State_Selected:
            painter.fillRect(rect, palette.highlight())
        elif row.highlighted:
            painter.fillRect(rect, QColor(255, 214, 0, 60))
        for label, colour in INTENT_MARKS:
            if label in row.intents:
                painter.fillRect(QRect(rect.left(), rect.top() + 2, 3, rect.height() - 4), QColor(colour))
                break
        top = rect.top() + (rect.height() - QFontMetrics(option.font).height()) / 2
        painter.setFont(option.font)
        painter.setPen(QColor(KIND_COLORS.get(row.kind, "#8fb3e0")))
        painter.drawStaticText(QPointF(rect.left() + 6, top), name)
        colour = palette.highlightedText().color() if option.state & QStyle.State_Selected else palette.text().color()
        if row.answered:
            colour = QColor(colour.red(), colour.green(), colour.blue(), 140)
        painter.setPen(colour)
        painter.drawStaticText(QPointF(rect.left() + 6 + name_w, top), text)
        painter.restore()
