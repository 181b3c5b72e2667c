"""The processing worker: capture slot → processors (try-on, overlays) → program slot.

Latest-frame-wins on both sides: the worker always takes the newest captured frame (stale ones
are dropped and counted by the slot), and the view always shows the newest processed one. The UI
thread never runs a processor. Processors are created, run and closed on this one thread, which is
what MediaPipe's VIDEO mode needs (one landmarker per thread, strictly increasing timestamps).
"""

from __future__ import annotations

import collections
import logging
import statistics
import threading
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from console.core.signal import Signal

from .frames import Frame, FrameProcessor, LatestSlot

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PipelineStats:
    fps: float
    processed: int
    dropped_capture: int
    dropped_view: int
    stage_ms: dict[str, float]
    """Median ms per stage over the recent window."""
    errors: dict[str, str]
    """Processor name → last error, for processors that failed."""


class VideoPipeline:
    WINDOW = 90  # frames of history for fps and stage medians

    def __init__(
        self,
        capture: LatestSlot[Frame],
        processors: Sequence[FrameProcessor] | Sequence[Callable[[], FrameProcessor]] = (),
        *,
        on_error: Callable[[str, str], None] | None = None,
    ) -> None:
        self.capture = capture
        self.output: LatestSlot[Frame] = LatestSlot()
        self.program = Signal("program")
        """Emitted on the worker thread with every finished program Frame, for the outputs
        (console/output): listeners hand it to their own thread and never modify its image."""
        # Factories are called on the worker thread so processors are born where they run.
        self._pending: list = list(processors)
        self._processors: list[FrameProcessor] = []
        self._lock = threading.Lock()
        self._on_error = on_error or (lambda name, message: None)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="video-pipeline", daemon=True)
        self._times: collections.deque[float] = collections.deque(maxlen=self.WINDOW)
        self._stages: dict[str, collections.deque[float]] = {}
        self._errors: dict[str, str] = {}
        self._last_ts_ms = -1
        self.processed = 0
        self.first_frame_at: float | None = None
        """time.monotonic() when the first processed frame was ready."""

    def add(self, processor: FrameProcessor | Callable[[], FrameProcessor]) -> None:
        """Add a processor (or a factory) from any thread; it joins between two frames."""
        with self._lock:
            self._pending.append(processor)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.capture.close()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self.output.close()

    def _adopt_pending(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, []
        for item in pending:
            try:
                is_factory = isinstance(item, type) or not hasattr(item, "process")
                proc = item() if is_factory else item
            except Exception as exc:  # noqa: BLE001 — a stage that cannot start must not stop video
                self._fail(getattr(item, "__name__", "processor"), exc)
                continue
            self._processors.append(proc)

    def _fail(self, name: str, exc: BaseException) -> None:
        message = str(exc) or exc.__class__.__name__
        if self._errors.get(name) != message:
            log.error("video stage %s failed: %s", name, message, exc_info=exc)
            self._errors[name] = message
            self._on_error(name, message)

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self._pending:
                    self._adopt_pending()
                frame = self.capture.take(timeout=0.1)
                if frame is None:
                    continue
                self._process(frame)
        finally:
            for proc in self._processors:
                try:
                    proc.close()
                except Exception:  # noqa: BLE001
                    log.exception("closing %s failed", getattr(proc, "name", proc))

    def _process(self, frame: Frame) -> None:
        ts_ms = max(int(frame.t_capture * 1000), self._last_ts_ms + 1)
        self._last_ts_ms = ts_ms
        image = frame.image
        for proc in self._processors:
            started = time.perf_counter()
            try:
                image = proc.process(image, ts_ms)
            except Exception as exc:  # noqa: BLE001 — pass the frame on untouched
                self._fail(proc.name, exc)
                continue
            elapsed = (time.perf_counter() - started) * 1000
            frame.timings_ms[proc.name] = elapsed
            self._stages.setdefault(proc.name, collections.deque(maxlen=self.WINDOW)).append(elapsed)
            if self._errors.pop(proc.name, None) is not None:
                self._on_error(proc.name, "")
        frame.image = image
        now = time.monotonic()
        self._times.append(now)
        self.processed += 1
        if self.first_frame_at is None:
            self.first_frame_at = now
        self.output.put(frame)
        self.program.emit(frame)

    def stats(self) -> PipelineStats:
        times = list(self._times)
        fps = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0
        stage_ms = {name: statistics.median(v) for name, v in list(self._stages.items()) if v}
        return PipelineStats(
            fps=fps,
            processed=self.processed,
            dropped_capture=self.capture.dropped,
            dropped_view=self.output.dropped,
            stage_ms=stage_ms,
            errors=dict(self._errors),
        )
