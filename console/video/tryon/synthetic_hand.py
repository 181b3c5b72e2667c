"""A drawn right hand with a known 21-point skeleton: the test picture for hand try-on.

No photo in resources/ shows a clear hand, so hand items are checked on this shaded, skin-coloured
hand (MediaPipe's HandLandmarker finds it): by the tests, and by `--self-test`, which must prove
an installed app runs the hand tracker as well as the face one.
"""

from __future__ import annotations

import cv2
import numpy as np

# A right hand, back to the camera, fingers up; units of palm length (wrist → middle knuckle).
CANON = np.array([
    (0, 0), (-0.26, -0.12), (-0.46, -0.32), (-0.60, -0.52), (-0.70, -0.70),
    (-0.26, -0.92), (-0.30, -1.30), (-0.32, -1.52), (-0.34, -1.72),
    (-0.04, -1.00), (-0.05, -1.42), (-0.055, -1.67), (-0.06, -1.88),
    (0.17, -0.94), (0.20, -1.32), (0.22, -1.56), (0.235, -1.76),
    (0.36, -0.82), (0.42, -1.10), (0.45, -1.28), (0.48, -1.45),
], np.float32)  # fmt: skip
CHAINS = [(1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11, 12), (13, 14, 15, 16), (17, 18, 19, 20)]
WIDTHS = [0.24, 0.21, 0.215, 0.20, 0.17]


def synthetic_hand(size=(720, 1280), centre=(640, 560), palm=170.0, angle_deg=0.0, skin=(150, 178, 222)):
    """A shaded skin-coloured hand and forearm on a wall gradient → (BGR image, (21, 3) landmarks)."""
    h, w = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.empty((h, w, 3), np.float32)
    img[..., 0] = 120 + 40 * yy / h
    img[..., 1] = 110 + 30 * yy / h
    img[..., 2] = 100 + 20 * xx / w
    a = np.deg2rad(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    pts = CANON @ rot.T * palm + np.array(centre, np.float32)
    sub = 8

    def fix(p):
        return int(round(float(p[0]) * sub)), int(round(float(p[1]) * sub))

    mask = np.zeros((h, w), np.uint8)
    elbow = pts[0] + rot @ np.array([0.0, 1.0], np.float32) * palm * 2.5
    cv2.line(mask, fix(pts[0]), fix(elbow), 255, int(palm * 0.62), cv2.LINE_AA, 3)
    palm_poly = np.array([pts[0] + rot @ np.array([-0.30, 0.02]) * palm, pts[1], pts[2], pts[5], pts[9],
                          pts[13], pts[17], pts[0] + rot @ np.array([0.36, -0.05]) * palm])  # fmt: skip
    cv2.fillPoly(mask, [np.round(palm_poly * sub).astype(np.int32)], 255, cv2.LINE_AA, 3)
    for chain, width in zip(CHAINS, WIDTHS):
        for i in range(len(chain) - 1):
            thick = max(int(width * (1 - 0.12 * i) * palm), 1)
            cv2.line(mask, fix(pts[chain[i]]), fix(pts[chain[i + 1]]), 255, thick, cv2.LINE_AA, 3)
    m = mask.astype(np.float32) / 255
    inner = cv2.GaussianBlur(m, (0, 0), palm * 0.05)
    shade = 0.72 + 0.28 * np.clip(inner * 1.6 - 0.3, 0, 1)
    skin_img = np.array(skin, np.float32)[None, None] * shade[..., None]
    img = img * (1 - m[..., None]) + skin_img * m[..., None]
    lm = np.zeros((21, 3), np.float32)
    lm[:, :2] = pts
    return np.clip(img, 0, 255).astype(np.uint8), lm
