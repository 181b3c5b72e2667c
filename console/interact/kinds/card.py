"""The engine of kinds that only hold a card on the video until the host takes it off."""

from __future__ import annotations

from typing import Any

from console.core import actions as A
from console.core.events import ActionSource

from ..outbox import Outbox
from ..results import Result, ok


class CardEngine:
    def __init__(self, outbox: Outbox, kind: str) -> None:
        self.outbox = outbox
        self.kind = kind
        self.current: Any = None

    def show(self, view: Any) -> None:
        self.current = view

    def view(self) -> Any:
        return self.current

    def stop(self, source: ActionSource) -> Result:
        self.current = None
        self.outbox.emit(A.OVERLAY_CLEAR, {"kind": self.kind}, source)
        return ok("stop.removed")
