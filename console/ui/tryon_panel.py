"""The try-on panel: product cards, shades, item settings and the before/after wipe.

One click (or number key 1–9) puts a product on the host and marks it on air; S / Shift+S cycle
the selected product's shades; B toggles the before/after wipe. Hotkeys are application-wide so
they work while the video has focus; text fields still get their digits (Qt gives a focused line
edit the key first). Controls are built from each renderer's declared properties.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.i18n import pick
from console.video.tryon.base import Property
from console.video.tryon.catalog import Product
from console.video.tryon.controller import TryOnController

from .taskman import coalesced

CARD_ICON = 72
COLOR_KEYS = ("color", "gem_color", "metal_color", "frame_color", "lens_color", "metal", "polish")


def thumbnail(product: Product, size: int = CARD_ICON) -> QPixmap:
    if product.thumbnail is not None and product.thumbnail.exists():
        pix = QPixmap(str(product.thumbnail))
        if not pix.isNull():
            return pix.scaled(size, size, Qt.KeepAspectRatio, Qt.SmoothTransformation)
    # No picture shipped: a swatch of the product's main colour with its initial.
    props = product.props_for(0 if product.shades else None)
    colour = next((props[k] for k in COLOR_KEYS if isinstance(props.get(k), str) and props[k].startswith("#")), "#808080")
    pix = QPixmap(size, size)
    pix.fill(Qt.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.Antialiasing)
    p.setBrush(QColor(colour))
    p.setPen(Qt.NoPen)
    p.drawRoundedRect(4, 4, size - 8, size - 8, 10, 10)
    p.setPen(QColor("white") if QColor(colour).lightness() < 140 else QColor("black"))
    font = p.font()
    font.setPointSize(max(8, size // 5))
    font.setBold(True)
    p.setFont(font)
    p.drawText(pix.rect(), Qt.AlignCenter, product.item[:1].upper())
    p.end()
    return pix


class TryOnPanel(QWidget):
    def __init__(self, controller: TryOnController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.selected: str | None = None
        self.cards: dict[str, QToolButton] = {}
        # Controller changes can come from any thread: one queued refresh on the GUI thread.
        self._queue_refresh = coalesced(lambda: self.refresh())
        listener = controller.changed.connect(self._queue_refresh)
        self.destroyed.connect(lambda *_: controller.changed.disconnect(listener))

        self.status = QLabel(wordWrap=True)
        self.status.setObjectName("tryonStatus")
        self.status.setStyleSheet("color: #ff8a8a; font-weight: 600;")
        self.on_air_label = QLabel(wordWrap=True)

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setSpacing(6)
        for i, product in enumerate(controller.catalog.tryon()):
            card = QToolButton()
            card.setCheckable(True)
            card.setToolButtonStyle(Qt.ToolButtonTextUnderIcon)
            card.setIcon(QIcon(thumbnail(product)))
            card.setIconSize(QSize(CARD_ICON, CARD_ICON))
            key = f"{i + 1} · " if i < 9 else ""
            card.setText(f"{key}{product.name_zh}\n{product.name_en}\n{product.currency} {product.price:g}")
            card.setToolTip(f"{product.sku} — {product.name_en} / {product.name_zh}")
            card.setMinimumWidth(130)
            card.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
            card.setStyleSheet("QToolButton:checked { background: #ff3b5c; color: white; border-radius: 6px; }")
            card.clicked.connect(lambda _=False, sku=product.sku: self.click(sku))
            grid.addWidget(card, i // 2, i % 2)
            self.cards[product.sku] = card
        scroll = QScrollArea()
        scroll.setWidget(grid_host)
        scroll.setWidgetResizable(True)

        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600;")
        self.shade_label = QLabel()
        self.shade_prev = QPushButton(pick("◀ Shade", "◀ 色号"))
        self.shade_next = QPushButton(pick("Shade ▶ (S)", "色号 ▶ (S)"))
        self.shade_prev.clicked.connect(lambda: self.cycle_shade(-1))
        self.shade_next.clicked.connect(lambda: self.cycle_shade(1))
        shade_row = QHBoxLayout()
        for w in (self.shade_prev, self.shade_label, self.shade_next):
            shade_row.addWidget(w)
        self.props_host = QWidget()
        self.props_form = QFormLayout(self.props_host)
        self.controls: dict[str, QWidget] = {}

        self.split_toggle = QPushButton(pick("Before / After (B)", "试色对比 (B)"))
        self.split_toggle.setCheckable(True)
        self.split_toggle.toggled.connect(self._split_toggled)
        self.split_slider = QSlider(Qt.Horizontal)
        self.split_slider.setRange(0, 100)
        self.split_slider.setValue(50)
        self.split_slider.setEnabled(False)
        self.split_slider.valueChanged.connect(self._split_moved)
        clear = QPushButton(pick("Take all off", "全部卸下"))
        clear.clicked.connect(controller.clear)
        split_row = QHBoxLayout()
        split_row.addWidget(self.split_toggle)
        split_row.addWidget(self.split_slider, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.on_air_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.title)
        layout.addLayout(shade_row)
        layout.addWidget(self.props_host)
        layout.addLayout(split_row)
        layout.addWidget(clear)

        self.shortcuts: list[QShortcut] = []
        for i, product in enumerate(controller.catalog.tryon()[:9]):
            self._shortcut(str(i + 1), lambda sku=product.sku: self.click(sku))
        self._shortcut("S", lambda: self.cycle_shade(1))
        self._shortcut("Shift+S", lambda: self.cycle_shade(-1))
        self._shortcut("B", self.split_toggle.toggle)
        self.refresh()

    def _shortcut(self, keys: str, slot) -> None:
        sc = QShortcut(QKeySequence(keys), self)
        sc.setContext(Qt.ApplicationShortcut)
        sc.activated.connect(slot)
        self.shortcuts.append(sc)

    # ---- actions ---------------------------------------------------------------------------
    def click(self, sku: str) -> None:
        """A card click: toggle the product on air and show its settings."""
        on = self.controller.toggle(sku)
        if on or self.selected == sku:
            self.select(sku if on else (self.controller.on_air() or [None])[-1])

    def select(self, sku: str | None) -> None:
        self.selected = sku
        self._build_controls()
        self.refresh()

    def cycle_shade(self, step: int) -> None:
        if self.selected is None:
            return
        self.controller.next_shade(self.selected, step)

    def _split_toggled(self, on: bool) -> None:
        self.split_slider.setEnabled(on)
        self.controller.set_split(self.split_slider.value() / 100 if on else None)

    def _split_moved(self, value: int) -> None:
        if self.split_toggle.isChecked():
            self.controller.set_split(value / 100)

    # ---- property controls -----------------------------------------------------------------
    def _build_controls(self) -> None:
        while self.props_form.rowCount():
            self.props_form.removeRow(0)
        self.controls.clear()
        if self.selected is None:
            return
        values = self.controller.props(self.selected)
        for prop in self.controller.properties(self.selected):
            widget = self._control(prop, values.get(prop.key, prop.default))
            self.controls[prop.key] = widget
            self.props_form.addRow(pick(prop.label_en, prop.label_zh), widget)

    def _set(self, key: str, value: Any) -> None:
        if self.selected is not None:
            self.controller.set_property(self.selected, key, value)

    def _control(self, prop: Property, value: Any) -> QWidget:
        key = prop.key
        if prop.type == "color":
            button = QPushButton(str(value))
            button.setStyleSheet(f"background: {value}; color: {'white' if QColor(value).lightness() < 140 else 'black'};")

            def choose() -> None:
                colour = QColorDialog.getColor(QColor(button.text()), self, pick(prop.label_en, prop.label_zh))
                if colour.isValid():
                    self._set(key, colour.name())

            button.clicked.connect(choose)
            return button
        if prop.type == "choice":
            combo = QComboBox()
            combo.addItems(list(prop.choices))
            combo.setCurrentText(str(value))
            combo.currentTextChanged.connect(lambda text: self._set(key, text))
            return combo
        if prop.type == "bool":
            box = QCheckBox()
            box.setChecked(bool(value))
            box.toggled.connect(lambda on: self._set(key, on))
            return box
        if prop.type == "float" and prop.minimum is not None and prop.maximum is not None:
            slider = QSlider(Qt.Horizontal)
            slider.setRange(0, 100)
            lo, hi = prop.minimum, prop.maximum
            slider.setValue(round((float(value) - lo) / (hi - lo) * 100))
            slider.valueChanged.connect(lambda v: self._set(key, lo + (hi - lo) * v / 100))
            return slider
        spin = QDoubleSpinBox()
        spin.setDecimals(0 if prop.type == "int" else 2)
        spin.setRange(prop.minimum if prop.minimum is not None else -1e6, prop.maximum if prop.maximum is not None else 1e6)
        spin.setValue(float(value))
        spin.valueChanged.connect(lambda v: self._set(key, int(v) if prop.type == "int" else v))
        return spin

    def _sync_control_values(self) -> None:
        if self.selected is None:
            return
        values = self.controller.props(self.selected)
        for prop in self.controller.properties(self.selected):
            w = self.controls.get(prop.key)
            value = values.get(prop.key, prop.default)
            if isinstance(w, QPushButton) and prop.type == "color":
                w.setText(str(value))
                w.setStyleSheet(f"background: {value}; color: {'white' if QColor(value).lightness() < 140 else 'black'};")
            elif isinstance(w, QComboBox) and w.currentText() != str(value):
                w.blockSignals(True)
                w.setCurrentText(str(value))
                w.blockSignals(False)
            elif isinstance(w, QCheckBox) and w.isChecked() != bool(value):
                w.blockSignals(True)
                w.setChecked(bool(value))
                w.blockSignals(False)

    # ---- refresh from the controller ---------------------------------------------------------
    def refresh(self) -> None:
        c = self.controller
        on_air = c.on_air()
        for sku, card in self.cards.items():
            card.setChecked(sku in on_air)
        names = [f"{c.product(s).name_zh} {c.product(s).name_en}" for s in on_air]
        self.on_air_label.setText(
            pick("On air: ", "直播中：") + (", ".join(names) if names else pick("nothing", "无"))
        )
        self.status.setText(c.status)
        self.status.setVisible(bool(c.status))
        if self.selected is not None and self.selected not in c.catalog:
            self.selected = None
        if self.selected is None:
            self.title.setText(pick("Click a product to try it on", "点击商品即可试戴"))
            self.shade_label.setText("")
            for w in (self.shade_prev, self.shade_next):
                w.setEnabled(False)
            return
        product = c.product(self.selected)
        self.title.setText(f"{product.name_zh} · {product.name_en}  ({product.sku})")
        shade = c.shade_index(self.selected)
        has_shades = bool(product.shades)
        for w in (self.shade_prev, self.shade_next):
            w.setEnabled(has_shades)
        if has_shades:
            s = product.shades[shade or 0]
            self.shade_label.setText(f"{(shade or 0) + 1}/{len(product.shades)} {s.name_zh} {s.name_en}")
        else:
            self.shade_label.setText(pick("one colour", "单一款式"))
        self._sync_control_values()
