"""What is on air: the host's choices, shared between the UI thread and the video worker.

Qt-free and thread-safe. The UI calls put_on/take_off/next_shade/…; the processing worker reads
an immutable `snapshot()` each frame and builds its own renderers from it, so no renderer is
ever touched by two threads. Every change of the on-air set is published to the hub as a
TRYON_ON_AIR Action (the session log records it); `changed` listeners (the panel) hear of any
change. A product card or show segment that puts its product's try-on on air (their action's
"tryon" is true) puts it on the host here, so what is on air is one fact everywhere.
"""

from __future__ import annotations

import itertools
import logging
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from console.core import actions
from console.core.events import Action, ActionSource
from console.core.signal import Signal

from .base import RENDERERS, Property
from .catalog import Catalog, Product

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WornItem:
    sku: str
    item: str
    props: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Snapshot:
    version: int
    items: tuple[WornItem, ...]
    split: float | None
    """Before/after wipe position 0..1 (left of it = before), None = off."""


class TryOnController:
    def __init__(self, hub: Any | None = None, catalog: Catalog | None = None) -> None:
        self.hub = hub
        self.catalog = catalog if catalog is not None else Catalog.load()
        self._lock = threading.RLock()
        self._worn: dict[str, dict[str, Any]] = {}  # sku → {"shade": int|None, "overrides": {...}}
        self._split: float | None = None
        self._status = ""
        self._version = 0
        self._snapshot = Snapshot(0, (), None)
        self.changed = Signal("tryon.changed")
        """After any change, on the thread that made it (a panel hands itself to the GUI thread)."""
        self._ids = itertools.count(1)
        self._prefix = f"tryon-{secrets.token_hex(3)}"
        self._not_drawn: frozenset[str] = frozenset()
        self._subscription = hub.subscribe(self._on_actions, name="tryon", kinds=("action",)) if hub else None

    # ---- reading -------------------------------------------------------------------------
    def product(self, sku: str) -> Product:
        return self.catalog.get(sku)

    def on_air(self) -> list[str]:
        with self._lock:
            return list(self._worn)

    def shade_index(self, sku: str) -> int | None:
        with self._lock:
            state = self._worn.get(sku)
            return None if state is None else state["shade"]

    def props(self, sku: str) -> dict[str, Any]:
        """The effective properties of a product (worn or not)."""
        product = self.catalog.get(sku)
        with self._lock:
            state = self._worn.get(sku)
            merged = product.props_for(state["shade"] if state else (0 if product.shades else None))
            if state:
                merged.update(state["overrides"])
        return merged

    def properties(self, sku: str) -> tuple[Property, ...]:
        return RENDERERS[self.catalog.get(sku).item].properties

    @property
    def split(self) -> float | None:
        return self._split

    @property
    def status(self) -> str:
        return self._status

    def snapshot(self) -> Snapshot:
        return self._snapshot

    # ---- changing ------------------------------------------------------------------------
    def put_on(self, sku: str) -> None:
        product = self.catalog.get(sku)
        if not product.has_tryon:
            raise KeyError(f"{product.name_en} ({sku}) has no try-on")
        with self._lock:
            if sku in self._worn:
                return
            # One of each item kind on the face at a time: a second lipstick replaces the first.
            for other in [s for s in self._worn if self.catalog.get(s).item == product.item]:
                del self._worn[other]
            self._worn[sku] = {"shade": 0 if product.shades else None, "overrides": {}}
        self._changed(on_air_changed=True)

    def take_off(self, sku: str) -> None:
        with self._lock:
            if self._worn.pop(sku, None) is None:
                return
        self._changed(on_air_changed=True)

    def toggle(self, sku: str) -> bool:
        """Put on or take off; returns whether it is on air afterwards."""
        with self._lock:
            worn = sku in self._worn
        if worn:
            self.take_off(sku)
        else:
            self.put_on(sku)
        return not worn

    def clear(self) -> None:
        with self._lock:
            if not self._worn:
                return
            self._worn.clear()
        self._changed(on_air_changed=True)

    def next_shade(self, sku: str, step: int = 1) -> int | None:
        """Cycle to the next (or previous, step=-1) shade, putting the product on if needed."""
        product = self.catalog.get(sku)
        if not product.shades:
            return None
        with self._lock:
            state = self._worn.get(sku)  # checked and used under one lock: another thread may take it off
            put_on_first = state is None
            if state is not None:
                state["shade"] = ((state["shade"] or 0) + step) % len(product.shades)
                # A new shade replaces the host's manual tweaks of the keys it defines.
                for key in product.shades[state["shade"]].props:
                    state["overrides"].pop(key, None)
                shade = state["shade"]
        if put_on_first:
            self.put_on(sku)  # first press puts the product on in its first shade
            return self.shade_index(sku)
        self._changed()
        return shade

    def set_property(self, sku: str, key: str, value: Any) -> None:
        product = self.catalog.get(sku)
        keys = {p.key for p in RENDERERS[product.item].properties}
        if key not in keys:
            raise KeyError(f"{product.name_en} has no setting {key!r}")
        with self._lock:
            if sku not in self._worn:
                self._worn[sku] = {"shade": 0 if product.shades else None, "overrides": {}}
                on_air_changed = True
            else:
                on_air_changed = False
            self._worn[sku]["overrides"][key] = value
        self._changed(on_air_changed=on_air_changed)

    def set_split(self, x: float | None) -> None:
        with self._lock:
            self._split = None if x is None else min(max(float(x), 0.0), 1.0)
        self._changed()

    def set_not_drawn(self, skus: list[str], reason: str) -> None:
        """Set by the processor: worn items it cannot draw (their tracker's model is broken).
        The log's on-air record then lists only what the video really shows."""
        with self._lock:
            self._not_drawn = frozenset(skus)
            drawn = [s for s in self._worn if s not in self._not_drawn]
        if self.hub is not None:
            self.hub.publish(Action(platform="console", msg_id=f"{self._prefix}-{next(self._ids)}", ts=time.time(),
                                    name=actions.TRYON_ON_AIR, source=ActionSource.SYSTEM,
                                    detail={"skus": drawn, "not_drawn": sorted(skus), "reason": reason}))
        self._notify()

    def set_status(self, text: str) -> None:
        """Set by the processor: the reason try-on is off ("" when all is well)."""
        if text == self._status:
            return
        self._status = text
        self._notify()

    def subscribe(self, callback: Callable[[], None]) -> None:
        """`callback()` after any change, on the thread that made it (UI: marshal to Qt yourself)."""
        self.changed.connect(callback)

    def close(self) -> None:
        if self._subscription is not None:
            self.hub.unsubscribe(self._subscription)
            self._subscription = None

    def _on_actions(self, batch) -> None:
        for action in batch:
            if action.name in (actions.PRODUCT_CARD, actions.SHOW_SEGMENT) and action.detail.get("tryon"):
                product = self.catalog.find(action.detail.get("sku"))
                if product is not None and product.has_tryon:
                    self.put_on(product.sku)

    # ---- internals -----------------------------------------------------------------------
    def _changed(self, on_air_changed: bool = False) -> None:
        with self._lock:
            self._version += 1
            items = tuple(
                WornItem(sku, self.catalog.get(sku).item, self._effective(sku, st)) for sku, st in self._worn.items()
            )
            self._snapshot = Snapshot(self._version, items, self._split)
            skus = [s for s in self._worn if s not in self._not_drawn]
        if on_air_changed and self.hub is not None:
            self.hub.publish(
                Action(
                    platform="console",
                    msg_id=f"{self._prefix}-{next(self._ids)}",
                    ts=time.time(),
                    name=actions.TRYON_ON_AIR,
                    source=ActionSource.HOST,
                    detail={"skus": skus},
                )
            )
        self._notify()

    def _effective(self, sku: str, state: dict[str, Any]) -> dict[str, Any]:
        merged = self.catalog.get(sku).props_for(state["shade"])
        merged.update(state["overrides"])
        return merged

    def _notify(self) -> None:
        self.changed.emit()  # a broken listener is logged by Signal; the host's click goes through
