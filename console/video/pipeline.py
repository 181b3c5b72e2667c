"""The processing worker: capture slot → processors (try-on, overlays) → program slot.

Latest-frame-wins on both sides: the worker always takes the newest captured frame (stale ones
are dropped and counted by the slot), and the view always shows the newest processed one. The UI
thread never runs a processor.

Two overlapped stages (`overlap=True`, the default), so the model sets the pace, not the sum of
every stage: the *track* thread ("video-pipeline") runs the models — each processor's optional
`track(image, ts_ms)` — on frame N+1 while the *render* thread ("video-render") draws frame N
(`render(image, ts_ms, tracked)` for those processors, `process(image, ts_ms)` for the rest,
e.g. overlays) and hands it out. The track thread does only what the next model call needs (the
face tracker's crop, the native landmarker call read straight into numpy — landmarker_c — and its
smoothing); everything else, the scene's brightness included, is on the render side. MediaPipe's
call releases the GIL, so Python on the render thread runs meanwhile. With a second core free
the every-frame pipeline keeps the bare model's pace; when the rest of the machine leaves one
core, fps follows CPU per frame and overlap cannot help (the render work, ~3 ms a frame for three
items and the overlays, then shows in full). `bench video` prints the ratio, the cores the
pipeline got and both ceilings. Between the stages is a hand-off of depth one that blocks
rather than drops: a frame whose models have run is always rendered, and a slow render holds the
track thread back (stale camera frames are dropped at the capture slot instead). Added latency:
none in steady state (each frame still goes track → render back to back); at most one render
(~3 ms) when the render of the previous frame is still running as the next frame's tracking
ends. `bench video` measures it.

Processors are created, tracked and closed on the track thread, which is what MediaPipe's VIDEO
mode needs (one landmarker per thread, strictly increasing timestamps). `overlap=False` runs
both stages one after the other on that thread (the previous design; `bench video` compares).
"""

from __future__ import annotations

import collections
import logging
import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from console.core.signal import Signal

from .frames import Frame, FrameProcessor, LatestSlot

log = logging.getLogger(__name__)

_NOTHING = object()
"""What a processor without a track stage hands to the render stage (it runs `process`)."""
_FAILED = object()
"""Its track stage raised: the render stage passes the frame on untouched."""


@dataclass(frozen=True, slots=True)
class PipelineStats:
    fps: float
    processed: int
    dropped_capture: int
    dropped_view: int
    stage_ms: dict[str, float]
    """Median ms per stage over the recent window ("<name>.track" for a track stage)."""
    errors: dict[str, str]
    """Processor name → last error, for processors that failed."""
    latency_ms: float = 0.0
    """Median capture → program frame ready, over the recent window."""


