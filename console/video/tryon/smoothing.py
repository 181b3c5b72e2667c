"""Landmark smoothing and graceful loss of tracking.

`OneEuro` is the One Euro filter (Casiez et al., CHI 2012) applied element-wise to a whole
landmark array: heavy smoothing while the head is still (kills jitter), little while it moves
(no lag on a turn). `Presence` turns "found / not found this frame" into an opacity: hold the
last pose briefly through a missed detection, then fade — an item never snaps on or off.
"""

from __future__ import annotations

import math

import numpy as np


def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


class OneEuro:
    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.05, d_cutoff: float = 1.0) -> None:
        self.min_cutoff = min_cutoff
        self.beta = beta
        """Speed coefficient, in 1/(units of the signal): landmarks are in pixels here."""
        self.d_cutoff = d_cutoff
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    def reset(self) -> None:
        self._x = self._dx = self._t = None

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        """Filtered copy of `x` observed at time `t` seconds."""
        x = np.asarray(x, dtype=np.float32)
        if self._x is None or self._t is None or self._x.shape != x.shape:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return x.copy()
        dt = max(t - self._t, 1e-3)
        self._t = t
        dx = (x - self._x) / dt
        a_d = _alpha(self.d_cutoff, dt)
        self._dx = self._dx + a_d * (dx - self._dx)
        cutoff = self.min_cutoff + self.beta * np.abs(self._dx)
        a = _alpha(cutoff, dt)
        self._x = (self._x + a * (x - self._x)).astype(np.float32)
        return self._x.copy()


class Presence:
    """Opacity of a tracked thing over time: fade in on detection, hold, then fade out."""

    def __init__(self, hold_s: float = 0.3, fade_out_s: float = 0.35, fade_in_s: float = 0.12) -> None:
        self.hold_s, self.fade_out_s, self.fade_in_s = hold_s, fade_out_s, fade_in_s
        self.alpha = 0.0
        self._last_seen: float | None = None
        self._t: float | None = None

    def update(self, seen: bool, t: float) -> float:
        dt = 0.0 if self._t is None else max(t - self._t, 0.0)
        self._t = t
        if seen:
            self._last_seen = t
            self.alpha = min(1.0, self.alpha + dt / self.fade_in_s) if self.alpha > 0 else 0.15
            return self.alpha
        if self._last_seen is None:
            self.alpha = 0.0
        elif t - self._last_seen > self.hold_s:
            self.alpha = max(0.0, self.alpha - dt / self.fade_out_s)
        return self.alpha

    @property
    def gone(self) -> bool:
        return self.alpha <= 0.0

    def lost_for(self, t: float) -> float:
        return math.inf if self._last_seen is None else t - self._last_seen
