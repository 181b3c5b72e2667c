"""TryOnProcessor: the FrameProcessor the video worker calls for every frame.

Two stages, so the video pipeline can overlap them (infer frame N+1 while frame N is drawn):
`track()` reads the controller's snapshot and runs only the trackers the worn items need (each
created on first use, on the pipeline's track thread) and nothing else — it is the pipeline's
critical path; `render()` measures the scene's brightness, draws the items of that same snapshot
in layer order inside their own regions, then the before/after wipe (on the render thread, which
alone owns the renderers). `process()` does both, for stills and tests. Per-stage
timings are kept for `bench video` and the status bar. A model that cannot load turns try-on off
with a message; the frame passes through.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from .base import RENDERERS, Renderer, Tracking
from .blend import to_lab
from .catalog import load_renderers
from .controller import Snapshot, TryOnController
from .models import ModelError
from .trackers import Frame, TrackerSpec, run_order

log = logging.getLogger(__name__)

DEFAULT_LAYER = 50


def scene_luma(image: np.ndarray) -> float:
    """Mean brightness from a sparse grid of pixels (~3,600 samples at 720p).

    A nearest-neighbour resize picks the grid in one native call (the strided numpy slice plus
    reshape made a copy and a float64 mean: ~0.3 ms). Computed on the render side, where it is
    used — the track thread runs only what the models need.
    """
    h, w = image.shape[:2]
    step = max(1, min(h, w) // 45)
    grid = cv2.resize(image, (max(1, w // step), max(1, h // step)), interpolation=cv2.INTER_NEAREST)
    b, g, r = cv2.mean(grid)[:3]
    return (0.114 * b + 0.587 * g + 0.299 * r) / 255.0


def draw_split(image: np.ndarray, x: int) -> None:
    h = image.shape[0]
    cv2.line(image, (x, 0), (x, h - 1), (255, 255, 255), 2, cv2.LINE_AA)
    r = max(8, h // 45)
    cv2.circle(image, (x, h // 2), r, (255, 255, 255), -1, cv2.LINE_AA)
    for d in (-1, 1):  # ◂ ▸ arrows on the handle
        tip = (x + d * int(r * 0.7), h // 2)
        pts = np.array([tip, (x + d * int(r * 0.2), h // 2 - r // 2), (x + d * int(r * 0.2), h // 2 + r // 2)], np.int32)
        cv2.fillPoly(image, [pts], (60, 60, 60), cv2.LINE_AA)


@dataclass(slots=True)
class Tracked:
    """What `track()` hands to `render()` for one frame."""

    snapshot: Snapshot
    """The on-air set the trackers ran for; `render()` draws exactly these items."""
    tracking: Tracking | None
    """None: nothing to draw (no items, or try-on is off)."""
    timings: dict[str, float] = field(default_factory=dict)


class TryOnProcessor:
    name = "tryon"

    def __init__(self, controller: TryOnController, models_dir: Path | None = None, history: int = 600,
                 skip_still: bool = True) -> None:
        load_renderers()
        self.skip_still = skip_still
        self.controller = controller
        self.models_dir = models_dir
        self._version = -1
        self._renderers: list[tuple[str, Renderer]] = []
        self._trackers: dict[str, Any] = {}
        self.error = ""
        self._warm = False
        self.last_timings: dict[str, float] = {}
        self.history: dict[str, deque[float]] = {}
        self._history_len = history
        self.frames = 0
        self._face_counts = (0, 0)
        self._failed: set[str] = set()
        self._broken: dict[str, str] = {}
        """Tracker name -> why its model is unusable; items that need it are not drawn."""
        self._not_drawn: frozenset[str] = frozenset()

    # ---- renderers -----------------------------------------------------------------------
    def _sync(self, snap: Snapshot) -> None:
        if snap.version == self._version:
            return
        self._version = snap.version
        old = dict(self._renderers)
        built: list[tuple[str, Renderer]] = []
        for worn in snap.items:
            cls = RENDERERS.get(worn.item)
            if cls is None:
                continue
            renderer = old.get(worn.sku)
            try:
                if renderer is None or type(renderer) is not cls:
                    renderer = cls(**worn.props)
                else:
                    for key, value in worn.props.items():
                        renderer.set(key, value)
            except (KeyError, ValueError, TypeError) as exc:
                log.warning("try-on item %s skipped: %s", worn.sku, exc)
                continue
            built.append((worn.sku, renderer))
        built.sort(key=lambda pair: getattr(pair[1], "layer", DEFAULT_LAYER))
        self._renderers = built

    def _tracker(self, spec: TrackerSpec) -> Any:
        tracker = self._trackers.get(spec.name)
        if tracker is None:
            tracker = self._trackers[spec.name] = spec.create(self.models_dir, {"skip_still": self.skip_still})
        return tracker

    def _break(self, spec: TrackerSpec, error: ModelError) -> None:
        """One tracker's model is unusable: only the items that need it go off (a damaged face
        model must not take the rings and watches with it); the others keep being drawn."""
        self._broken[spec.name] = str(error)
        self.error = str(error)
        log.error("try-on: %s is off: %s", spec.name, error)
        self.controller.set_status(self.error)
        tracker = self._trackers.pop(spec.name, None)
        if tracker is not None:
            try:
                tracker.close()
            except Exception:  # noqa: BLE001 — it is broken already
                log.exception("closing the broken %s tracker failed", spec.name)

    def _blocked(self, kind: str) -> bool:
        cls = RENDERERS.get(kind)
        return cls is None or bool(set(cls.needs) & set(self._broken))

    def _report_not_drawn(self, snap: Snapshot) -> None:
        """Tell the controller which worn items cannot be drawn, so the log never says a product
        is on air while the video does not show it."""
        not_drawn = frozenset(w.sku for w in snap.items if self._blocked(w.item))
        if not_drawn != self._not_drawn:
            self._not_drawn = not_drawn
            self.controller.set_not_drawn(sorted(not_drawn), self.error)

    def _time(self, timings: dict[str, float], stage: str, t0: float) -> float:
        now = time.perf_counter()
        self._add(timings, stage, (now - t0) * 1000.0)
        return now

    def _add(self, timings: dict[str, float], stage: str, ms: float) -> None:
        timings[stage] = ms
        hist = self.history.get(stage)
        if hist is None:
            hist = self.history[stage] = deque(maxlen=self._history_len)
        hist.append(ms)

    # ---- FrameProcessor (two stages) --------------------------------------------------------
    def track(self, image: np.ndarray, ts_ms: int) -> Tracked:
        """Run the trackers the worn items need on this (untouched) camera frame."""
        self.frames += 1
        snap = self.controller.snapshot()
        if self._broken:
            self._report_not_drawn(snap)
        if not snap.items:
            return Tracked(snap, None)
        # From the renderer classes, not instances: the render thread owns the instances.
        needs = set().union(*(RENDERERS[w.item].needs for w in snap.items if w.item in RENDERERS))
        timings: dict[str, float] = {}
        t = time.perf_counter()
        t_start = t
        tracking = Tracking()  # scene_luma is filled in by render(), off the track thread
        frame = Frame(image, ts_ms, tracking)
        order = run_order(needs)
        if any(spec.rgb for spec in order):  # the one colour conversion, timed on its own
            frame.rgb()
            t = self._time(timings, "convert_rgb", t)
        for spec in order:
            if spec.name in self._broken or any(dep in self._broken for dep in spec.after):
                self._broken.setdefault(spec.name, next((self._broken[d] for d in spec.after if d in self._broken), ""))
                continue
            try:
                result = spec.update(self._tracker(spec), frame)
            except ModelError as exc:
                self._break(spec, exc)
                self._report_not_drawn(snap)
                continue
            if hasattr(tracking, spec.output):
                setattr(tracking, spec.output, result)
            else:
                tracking.extra[spec.output] = result
            t = self._time(timings, f"inference.{spec.name}", t)
        self._time(timings, "track_total", t_start)
        return Tracked(snap, tracking, timings)

    def render(self, image: np.ndarray, ts_ms: int, tracked: Tracked) -> np.ndarray:
        """Draw the items of `tracked.snapshot` using its tracking; in place."""
        self._sync(tracked.snapshot)
        timings = tracked.timings
        self.last_timings = timings
        if tracked.tracking is None or not self._renderers:
            return image
        if not self._warm:  # OpenCV builds its Lab tables on first use (~90 ms): not mid-show
            to_lab(np.zeros((2, 2, 3), np.uint8))
            self._warm = True
        tracking = tracked.tracking
        t = t_start = time.perf_counter()
        tracking.scene_luma = scene_luma(image)  # before any item is drawn: the camera's light
        t = self._time(timings, "scene_luma", t)
        split = tracked.snapshot.split
        split_x = None if split is None else int(round(split * image.shape[1]))
        before = image[:, :split_x].copy() if split_x else None
        for sku, renderer in self._renderers:
            if self._broken and self._blocked(renderer.kind):
                continue  # its tracker's model is broken: not drawn (and not logged as on air)
            try:
                renderer.render(image, tracking)
            except Exception:  # noqa: BLE001 — one broken item must not take the show down
                if sku not in self._failed:  # once per item, not 30 times a second
                    self._failed.add(sku)
                    log.exception("try-on item %s failed on a frame", sku)
            t = self._time(timings, f"render.{renderer.kind}", t)
        if split_x is not None:
            if before is not None and before.shape[1]:
                image[:, :split_x] = before
            draw_split(image, min(max(split_x, 1), image.shape[1] - 2))
            t = self._time(timings, "split", t)
        self._time(timings, "render_total", t_start)
        self._add(timings, "tryon_total", timings.get("track_total", 0.0) + timings["render_total"])
        return image

    def process(self, image: np.ndarray, ts_ms: int) -> np.ndarray:
        """Both stages on the calling thread (stills, tests, the sequential pipeline)."""
        return self.render(image, ts_ms, self.track(image, ts_ms))

    def medians(self) -> dict[str, float]:
        # list(): the track and render threads may add a stage while this runs.
        return {k: float(np.median(v)) for k, v in list(self.history.items()) if v}

    @property
    def face_inference_share(self) -> float:
        """Fraction of frames the face landmarker actually ran on (the rest held a still head)."""
        tracker = self._trackers.get("face")
        inferred, skipped = (tracker.inferred, tracker.skipped) if tracker else self._face_counts
        return inferred / (inferred + skipped) if inferred + skipped else 1.0

    @property
    def face_found(self) -> bool:
        tracker = self._trackers.get("face")
        return bool(tracker and tracker.found_last_frame)

    def close(self) -> None:
        face = self._trackers.get("face")
        if face is not None:
            self._face_counts = (face.inferred, face.skipped)
        for tracker in self._trackers.values():
            try:
                tracker.close()
            except Exception:  # noqa: BLE001
                log.exception("closing tracker %s", getattr(tracker, "name", tracker))
        self._trackers.clear()
