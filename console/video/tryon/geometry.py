"""Face-mesh landmark sets (MediaPipe's 478-point topology) and head pose.

"Right"/"left" are the subject's: the subject's right eye is on the image's left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LIPS_OUTER = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185]
LIPS_INNER = [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311, 312, 13, 82, 81, 80, 191]

RIGHT_EYE_UPPER = [33, 246, 161, 160, 159, 158, 157, 173, 133]
RIGHT_EYE_LOWER = [133, 155, 154, 153, 145, 144, 163, 7, 33]
LEFT_EYE_UPPER = [263, 466, 388, 387, 386, 385, 384, 398, 362]
LEFT_EYE_LOWER = [362, 382, 381, 380, 374, 373, 390, 249, 263]
# Lower edge of each brow, ordered outer → inner like the upper lids above.
RIGHT_BROW_LOWER = [46, 53, 52, 65, 55]
LEFT_BROW_LOWER = [276, 283, 282, 295, 285]
RIGHT_EYE_CORNERS = (33, 133)  # outer, inner
LEFT_EYE_CORNERS = (263, 362)

FACE_OVAL = [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400,
             377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109]
FOREHEAD_ARC = [162, 21, 54, 103, 67, 109, 10, 338, 297, 332, 284, 251, 389]

RIGHT_CHEEK, LEFT_CHEEK = 50, 280
RIGHT_CHEEKBONE, LEFT_CHEEKBONE = 117, 346
RIGHT_EAR, LEFT_EAR = 234, 454  # face contour at ear level (tragion side)
RIGHT_JAW, LEFT_JAW = 132, 361
NOSE_BRIDGE, NOSE_TIP, CHIN, FOREHEAD = 168, 1, 152, 10
MOUTH_LEFT, MOUTH_RIGHT = 291, 61


@dataclass(frozen=True, slots=True)
class HeadPose:
    roll: float
    """Degrees, image plane: positive when the line from the image-left eye to the image-right eye
    slopes downward (the head leans towards the image's right)."""
    yaw: float
    """Degrees: positive when the face turns towards the image's right (its left cheek hides)."""
    pitch: float
    """Degrees: positive when the face tilts up."""


def eye_centers(lm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(image-left eye centre, image-right eye centre), from the corners so gaze does not move them."""
    r = (lm[RIGHT_EYE_CORNERS[0], :2] + lm[RIGHT_EYE_CORNERS[1], :2]) / 2
    left = (lm[LEFT_EYE_CORNERS[0], :2] + lm[LEFT_EYE_CORNERS[1], :2]) / 2
    return r, left


def face_width(lm: np.ndarray) -> float:
    return float(np.linalg.norm(lm[LEFT_EAR, :2] - lm[RIGHT_EAR, :2]))


def roll_degrees(lm: np.ndarray) -> float:
    r, left = eye_centers(lm)
    d = left - r
    return math.degrees(math.atan2(d[1], d[0]))


def head_pose(lm: np.ndarray, matrix: np.ndarray | None = None) -> HeadPose:
    """Head pose from the facial transformation matrix when there is one, else from landmarks.

    The matrix maps MediaPipe's canonical face into camera space (x right, y up, z towards the
    camera); its third column is where the face points, its first where the face's +x points.
    """
    if matrix is not None and np.all(np.isfinite(matrix)):
        rot = np.asarray(matrix, dtype=np.float64)[:3, :3]
        fwd = rot[:, 2] / max(np.linalg.norm(rot[:, 2]), 1e-9)
        side = rot[:, 0] / max(np.linalg.norm(rot[:, 0]), 1e-9)
        yaw = math.degrees(math.atan2(fwd[0], fwd[2]))
        pitch = math.degrees(math.atan2(fwd[1], fwd[2]))
        roll = -math.degrees(math.atan2(side[1], side[0]))
        return HeadPose(roll=roll, yaw=yaw, pitch=pitch)
    # Landmark fallback: where the nose tip sits between the two face edges gives yaw.
    r_edge, l_edge = lm[RIGHT_EAR, :2], lm[LEFT_EAR, :2]
    span = max(float(np.linalg.norm(l_edge - r_edge)), 1e-6)
    frac = float(np.dot(lm[NOSE_TIP, :2] - r_edge, (l_edge - r_edge) / span)) / span
    yaw = math.degrees(math.asin(float(np.clip((frac - 0.5) * 2.0, -1, 1))))
    return HeadPose(roll=roll_degrees(lm), yaw=yaw, pitch=0.0)
