"""PySide6 6.12.0 releases a reference to None every time a Qt call returns None (an empty
QListWidget.currentItem(), a model's data() for an unset role …). pyqtgraph and every list view
do that many times a second, so None's count reaches zero within minutes of a show and Python
aborts ("none_dealloc: deallocating None"). pyproject pins PySide6 below 6.12; this guards it."""

import sys

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QListWidget


class _Model(QAbstractListModel):
    def rowCount(self, parent=QModelIndex()):  # noqa: N802
        return 1

    def data(self, index, role=Qt.DisplayRole):
        return None


def test_qt_calls_returning_none_keep_nones_refcount(qtbot):
    widget = QListWidget()
    qtbot.addWidget(widget)
    model = _Model()  # kept alive: an index outlives nothing
    index = model.index(0)
    before = sys.getrefcount(None)
    for _ in range(2000):
        widget.currentItem()
        index.data(Qt.UserRole)
    assert sys.getrefcount(None) >= before - 50, "this PySide6 over-releases None; see pyproject pin"
