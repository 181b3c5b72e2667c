"""The program frame's shape: 16:9 as the camera gives it, or a 9:16 centre cut for vertical rooms."""

from __future__ import annotations

import cv2
import numpy as np

ASPECTS = ("16:9", "9:16")


def check_aspect(aspect: str) -> str:
    if aspect not in ASPECTS:
        raise ValueError(f"The video can be shaped 16:9 (landscape) or 9:16 (vertical), not {aspect!r}.")
    return aspect


def output_size(width: int, height: int, aspect: str) -> tuple[int, int]:
    """(w, h) of the program frame for a camera frame of width×height."""
    if aspect == "16:9":
        if width * 9 > height * 16:
            return _even(height * 16 / 9), height
        return width, min(height, _even(width * 9 / 16))
    # Vertical: the camera's height becomes the output's width, so 1280×720 gives 720×1280.
    out_w = min(width, height)
    return out_w, _even(out_w * 16 / 9)


def _even(v: float) -> int:
    return max(2, int(round(v / 2)) * 2)


def program_frame(image: np.ndarray, aspect: str) -> np.ndarray:
    """Crop (and for 9:16, one resize) — cheap, no colour work. Uncropped 16:9 is returned as is."""
    h, w = image.shape[:2]
    if aspect == "16:9":
        ow, oh = output_size(w, h, aspect)
        if (ow, oh) == (w, h):
            return image
        x0, y0 = (w - ow) // 2, (h - oh) // 2
        return np.ascontiguousarray(image[y0:y0 + oh, x0:x0 + ow])
    ow, oh = output_size(w, h, aspect)
    # Widest 9:16 strip the camera frame holds, centred.
    if w * 16 >= h * 9:
        cw, ch = min(w, round(h * 9 / 16)), h
    else:
        cw, ch = w, min(h, round(w * 16 / 9))
    x0, y0 = (w - cw) // 2, (h - ch) // 2
    strip = image[y0:y0 + ch, x0:x0 + cw]
    return cv2.resize(strip, (ow, oh), interpolation=cv2.INTER_LINEAR)
