"""The runs `bench video` interleaves: the bare FaceLandmarker and the real video pipeline.

Each run keeps its own landmarker (VIDEO mode state) across rounds and is timed per block of
frames, so rounds can alternate runs and machine noise falls on all of them alike.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Sequence

import numpy as np

from console.video.frames import Frame, LatestSlot
from console.video.pipeline import VideoPipeline

FRAME_S = 1 / 30
"""Media time between frames: trackers and smoothing see a 30 fps camera."""


class BareRun:
    """The bare model, back to back on one thread: full-frame BGR→RGB, mp.Image and
    FaceLandmarker.detect_for_video — MediaPipe's Python API as it comes, which also builds a
    Python object per landmark. With `arrays=True` the same native call is read straight into
    numpy instead (console/video/tryon/landmarker_c.py, as the app's face tracker does)."""

    def __init__(self, pool: Sequence[np.ndarray], arrays: bool = False) -> None:
        from console.video.tryon.tasks import create

        self.pool = pool
        self.arrays = arrays
        self.task = create("face")
        self.frames = 0
        self.found = 0
        self.seconds = 0.0
        self.cpu_s = 0.0
        self.ms: list[float] = []
        self._ts = 0

    def reset(self) -> None:
        """Forget the warm-up."""
        self.frames, self.found, self.seconds, self.cpu_s = 0, 0, 0.0, 0.0
        self.ms.clear()

    def block(self, order: Sequence[int]) -> None:
        import cv2

        from console.video.tryon import landmarker_c
        from console.video.tryon.tasks import mp_image

        c0, start = time.process_time(), time.perf_counter()
        for k in order:
            t = time.perf_counter()
            self._ts += 33
            rgb = cv2.cvtColor(self.pool[k], cv2.COLOR_BGR2RGB)
            if self.arrays:
                found = landmarker_c.detect_for_video(self.task, mp_image(rgb), self._ts).landmarks is not None
            else:
                found = bool(self.task.detect_for_video(mp_image(rgb), self._ts).face_landmarks)
            self.ms.append((time.perf_counter() - t) * 1000)
            self.found += found
        self.seconds += time.perf_counter() - start
        self.cpu_s += time.process_time() - c0
        self.frames += len(order)

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0

    def close(self) -> None:
        self.task.close()

    def figures(self) -> dict[str, Any]:
        return {"fps": self.fps, "median_ms": float(np.median(self.ms)) if self.ms else 0.0,
                "faces_found": self.found, "frames": self.frames}


class ViewConversion:
    """A BGR→RGB pass over each program frame (~0.2 ms on the render thread). The view no longer
    converts (it paints BGR directly, QImage.Format_BGR888); the pass is kept so (b) is measured
    as it was in earlier runs, i.e. it costs (b) a little more than the app spends."""

    name = "view_conversion"

    def process(self, image: np.ndarray, ts_ms: int) -> np.ndarray:
        import cv2

        cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        return image

    def close(self) -> None:
        pass


class PipelineRun:
    """The app's VideoPipeline (its threads, its hand-offs) fed without drops or pauses.

    `block()` puts each frame into the capture slot as soon as the previous one was taken, so the
    pipeline is never starved and never drops one; the block ends when its last frame comes out.
    `paced()` feeds at the camera's 30 fps with real capture times, for capture→program latency.
    """

    def __init__(self, pool: Sequence[np.ndarray], processors: Sequence[Callable[[], Any]], *,
                 overlap: bool) -> None:
        self.pool = pool
        self.capture: LatestSlot[Frame] = LatestSlot()
        self.pipeline = VideoPipeline(self.capture, list(processors), overlap=overlap)
        self.pipeline.program.connect(self._on_program)
        self._done = threading.Event()
        self._last_index = -1
        self._index = 0
        self._media_t = 0.0
        self._offset = 0.0
        self.frames = 0
        self.seconds = 0.0
        self.cpu_s = 0.0
        self.latency_ms: list[float] = []
        self.paced_dropped = 0
        """Paced frames the capture slot dropped (the pipeline was still busy: a loaded machine)."""
        self.worker_ms: list[float] = []
        """Per timed frame: all its stages; then the track thread's part and the render thread's."""
        self.track_ms: list[float] = []
        self.render_ms: list[float] = []
        self.pipeline.start()

    def _on_program(self, frame: Frame) -> None:
        now = time.monotonic()
        if frame.source == "paced":
            self.latency_ms.append((now + self._offset - frame.t_capture) * 1000)
        else:
            self.worker_ms.append(sum(frame.timings_ms.values()))
            track = sum(ms for stage, ms in frame.timings_ms.items() if stage.endswith(".track"))
            self.track_ms.append(track)
            self.render_ms.append(self.worker_ms[-1] - track)
        if frame.index == self._last_index:
            self._done.set()

    def _put(self, image: np.ndarray, t_capture: float, source: str) -> None:
        self._index += 1
        self.capture.put(Frame(image, self._index, t_capture, source))

    def reset(self) -> None:
        """Forget the warm-up."""
        self.frames, self.seconds, self.cpu_s = 0, 0.0, 0.0
        for times in (self.worker_ms, self.track_ms, self.render_ms):
            times.clear()

    def block(self, order: Sequence[int]) -> None:
        self._done.clear()
        self._last_index = self._index + len(order)
        # A camera hands over a fresh buffer per frame; those copies are made before the clocks
        # (wall and CPU) start, as capture is its own figure (the bare run gets its frames for
        # free too).
        images = [self.pool[k].copy() for k in order]
        c0, start = time.process_time(), time.perf_counter()
        for image in images:
            self._media_t += FRAME_S
            self._put(image, self._media_t, "bench")
            if not self.capture.wait_empty(timeout=60):
                raise RuntimeError("the video pipeline stopped taking frames")
        if not self._done.wait(timeout=60):
            raise RuntimeError("the video pipeline stopped producing frames")
        self.seconds += time.perf_counter() - start
        self.cpu_s += time.process_time() - c0
        self.frames += len(order)

    def paced(self, order: Sequence[int]) -> None:
        """At 30 fps on the real clock; latency = program frame out − frame put in."""
        self._done.clear()
        self._last_index = self._index + len(order)
        # Media time continues where it was (a jump would look like a lost face to the tracker).
        self._offset = self._media_t + FRAME_S - time.monotonic()
        dropped_before = self.capture.dropped
        next_at = time.monotonic()
        for k in order:
            time.sleep(max(0.0, next_at - time.monotonic()))
            self._media_t = time.monotonic() + self._offset
            self._put(self.pool[k].copy(), self._media_t, "paced")
            next_at += FRAME_S
        if not self._done.wait(timeout=60):
            raise RuntimeError("the video pipeline stopped producing frames")
        self.paced_dropped += self.capture.dropped - dropped_before

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0

    def processor(self, name: str) -> Any:
        return next((p for p in self.pipeline.processors if getattr(p, "name", "") == name), None)

    def close(self) -> None:
        self.pipeline.stop()


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else 0.0
