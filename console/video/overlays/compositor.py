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

from console.interact.views import OverlayState

from .elements import RENDERERS
from .fonts import FontBook, shared_fonts
from .framing import check_aspect, program_frame
from .layout import Placement, arrange
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
        self.caches: dict[str, TileCache] = {kind: TileCache() for kind in RENDERERS}
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
    def font_warning(self) -> str | None:
        """Non-None when Chinese may not display (no CJK font); the UI shows it once."""
        return self.fonts.warning

    def process(self, image: np.ndarray, ts_ms: int) -> np.ndarray:
        frame = program_frame(image, self._aspect)
        state = self._snapshot()
        if state is None:
            self.last_layout = []
            return frame
        present = {kind for kind in RENDERERS if getattr(state, kind) is not None}
        if not present:
            self.last_layout = []
            return frame
        if not frame.flags.writeable:
            frame = frame.copy()
        h, w = frame.shape[:2]
        lang = self._lang

        def render(kind: str, width: int, unit: float) -> Tile:
            key_fn, render_fn = RENDERERS[kind]
            view = getattr(state, kind)
            style = Style(unit, lang, self.fonts)
            identity, key = key_fn(view, width, style)
            return self.caches[kind].get(identity, key, ts_ms, lambda: render_fn(view, width, style))

        memo_key = (w, h, self._aspect, lang, frozenset(present))
        start = self._scale_memo[1] if self._scale_memo and self._scale_memo[0] == memo_key else 1.0
        placements, scale = arrange(w, h, self._aspect, present, render, start)
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
