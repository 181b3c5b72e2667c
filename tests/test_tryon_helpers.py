"""Shared helpers for the try-on tests (not a test module)."""

from __future__ import annotations

import cv2
import numpy as np

from console.video.tryon.face_tracker import FaceTracker


def track_still(image: np.ndarray, frames: int = 14, smooth: bool = True):
    tracker = FaceTracker(smooth=smooth)
    try:
        track = None
        for i in range(frames):
            track = tracker.update(image, None, i * 33)
        return track
    finally:
        tracker.close()


def rotate(image: np.ndarray, degrees: float, scale: float = 1.0) -> np.ndarray:
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, scale)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def polygon_mask(shape, pts: np.ndarray) -> np.ndarray:
    m = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(m, [np.round(pts[:, :2]).astype(np.int32)], 255)
    return m


def lab_hue(bgr_pixels: np.ndarray) -> float:
    """Mean hue angle (degrees) in Lab of an N×3 uint8 BGR pixel list."""
    lab = cv2.cvtColor(bgr_pixels.reshape(-1, 1, 3).astype(np.float32) / 255.0, cv2.COLOR_BGR2Lab).reshape(-1, 3)
    return float(np.degrees(np.arctan2(lab[:, 2].mean(), lab[:, 1].mean())))


def hue_distance(a: float, b: float) -> float:
    d = abs(a - b) % 360
    return min(d, 360 - d)
