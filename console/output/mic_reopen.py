"""The push's microphone across a device that goes and comes back, without ending the stream.

A USB microphone pulled out mid-show (or its sound server restarting) makes the current
`MicrophoneSource` give up: it says so once and carries on with silence at the stream's clock.
This wrapper then tries to open the same device again every `RETRY_S` (reading PortAudio's
device list afresh, so a microphone plugged back in — a new device to the system — is found),
starts the new capture at the stream's current position, keeps the silence going until the new
sound has its place on the clock, and switches over: nothing before that position is sent twice,
no gap is left. The host is told when the sound is back.
"""

from __future__ import annotations

import logging
import threading

import numpy as np

from console.core.signal import Signal
from console.i18n import pick

from .mic_devices import list_inputs
from .microphone import MicrophoneSource

log = logging.getLogger(__name__)


class ReopeningMicrophone:
    RETRY_S = 2.0

    def __init__(self, device: int | str | None = None, *, opener=MicrophoneSource) -> None:
        self.device = device
        self._opener = opener
        self._current = opener(device)  # raises MicrophoneError like the source itself
        self.name = self._current.name
        self.lost = Signal("microphone.lost")
        """The microphone went (the host's words); emitted once per outage."""
        self.back = Signal("microphone.back")
        """Its sound is back in the stream (the host's words)."""
        self.reopened = 0
        self.delivered = 0
        self._t0 = 0.0
        self._next: MicrophoneSource | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._retry: threading.Thread | None = None
        self._current.lost.connect(self._on_lost)

    # -- the encoder's interface --------------------------------------------------------------
    @property
    def kind(self) -> str:
        return self._current.kind

    @property
    def reason(self) -> str:
        return self._current.reason

    @property
    def captured(self) -> int:
        return self._current.captured

    @property
    def silence_filled(self) -> int:
        return self._current.silence_filled

    @property
    def overflows(self) -> int:
        return self._current.overflows

    @property
    def corrections(self) -> int:
        return self._current.corrections

    def sync_error_ms(self) -> float | None:
        return self._current.sync_error_ms()

    def start(self, t0: float) -> None:
        self._t0 = t0
        self._current.start(t0)

    def read_until(self, t: float) -> np.ndarray:
        with self._lock:
            nxt = self._next
        if nxt is not None:
            new = nxt.read_until(t)
            if nxt.kind != "microphone":  # opened, but gone again before it settled: try later
                self._drop_next(nxt)
            elif nxt.settled:  # its sound has a place on the clock: it is the microphone now
                old, self._current = self._current, nxt
                with self._lock:
                    self._next = None
                self.reopened += 1
                threading.Thread(target=old.stop, name="microphone-close", daemon=True).start()
                self.back.emit(pick(f"The microphone “{nxt.name}” is back: the stream carries its sound again.",
                                    f"麦克风“{nxt.name}”已恢复：推流重新带有声音。"))
                return self._beyond(new, nxt)
        return self._beyond(self._current.read_until(t), self._current)

    def _beyond(self, out: np.ndarray, source) -> np.ndarray:
        # `out` holds positions [source.delivered − len(out), source.delivered); a reopened
        # source starts where the silence stood when it opened, so what the silence has covered
        # since is dropped — every position is sent once.
        start = max(0, self.delivered - (source.delivered - len(out)))
        out = out[start:] if start else out
        self.delivered += len(out)
        return out

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            nxt, self._next = self._next, None
        if nxt is not None:
            nxt.stop()
        self._current.stop()
        if self._retry is not None and self._retry.is_alive():
            self._retry.join(10)

    # -- coming back ---------------------------------------------------------------------------
    def _on_lost(self, reason: str) -> None:  # the encoder thread, inside read_until
        self.lost.emit(reason)
        self._start_retry()

    def _start_retry(self) -> None:
        if self._stopping.is_set() or (self._retry is not None and self._retry.is_alive()):
            return
        self._retry = threading.Thread(target=self._reopen, name="microphone-reopen", daemon=True)
        self._retry.start()

    def _drop_next(self, nxt: MicrophoneSource) -> None:
        with self._lock:
            if self._next is nxt:
                self._next = None
        threading.Thread(target=nxt.stop, daemon=True).start()
        self._start_retry()

    def _reopen(self) -> None:
        self._current.stop()  # its stream is dead; closed, PortAudio may reread the device list
        while not self._stopping.wait(self.RETRY_S):
            try:
                list_inputs(rescan=True)
                source = self._opener(self.device)
            except Exception as exc:  # noqa: BLE001 — not there yet
                log.debug("microphone %s not back yet: %s", self.device, exc)
                continue
            source.start(self._t0, from_sample=self.delivered)
            with self._lock:
                if self._stopping.is_set():
                    source.stop()
                    return
                self._next = source
            return