class _Handoff:
    """Depth-one blocking hand-off between the track and render threads."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: Any = None
        self._closed = False

    def put(self, item: Any) -> bool:
        """Wait until the previous item was taken; False if closed meanwhile."""
        with self._cond:
            while self._item is not None and not self._closed:
                self._cond.wait()
            if self._closed:
                return False
            self._item = item
            self._cond.notify_all()
            return True

    def take(self) -> Any:
        """The next item, or None once closed and empty."""
        with self._cond:
            while self._item is None and not self._closed:
                self._cond.wait()
            item, self._item = self._item, None
            self._cond.notify_all()
            return item

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class VideoPipeline:
    WINDOW = 90  # frames of history for fps and stage medians

    def __init__(
        self,
        capture: LatestSlot[Frame],
        processors: Sequence[FrameProcessor] | Sequence[Callable[[], FrameProcessor]] = (),
        *,
        on_error: Callable[[str, str], None] | None = None,
        overlap: bool = True,
    ) -> None:
        self.capture = capture
        self.output: LatestSlot[Frame] = LatestSlot()
        self.program = Signal("program")
        """Emitted on the render thread with every finished program Frame, for the outputs
        (console/output): listeners hand it to their own thread and never modify its image."""
        self.overlap = overlap
        # Factories are called on the worker thread so processors are born where they run.
        self._pending: list = list(processors)
        self._processors: list[FrameProcessor] = []
        self._lock = threading.Lock()
        self._on_error = on_error or (lambda name, message: None)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="video-pipeline", daemon=True)
        self._handoff = _Handoff()
        self._render_thread = threading.Thread(target=self._render_loop, name="video-render", daemon=True)
        self._times: collections.deque[float] = collections.deque(maxlen=self.WINDOW)
        self._latency: collections.deque[float] = collections.deque(maxlen=self.WINDOW)
        self._stages: dict[str, collections.deque[float]] = {}
        self._errors: dict[str, str] = {}
        self._errors_lock = threading.Lock()
        self._last_ts_ms = -1
        self.processed = 0
        self.first_frame_at: float | None = None
        """time.monotonic() when the first processed frame was ready."""

    def add(self, processor: FrameProcessor | Callable[[], FrameProcessor]) -> None:
        """Add a processor (or a factory) from any thread; it joins between two frames."""
        with self._lock:
            self._pending.append(processor)

    @property
    def processors(self) -> tuple:
        """The processors running now (for benchmarks and diagnostics; owned by the worker)."""
        return tuple(self._processors)

    def start(self) -> None:
        if self.overlap:
            self._render_thread.start()
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.capture.close()
        if self._thread.is_alive():
            self._thread.join(timeout)
        self._handoff.close()
        if self._render_thread.is_alive():
            self._render_thread.join(timeout)
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
        with self._errors_lock:
            known = self._errors.get(name) == message
            self._errors[name] = message
        if not known:
            log.error("video stage %s failed: %s", name, message, exc_info=exc)
            self._on_error(name, message)

    def _ok(self, name: str) -> None:
        with self._errors_lock:
            cleared = self._errors.pop(name, None) is not None
        if cleared:
            self._on_error(name, "")

    def _record(self, frame: Frame, stage: str, started: float) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        frame.timings_ms[stage] = elapsed
        self._stages.setdefault(stage, collections.deque(maxlen=self.WINDOW)).append(elapsed)

    # -- the track thread ---------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                if self._pending:
                    self._adopt_pending()
                frame = self.capture.take(timeout=0.1)
                if frame is None:
                    continue
                job = self._track(frame)
                if not self.overlap:
                    self._render(*job)
                elif not self._handoff.put(job):
                    break
        finally:
            # The render thread must be done with the processors before they are closed here.
            self._handoff.close()
            if self._render_thread.is_alive():
                self._render_thread.join()
            for proc in self._processors:
                try:
                    proc.close()
                except Exception:  # noqa: BLE001
                    log.exception("closing %s failed", getattr(proc, "name", proc))

    def _track(self, frame: Frame) -> tuple[Frame, int, tuple, list]:
        ts_ms = max(int(frame.t_capture * 1000), self._last_ts_ms + 1)
        self._last_ts_ms = ts_ms
        procs = tuple(self._processors)  # the render stage uses exactly this list for this frame
        tracked: list = []
        for proc in procs:
            track = getattr(proc, "track", None)
            if track is None:
                tracked.append(_NOTHING)
                continue
            stage = f"{proc.name}.track"  # its own error key: the two stages fail and recover apart
            started = time.perf_counter()
            try:
                tracked.append(track(frame.image, ts_ms))
            except Exception as exc:  # noqa: BLE001 — this frame passes untouched; video goes on
                self._fail(stage, exc)
                tracked.append(_FAILED)
                continue
            self._record(frame, stage, started)
            self._ok(stage)
        return frame, ts_ms, procs, tracked

    # -- the render thread --------------------------------------------------------------------
    def _render_loop(self) -> None:
        while True:
            job = self._handoff.take()
            if job is None:
                return
            try:
                self._render(*job)
            except Exception:  # noqa: BLE001 — this thread must live, or the track thread waits forever
                log.exception("rendering a program frame failed")

    def _render(self, frame: Frame, ts_ms: int, procs: tuple, tracked: list) -> None:
        image = frame.image
        for proc, state in zip(procs, tracked):
            started = time.perf_counter()
            try:
                if state is _FAILED:
                    continue
                if state is _NOTHING:
                    image = proc.process(image, ts_ms)
                else:
                    image = proc.render(image, ts_ms, state)
            except Exception as exc:  # noqa: BLE001 — pass the frame on untouched
                self._fail(proc.name, exc)
                continue
            self._record(frame, proc.name, started)
            self._ok(proc.name)
        frame.image = image
        now = time.monotonic()
        self._times.append(now)
        self._latency.append((now - frame.t_capture) * 1000)
        self.processed += 1
        if self.first_frame_at is None:
            self.first_frame_at = now
        self.output.put(frame)
        self.program.emit(frame)

    def stats(self) -> PipelineStats:
        times = list(self._times)
        fps = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 and times[-1] > times[0] else 0.0
        stage_ms = {name: statistics.median(v) for name, v in list(self._stages.items()) if v}
        latency = list(self._latency)
        with self._errors_lock:
            errors = dict(self._errors)
        return PipelineStats(
            fps=fps,
            processed=self.processed,
            dropped_capture=self.capture.dropped,
            dropped_view=self.output.dropped,
            stage_ms=stage_ms,
            errors=errors,
            latency_ms=statistics.median(latency) if latency else 0.0,
        )
