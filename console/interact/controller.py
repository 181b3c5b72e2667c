"""The one object the UI, hotkeys and the run-of-show talk to for interactions.

Public surface is fixed (overlays and UI panels code against it). Engines behind it are filled in
module by module.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from console.core.clock import Clock, SystemClock
from console.core.events import ActionSource
from console.core.hub import SessionHub

from .presets import Preset
from .results import Result
from .views import OverlayState

__all__ = ["Interactions", "Result", "Preset"]


class Interactions:
    def __init__(self, hub: SessionHub, clock: Clock | None = None, *, coupon_backend=None,
                 fatigue=None, lint=None, presets: list[Preset] | None = None) -> None:
        self.hub = hub
        self.clock = clock or SystemClock()
        self.presets: list[Preset] = presets or []

    def open_poll(self, question: str, options: list[str], *, duration_s: float | None = 60,
                  keywords: list[list[str]] | None = None, source: ActionSource = ActionSource.HOST,
                  override_lint: bool = False, allow_change: bool = False) -> Result:
        raise NotImplementedError

    def close_poll(self, source: ActionSource = ActionSource.HOST) -> Result:
        raise NotImplementedError

    def start_lottery(self, keyword: str, *, window_s: float = 60, winners: int = 1,
                      rules: Any = None, source: ActionSource = ActionSource.HOST,
                      override_lint: bool = False) -> Result:
        raise NotImplementedError

    def close_lottery_entries(self, source: ActionSource = ActionSource.HOST) -> Result:
        raise NotImplementedError

    def draw(self, source: ActionSource = ActionSource.HOST) -> Result:
        raise NotImplementedError

    def reroll(self, count: int = 1, source: ActionSource = ActionSource.HOST) -> Result:
        raise NotImplementedError

    def drop_coupon(self, title: str, keyword: str, *, quantity: int, percent_off: float | None = None,
                    amount_off: float | None = None, min_spend: float = 0, per_viewer_limit: int = 1,
                    expires_s: float = 600, like_goal: int | None = None, drop_in_s: float | None = None,
                    source: ActionSource = ActionSource.HOST, override_lint: bool = False) -> Result:
        raise NotImplementedError

    def start_countdown(self, seconds: float, label: str, *, flash_sale: bool = False,
                        sku: str | None = None, price: float | None = None,
                        source: ActionSource = ActionSource.HOST, override_lint: bool = False) -> Result:
        raise NotImplementedError

    def stop(self, kind: str, source: ActionSource = ActionSource.HOST) -> Result:
        raise NotImplementedError

    def show_product_card(self, sku: str, name: str, price: float, currency: str = "CNY",
                          coupon_text: str | None = None, source: ActionSource = ActionSource.HOST,
                          override_lint: bool = False) -> Result:
        raise NotImplementedError

    def pin_comment(self, viewer_name: str, text: str, source: ActionSource = ActionSource.HOST,
                    override_lint: bool = False) -> Result:
        raise NotImplementedError

    def run_preset(self, preset_id: str, *, override_lint: bool = False,
                   source: ActionSource = ActionSource.HOST) -> Result:
        raise NotImplementedError

    def snapshot(self) -> OverlayState:
        raise NotImplementedError

    def tick(self) -> list[Result]:
        raise NotImplementedError

    def add_listener(self, fn: Callable[[], None]) -> None:
        raise NotImplementedError
