"""The live comment panel: chips, keyword, highlight, full-text search, per-comment actions.

- Auto-scroll follows the stream until the host scrolls up; then the list holds still and an
  "N new" button jumps back to the live end.
- Search runs FTS5 over the whole session (console/store/search.py) on a worker thread; a
  heatmap cell click shows exactly the comments behind that cell. Both replace the live list
  until "Back to live".
- Right-click (or A/P/R/H/B on the selected row) answers, pins, replies, hides, blocks.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QListView,
                               QMenu, QPushButton, QToolButton, QVBoxLayout, QWidget)

from console.i18n import pick
from console.insight.heatmap import CellFilter
from console.insight.service import Classified

from .comment_actions import CommentActions
from .comments_delegate import CommentDelegate
from .comments_model import CHIPS, CommentsModel, Row, RowRole, row_from
from .taskman import run_in_background

CHIP_LABELS = {
    "all": lambda: pick("All", "全部"),
    "questions": lambda: pick("Questions", "提问"),
    "buy": lambda: pick("Want to buy", "想买"),
    "complaints": lambda: pick("Complaints", "抱怨"),
    "high_value": lambda: pick("High-value", "高价值"),
    "new": lambda: pick("New viewers", "新观众"),
}


def split_words(text: str) -> list[str]:
    return [w.strip() for w in text.replace("，", ",").split(",") if w.strip()]


class SessionReader:
    """Where the panel reads history from: the log file, the session, and a classifier."""

    def __init__(self, db_path, session_id: int, classifier, flush: Callable[[], Any] | None = None) -> None:
        self.db_path, self.session_id, self.classifier, self.flush = db_path, session_id, classifier, flush

    def _rows(self, found: list[dict]) -> list[Row]:
        from console.core.events import Comment, Viewer

        out = []
        for r in found:
            ev = Comment(r.get("platform") or "", r.get("msg_id") or str(r["id"]), r["ts"],
                         Viewer(r.get("viewer_id") or "", r.get("viewer_name") or "?"), text=r["text"] or "")
            out.append(row_from(Classified(ev, self.classifier.classify(ev.text))))
        return out

    def search(self, query: str) -> list[Row]:
        from console.store.search import search_comments

        if self.flush is not None:
            self.flush()
        return self._rows(search_comments(self.db_path, self.session_id, query))

    def cell(self, cell: CellFilter) -> list[Row]:
        from console.store.search import comments_between

        if self.flush is not None:
            self.flush()
        found = comments_between(self.db_path, self.session_id, cell.t0, cell.t1)
        rows = self._rows(found)
        return [r for r in rows if cell.matches(r.ts, r.intents)]


class CommentsPanel(QWidget):
    def __init__(self, model: CommentsModel, actions: CommentActions | None = None,
                 reader: SessionReader | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model, self.actions, self.reader = model, actions, reader
        self.status = QLabel("")
        self.status.setTextFormat(Qt.PlainText)
        self.status.setWordWrap(True)

        # Chips.
        self.chips = QButtonGroup(self)
        self.chips.setExclusive(True)
        self.chip_row = QHBoxLayout()
        self.chip_row.setSpacing(2)
        self.chip_buttons: dict[str, QToolButton] = {}
        for key in CHIPS:
            button = QToolButton(text=CHIP_LABELS[key]())
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setChecked(key == "all")
            button.clicked.connect(lambda _=False, k=key: self.model.set_filter(chip=k))
            self.chips.addButton(button)
            self.chip_buttons[key] = button
        self.triage = QCheckBox(pick("Triage", "分诊"))
        self.triage.setToolTip(pick("Complaints first: their chip leads and they are marked red",
                                    "抱怨优先：抱怨标签排在最前并标红"))
        self.triage.toggled.connect(self._arrange_chips)
        self._arrange_chips(False)

        self.keyword = QLineEdit(placeholderText=pick("Filter by keyword…", "按关键词筛选…"))
        self.keyword.setClearButtonEnabled(True)
        self.keyword.textChanged.connect(lambda t: self.model.set_filter(keyword=t))
        self.highlight = QLineEdit(placeholderText=pick("Highlight words, comma separated", "高亮词，用逗号分隔"))
        self.highlight.editingFinished.connect(lambda: self.model.set_highlight_words(split_words(self.highlight.text())))
        self.blocked = QLineEdit(placeholderText=pick("Blocked words (hidden before you see them)", "屏蔽词（看到之前就隐藏）"))
        self.blocked.editingFinished.connect(self._apply_blocked)
        self.search = QLineEdit(placeholderText=pick("Search the whole session… (Enter)", "搜索本场全部评论…（回车）"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._run_search)

        self.more = QToolButton(text="⋯")
        self.more.setCheckable(True)
        self.more.setToolTip(pick("Highlight words and blocked words", "高亮词和屏蔽词"))
        self.more.toggled.connect(lambda on: self.more_row.setVisible(on))
        self.search.setToolTip(pick("Full-text search over every comment of this session", "在本场所有评论中全文搜索"))

        self.results = QLabel("")
        self.results.setTextFormat(Qt.PlainText)
        self.back = QPushButton(pick("Back to live", "回到实时"))
        self.back.clicked.connect(self.model.catch_up)
        results_row = QHBoxLayout()
        results_row.addWidget(self.results, 1)
        results_row.addWidget(self.back)

        self.view = QListView()
        self.view.setModel(model)
        self.delegate = CommentDelegate(self.view)
        self.view.setItemDelegate(self.delegate)
        self.view.setUniformItemSizes(True)
        self.view.setWordWrap(False)
        self.view.setSelectionMode(QListView.SingleSelection)
        self.view.setContextMenuPolicy(Qt.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.verticalScrollBar().valueChanged.connect(self._on_scroll)
        model.rowsInserted.connect(self._autoscroll)
        model.modelReset.connect(self._after_reset)
        model.sig_new_count.connect(self._show_new)
        self.new_button = QPushButton("")
        self.new_button.clicked.connect(self._jump_live)
        self.new_button.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addLayout(self.chip_row)
        filters = QHBoxLayout()
        filters.addWidget(self.keyword, 1)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.more)
        filters.addWidget(self.triage)
        layout.addLayout(filters)
        self.more_row = QWidget()
        more = QHBoxLayout(self.more_row)
        more.setContentsMargins(0, 0, 0, 0)
        more.addWidget(self.highlight, 1)
        more.addWidget(self.blocked, 1)
        self.more_row.hide()
        layout.addWidget(self.more_row)
        layout.addLayout(results_row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.new_button)
        layout.addWidget(self.status)
        self._shortcuts()
        self._refresh_results()

    # -- chips / filters -----------------------------------------------------------------------
    def _arrange_chips(self, triage: bool) -> None:
        order = list(CHIPS)
        if triage:
            order.remove("complaints")
            order.insert(0, "complaints")
        while self.chip_row.count():
            self.chip_row.takeAt(0)
        for key in order:
            self.chip_row.addWidget(self.chip_buttons[key])
        self.chip_row.addStretch(1)  # Triage sits on the filter row: the chips alone fit a narrow column
        self.chip_buttons["complaints"].setStyleSheet("color: #e5534b; font-weight: bold;" if triage else "")
        if triage:
            self.chip_buttons["complaints"].click()

    def _apply_blocked(self) -> None:
        words = split_words(self.blocked.text())
        if self.actions is not None:
            self.actions.blocked_words(words)
        else:
            self.model.set_blocked_words(words)

    # -- search / heatmap results --------------------------------------------------------------
    def _run_search(self) -> None:
        query = self.search.text().strip()
        if not query or self.reader is None:
            return
        self.status.setText(pick("Searching…", "搜索中…"))
        run_in_background(lambda: self.reader.search(query),
                          on_done=lambda rows: self._show(pick(f"Search “{query}”", f"搜索“{query}”"), rows),
                          on_error=self._failed)

    def show_cell(self, cell: CellFilter, label: str) -> None:
        """Filter to exactly the comments behind a heatmap cell (read from the log off-thread)."""
        if self.reader is None:
            return
        self.status.setText(pick("Loading the comments behind that cell…", "正在读取该格子的评论…"))
        run_in_background(lambda: self.reader.cell(cell), on_done=lambda rows: self._show(label, rows),
                          on_error=self._failed)

    def _show(self, title: str, rows: list[Row]) -> None:
        self.model.show_results(title, rows)
        shown = self.model.rowCount()
        more = pick(f" (first {shown:,} shown)", f"（显示前 {shown:,} 条）") if shown < len(rows) else ""
        self.status.setText(pick(f"{len(rows):,} comments{more}", f"共 {len(rows):,} 条评论{more}"))

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(pick(f"Could not read the session log: {exc}", f"无法读取场次记录：{exc}"))

    def _after_reset(self) -> None:
        self._refresh_results()
        if self.model.results_title is None:
            self.view.scrollToBottom()

    def _refresh_results(self) -> None:
        title = self.model.results_title
        self.results.setText(title or "")
        self.results.setVisible(title is not None)
        self.back.setVisible(title is not None)

    # -- auto-scroll -----------------------------------------------------------------------------
    def _on_scroll(self, value: int) -> None:
        bar = self.view.verticalScrollBar()
        at_end = value >= bar.maximum() - 2
        if self.model.results_title is None:
            self.model.set_paused(not at_end)

    def _autoscroll(self, *args) -> None:
        if not self.model.paused:
            self.view.scrollToBottom()

    def _show_new(self, count: int) -> None:
        self.new_button.setVisible(count > 0)
        self.new_button.setText(pick(f"↓ {count:,} new", f"↓ {count:,} 条新评论"))

    def _jump_live(self) -> None:
        self.model.catch_up()
        self.view.scrollToBottom()

    # -- per-comment actions -----------------------------------------------------------------------
    def selected(self) -> Row | None:
        index = self.view.currentIndex()
        return index.data(RowRole) if index.isValid() else None

    def _shortcuts(self) -> None:
        for keys, fn in (("A", self.answer_selected), ("P", self.pin_selected), ("R", self.reply_selected),
                         ("H", self.hide_selected), ("B", self.block_selected)):
            shortcut = QShortcut(QKeySequence(keys), self.view)
            shortcut.setContext(Qt.WidgetShortcut)
            shortcut.activated.connect(fn)

    def _menu(self, pos) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid() or self.actions is None:
            return
        self.view.setCurrentIndex(index)
        row: Row = index.data(RowRole)
        menu = QMenu(self)
        group = self.actions.insight.groups.get(row.group_key) if (row.group_key and self.actions.insight) else None
        answer_text = (pick(f"Mark answered (question ×{group.count})", f"标记已回复（同类问题 ×{group.count}）")
                       if group else pick("Mark answered", "标记已回复"))
        menu.addAction(answer_text + "\tA", self.answer_selected)
        menu.addAction(pick("Pin to the video", "置顶到画面") + "\tP", self.pin_selected)
        menu.addAction(pick("Reply…", "回复…") + "\tR", self.reply_selected)
        if row.faq is not None:
            menu.addAction(pick("Reply with the FAQ answer", "用常见问题答案回复"),
                           lambda: self._say(self.actions.reply(row, row.faq.answer)))
        menu.addSeparator()
        if self.actions.can_moderate(row):  # Twitch / YouTube: on the platform the comment came from
            menu.addAction(pick("Delete on the platform", "在平台删除"),
                           lambda: self._say(self.actions.moderate(row, "delete")))
            menu.addAction(pick("Time out 10 min", "禁言 10 分钟"),
                           lambda: self._say(self.actions.moderate(row, "timeout", 600)))
        menu.addAction(pick("Hide", "隐藏") + "\tH", self.hide_selected)
        menu.addAction(pick(f"Block {row.viewer_name}", f"屏蔽 {row.viewer_name}") + "\tB", self.block_selected)
        menu.popup(self.view.viewport().mapToGlobal(pos))  # popup, not exec: never block the loop

    def _say(self, message: str) -> None:
        self.status.setText(message)

    def answer_selected(self) -> None:
        row = self.selected()
        if row is not None and self.actions is not None:
            ids = self.actions.answer(row)
            self._say(pick(f"Marked {len(ids)} answered.", f"已标记 {len(ids)} 条为已回复。"))

    def pin_selected(self) -> None:
        row = self.selected()
        if row is not None and self.actions is not None:
            self._say(self.actions.pin(row))

    def reply_selected(self) -> None:
        row = self.selected()
        if row is None or self.actions is None:
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(pick("Reply", "回复"))
        dialog.setLabelText(pick(f"Reply to {row.viewer_name}:", f"回复 {row.viewer_name}："))
        if row.faq is not None:
            dialog.setTextValue(row.faq.answer)
        dialog.textValueSelected.connect(lambda text: self._say(self.actions.reply(row, text)))
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()  # non-blocking: exec() would stall the asyncio loop mid-show

    def hide_selected(self) -> None:
        row = self.selected()
        if row is not None and self.actions is not None:
            self.actions.hide(row)

    def block_selected(self) -> None:
        row = self.selected()
        if row is not None and self.actions is not None:
            self._say(self.actions.block(row))
