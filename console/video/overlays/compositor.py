"""Overlays composited into the program frames, after try-on, on the processing worker thread.

`process()` returns the program frame itself (cropped to 16:9 or 9:16, overlays on), so the
preview shows exactly what goes out. Per frame the work is: read the snapshot, look up each
element's cached tile, blend each tile into its own rectangle. Pillow runs only when what an
element shows changes (at most once a second for a ticking timer; throttled for vote floods).
"""

from __future__ import annotations

import logging
from typing import Callable

import numpy as np

from console.interact.registry import load_kinds
from console.interact.views import OverlayState

from . import registry
from .fonts import FontBook, shared_fonts
from .framing import check_aspect, program_frame
from .layout import Placement, arrange, column_names
from .style import Style
from .tile import Tile, TileCache

log = logging.getLogger(__name__)

LANGS = ("zh", "en")


class OverlayCompositor:
    name = "overlays"

    def __init__(self, state_source: Callable[[], OverlayState], *, aspect: str = "16:9",
                 lang: str = "zh", fonts: FontBook | None = None) -> None:
        self._source = state_source
        self._aspect = check_aspect(aspect)
        self._lang = lang if lang in LANGS else "zh"
        self.fonts = fonts or shared_fonts()
        self.elements = registry.load_elements()
        registry.check(column_names(), {k.name: k.element for k in load_kinds()})
        self.caches: dict[str, TileCache] = {name: TileCache() for name in self.elements}
        self.enabled: set[str] = {n for n, el in self.elements.items() if el.default_on}
        """Standing elements the host switched on (elements without a toggle are always on)."""
        self.last_layout: list[Placement] = []
        self._scale_memo: tuple[tuple, float] | None = None
        self._source_failed = False

    # Called from the UI thread; a plain attribute swap is atomic, the worker picks it up next frame.
    def set_aspect(self, aspect: str) -> None:
        self._aspect = check_aspect(aspect)

    @property
    def aspect(self) -> str:
        return self._aspect

    def set_language(self, lang: str) -> None:
        self._lang = lang if lang in LANGS else "zh"

    @property
    def language(self) -> str:
        return self._lang

    def set_enabled(self, name: str, on: bool) -> None:
        # A new set, swapped in whole: the worker thread iterates the old one safely.
        self.enabled = (self.enabled | {name}) if on else (self.enabled - {name})

    @property
    def font_warning(self) -> str | None:
        """Non-None when Chinese may not display (no CJK font); the UI shows it once."""
        return self.fonts.warning

    def process(self, image: np.ndarray, ts_ms: int) -> np.ndarray:
        frame = program_frame(image, self._aspect)
        state = self._snapshot()
        if state is None:
            self.last_layout = []
            return frame
        enabled = self.enabled
        views = {name: el.view_of(state) for name, el in self.elements.items()
                 if name in enabled or el.toggle is None}
        present = {name for name, view in views.items() if view is not None}
        if not present:
            self.last_layout = []
            return frame
        if not frame.flags.writeable:
            frame = frame.copy()
        h, w = frame.shape[:2]
        lang = self._lang

        def render(kind: str, width: int, unit: float) -> Tile:
            el = self.elements[kind]
            view = views[kind]
            style = Style(unit, lang, self.fonts)
            identity, key = el.key(view, width, style)
            return self.caches[kind].get(identity, key, ts_ms, lambda: el.render(view, width, style))

        aspect = self._aspect
        memo_key = (w, h, aspect, lang, frozenset(present))
        start = self._scale_memo[1] if self._scale_memo and self._scale_memo[0] == memo_key else 1.0
        stacks: dict[str, list[str]] = {}
        for name in sorted(present, key=lambda n: (self.elements[n].slots[aspect].order, n)):
            stacks.setdefault(self.elements[name].slots[aspect].column, []).append(name)
        placements, scale = arrange(w, h, aspect, stacks, render, start)
        self._scale_memo = (memo_key, scale)
        for p in placements:
            p.tile.blend_into(frame, p.x, p.y)
        self.last_layout = placements
        return frame

    def _snapshot(self) -> OverlayState | None:
        try:
            state = self._source()
        except Exception:  # a bad snapshot must never take the video down
            if not self._source_failed:
                log.exception("Overlay state could not be read; the video continues without overlays")
                self._source_failed = True
            return None
        self._source_failed = False
        return state

    def close(self) -> None:
        for cache in self.caches.values():
            cache.clear()
        self.last_layout = []
