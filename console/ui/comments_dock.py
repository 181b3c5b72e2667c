"""The live comment panel: filterable, auto-scrolling unless the host scrolled up."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLineEdit, QListView, QVBoxLayout, QWidget

from console.i18n import pick

from .comments_model import CommentsModel, KindRole


class _KindFilter(QSortFilterProxyModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.comments_only = False

    def filterAcceptsRow(self, row: int, parent) -> bool:  # noqa: N802 — Qt API
        if self.comments_only:
            kind = self.sourceModel().index(row, 0, parent).data(KindRole)
            if kind != "comment":
                return False
        return super().filterAcceptsRow(row, parent)


class CommentsPanel(QWidget):
    def __init__(self, model: CommentsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = _KindFilter(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self.search = QLineEdit(placeholderText=pick("Filter comments…", "筛选评论…"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.only_comments = QCheckBox(pick("Comments only", "仅评论"))
        self.only_comments.toggled.connect(self._set_comments_only)
        self.view = QListView()
        self.view.setModel(self.proxy)
        self.view.setUniformItemSizes(True)  # constant row height: layout is computed once
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.ElideRight)
        self.view.setSelectionMode(QListView.ExtendedSelection)
        self._follow = True
        self.view.verticalScrollBar().valueChanged.connect(self._on_scroll)
        self.proxy.rowsInserted.connect(self._autoscroll)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.only_comments)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)

    def _set_comments_only(self, on: bool) -> None:
        self.proxy.comments_only = on
        self.proxy.invalidateFilter()

    def _on_scroll(self, value: int) -> None:
        bar = self.view.verticalScrollBar()
        self._follow = value >= bar.maximum() - 2

    def _autoscroll(self, *args) -> None:
        if self._follow:
            self.view.scrollToBottom()
