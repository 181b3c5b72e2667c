"""Generate the face products' thumbnails: each product rendered by its own try-on renderer on the
public-domain demo portrait (resources/media/astronaut.png), cropped to the feature, with a strip
of its shades underneath. No third-party images. Run from the repository root:

    .venv/bin/python resources/tryon/make_assets.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from console.resources import resource  # noqa: E402
from console.video.tryon import geometry as g  # noqa: E402
from console.video.tryon.base import RENDERERS, Tracking  # noqa: E402
from console.video.tryon.blend import hex_to_bgr  # noqa: E402
from console.video.tryon.catalog import Catalog  # noqa: E402
from console.video.tryon.face_tracker import FaceTracker  # noqa: E402

SIZE = 160


def crop_box(kind: str, lm: np.ndarray) -> tuple[float, float, float]:
    """(centre x, centre y, side) of the square that shows this kind of product best."""
    fw = g.face_width(lm)
    eye_l, eye_r = g.eye_centers(lm)
    eyes = (eye_l + eye_r) / 2
    if kind == "lipstick":
        c = lm[g.LIPS_OUTER, :2].mean(0)
        return c[0], c[1], float(np.linalg.norm(lm[g.MOUTH_LEFT, :2] - lm[g.MOUTH_RIGHT, :2])) * 2.0
    if kind == "eyeshadow":
        return eyes[0], eyes[1] - fw * 0.04, fw * 0.95
    if kind == "glasses":
        return eyes[0], eyes[1], fw * 1.2
    if kind == "blush":
        c = lm[g.NOSE_TIP, :2]
        return c[0], c[1] - fw * 0.05, fw * 1.1
    if kind == "earrings":
        return lm[g.NOSE_TIP, 0], lm[g.RIGHT_JAW, 1], fw * 1.4
    return lm[g.FOREHEAD, 0], lm[g.FOREHEAD, 1] - fw * 0.1, fw * 1.9


def main() -> int:
    portrait = cv2.imread(str(resource("media", "astronaut.png")))
    big = cv2.resize(portrait, (1024, 1024), interpolation=cv2.INTER_CUBIC)
    tracker = FaceTracker()
    for i in range(14):
        track = tracker.update(big, None, i * 33)
    tracker.close()
    if track is None:
        print("no face found in the portrait", file=sys.stderr)
        return 1
    out_dir = resource("tryon", "thumbs")
    out_dir.mkdir(parents=True, exist_ok=True)
    for product in Catalog.load():
        if product.thumbnail is None or product.thumbnail.parent != out_dir:
            continue
        image = big.copy()
        RENDERERS[product.item](**product.props_for(0 if product.shades else None)).render(image, Tracking(face=track))
        cx, cy, side = crop_box(product.item, track.landmarks)
        m = np.float32([[SIZE / side, 0, SIZE / 2 - cx * SIZE / side], [0, SIZE / side, SIZE / 2 - cy * SIZE / side]])
        thumb = cv2.warpAffine(image, m, (SIZE, SIZE), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
        colours = []
        for shade in product.shades or ():
            props = product.props_for(product.shades.index(shade))
            key = next((k for k in ("color", "gem_color", "lens_color", "frame_color", "metal_color") if k in shade.props), None)
            if key:
                colours.append(hex_to_bgr(props[key]))
        if colours:
            h = 14
            w = SIZE // len(colours)
            for i, c in enumerate(colours):
                x0 = i * w
                x1 = SIZE if i == len(colours) - 1 else x0 + w
                cv2.rectangle(thumb, (x0, SIZE - h), (x1, SIZE), c, -1)
            cv2.line(thumb, (0, SIZE - h - 1), (SIZE, SIZE - h - 1), (255, 255, 255), 1)
        cv2.imwrite(str(out_dir / f"{product.sku}.png"), thumb)
        print("wrote", product.thumbnail.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
