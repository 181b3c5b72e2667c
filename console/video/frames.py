"""Frames and the hand-off between threads.

Capture → processing → view each run at their own pace; between them a `LatestSlot` keeps only
the newest frame (latest-frame-wins), so a slow stage drops stale frames instead of building a
queue and falling behind the host. Dropped frames are counted, never hidden.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

import numpy as np


@dataclass(slots=True)
class Frame:
    image: np.ndarray
    """BGR uint8, H×W×3 (OpenCV's layout)."""
    index: int
    t_capture: float
    """time.monotonic() when captured; the processing stage derives VIDEO-mode timestamps."""
    source: str = ""
    timings_ms: dict[str, float] = field(default_factory=dict)
    """Per-stage durations filled in as the frame moves through the pipeline."""


class FrameProcessor(Protocol):
    """A stage run on the processing worker thread: try-on, overlays, …

    `process` may modify `image` in place and must return the image to pass on. It is called
    from one thread only, with strictly increasing `ts_ms`.
    """

    name: str

    def process(self, image: np.ndarray, ts_ms: int) -> np.ndarray: ...

    def close(self) -> None: ...


T = TypeVar("T")


class LatestSlot(Generic[T]):
    """A one-item mailbox: `put` replaces what is unread (counting it as dropped)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: T | None = None
        self._closed = False
        self.dropped = 0
        self.delivered = 0

    def put(self, item: T) -> None:
        with self._cond:
            if self._item is not None:
                self.dropped += 1
            self._item = item
            self._cond.notify()

    def take(self, timeout: float | None = None) -> T | None:
        """Wait for the newest item; None on timeout or when closed."""
        with self._cond:
            if self._item is None and not self._closed:
                self._cond.wait(timeout)
            item, self._item = self._item, None
            if item is not None:
                self.delivered += 1
                self._cond.notify_all()  # for wait_empty()
            return item

    def wait_empty(self, timeout: float | None = None) -> bool:
        """Wait until the item was taken (a source that must not drop: `bench video`)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._item is None or self._closed, timeout)

    def poll(self) -> T | None:
        """The newest item if there is one, without waiting (for the UI timer)."""
        with self._cond:
            item, self._item = self._item, None
            if item is not None:
                self.delivered += 1
            return item

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        return self._closed
