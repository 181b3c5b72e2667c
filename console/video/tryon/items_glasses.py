"""Glasses drawn as vectors on the face each frame: crisp at any size, no sprite to resample.

Each lens is laid out on its own eye (centre between the eye corners, width from that eye's
corners), so a head turn foreshortens the far lens and enlarges the near one as a camera would.
Roll comes from the eye line; yaw from the facial transformation matrix decides which temple
arm is the far one, and that arm is hidden wherever the face is in front of it.
"""

from __future__ import annotations

import math

import numpy as np

from . import geometry as g
from .base import Property, Renderer, Tracking, register
from .blend import Canvas, feather, fill, hex_to_bgr, illumination, roi_box, stroke

STYLES = ("round", "rectangle", "cat-eye", "aviator")


def lens_outline(style: str, n: int = 48) -> np.ndarray:
    """Lens contour in lens units: x towards the temple, y down, half-width 1."""
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    if style == "round":
        p, hw, hh = 2.0, 1.0, 0.92
    elif style == "rectangle":
        p, hw, hh = 5.0, 1.0, 0.66
    elif style == "aviator":
        p, hw, hh = 2.6, 1.0, 0.82
    else:  # cat-eye
        p, hw, hh = 3.0, 1.0, 0.72
    x = hw * np.sign(c) * np.abs(c) ** (2 / p)
    y = hh * np.sign(s) * np.abs(s) ** (2 / p)
    if style == "aviator":
        # Flat brow bar, a deep drop toward the nose.
        y = np.where(y < 0, y * 0.7, y * (1.15 - 0.25 * x))
    elif style == "cat-eye":
        y = np.where(y < 0, y - 0.38 * np.clip(x, 0, None) ** 2, y * (0.9 + 0.1 * x))
    return np.stack([x, y], 1)


@register
class Glasses(Renderer):
    kind = "glasses"
    needs = frozenset({"face"})
    layer = 30
    properties = (
        Property("style", "Style", "款式", "choice", "round", choices=STYLES),
        Property("frame_color", "Frame", "镜框颜色", "color", "#1d1a1a"),
        Property("lens_color", "Lens", "镜片颜色", "color", "#5a6470"),
        Property("lens_opacity", "Lens tint", "镜片深浅", "float", 0.12, 0.0, 0.9),
        Property("thickness", "Frame weight", "镜框粗细", "float", 1.0, 0.4, 2.5),
        Property("size", "Size", "大小", "float", 1.0, 0.8, 1.25),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        face = tracking.face
        if face is None or face.alpha <= 0:
            return
        lm = face.landmarks
        eye_l, eye_r = g.eye_centers(lm)  # image-left, image-right
        across = eye_r - eye_l
        ipd = float(np.linalg.norm(across))
        if ipd < 12:
            return
        u = across / ipd
        v = np.array([-u[1], u[0]])  # image "down", perpendicular to the eye line
        pose = g.head_pose(lm, face.matrix)
        size = float(self.props["size"])
        # Pitch foreshortens the lenses vertically (the eye line already carries yaw and roll).
        tilt = max(0.75, math.cos(math.radians(pose.pitch)))
        outline = lens_outline(self.props["style"])
        lenses, hinges, inner_tops, ends = [], [], [], []
        for centre, corners, outward in ((eye_l, g.RIGHT_EYE_CORNERS, -1.0), (eye_r, g.LEFT_EYE_CORNERS, 1.0)):
            eye_w = float(np.linalg.norm(lm[corners[0], :2] - lm[corners[1], :2]))
            sx = eye_w * 0.8 * size  # half-width along the eye line, this eye's own scale
            sy = ipd * 0.45 * size * tilt
            c = centre + v * (ipd * 0.03)
            pts = c + np.outer(outline[:, 0] * sx * outward, u) + np.outer(outline[:, 1] * sy, v)
            lenses.append(pts)
            hinges.append(c + u * outward * sx * 1.16 + v * (-0.42 * sy))
            ends.append(np.vstack([c + u * outward * sx * 0.96 + v * (-0.45 * sy), hinges[-1]]))
            inner_tops.append(c - u * outward * sx * 0.93 + v * (-0.3 * sy))

        weight = max(1.2, ipd * 0.04 * float(self.props["thickness"]))
        ears = [lm[g.RIGHT_EAR, :2] - v * ipd * 0.12, lm[g.LEFT_EAR, :2] - v * ipd * 0.12]
        box = roi_box(np.vstack([*lenses, *hinges, *ears]), weight * 3 + 4, image.shape)
        if box is None:
            return
        x0, y0, x1, y1 = box
        roi = image[y0:y1, x0:x1]
        cv = Canvas(roi)
        size_hw = roi.shape[:2]
        o = (x0, y0)
        illum = illumination(tracking.scene_luma)
        frame_bgr = np.array(hex_to_bgr(self.props["frame_color"]), np.float32) * illum
        lens_bgr = np.array(hex_to_bgr(self.props["lens_color"]), np.float32) * illum
        a = face.alpha

        lens_box = cv.box(np.vstack(lenses), 2, o)
        front_box = cv.box(np.vstack([*lenses, *hinges]), weight * 2 + 2, o)

        # Lenses: a tint with a soft diagonal reflection, a bit stronger at the top for sunglasses.
        lens_mask = feather(fill(size_hw, lenses, o), 0.5)
        opacity = float(self.props["lens_opacity"])
        if opacity > 0:
            yy = (np.arange(size_hw[0], dtype=np.float32)[:, None] + y0 - eye_l[1]) / max(ipd, 1)
            grad = np.clip(1.1 - 0.5 * (yy + 0.3), 0.7, 1.15) if opacity > 0.3 else 1.0
            cv.over(lens_bgr, lens_mask * (opacity * a) * grad, lens_box)
        xx = np.arange(size_hw[1], dtype=np.float32)[None, :] + x0
        yy2 = np.arange(size_hw[0], dtype=np.float32)[:, None] + y0
        band = np.abs(((xx - eye_l[0]) * 0.8 + (yy2 - eye_l[1])) / ipd % 1.0 - 0.35)
        sheen = np.clip(1.0 - band / 0.07, 0, 1) * 0.10
        cv.over((255.0 * illum,) * 3, lens_mask * sheen * a, lens_box)

        # Temple arms: the far one only where the face does not cover it.
        face_cover = None
        far_side = 1 if pose.yaw > 0 else 0
        for side in (0, 1):
            arm = stroke(size_hw, np.vstack([hinges[side], ears[side]]), o, weight * 0.9)
            m = arm.astype(np.float32) * (1.0 / 255.0)
            if side == far_side or abs(pose.yaw) < 8:
                if face_cover is None:
                    face_cover = feather(fill(size_hw, [lm[g.FACE_OVAL, :2]], o), 1.0)
                m *= 1.0 - face_cover
            if m.max() > 0.01:  # facing the camera both arms are behind the head: nothing to draw
                cv.over(frame_bgr * 0.85, m * a, cv.box(np.vstack([hinges[side], ears[side]]), weight + 2, o))

        # A faint contact shadow under the rims sells the depth.
        rims = np.zeros(size_hw, np.uint8)
        for lens in lenses:
            rims = np.maximum(rims, stroke(size_hw, lens, o, weight, closed=True))
        bridge = np.vstack([inner_tops[0], (inner_tops[0] + inner_tops[1]) / 2 - v * ipd * 0.06, inner_tops[1]])
        rims = np.maximum(rims, stroke(size_hw, bridge, o, weight * 0.9))
        for end in ends:  # the end pieces sit in front of the face, always visible
            rims = np.maximum(rims, stroke(size_hw, end, o, weight * 1.3))
        shadow_src = np.roll(rims, max(1, int(weight * 0.8)), axis=0)
        cv.over((0.0, 0.0, 0.0), feather(shadow_src, weight * 0.8) * (0.22 * a), front_box)
        cv.over(frame_bgr, rims.astype(np.float32) * (a / 255.0), front_box)
        # Highlight along the upper edge of each rim (acetate/metal catching the light).
        hi = np.zeros(size_hw, np.uint8)
        for lens in lenses:
            top = lens[outline[:, 1] < -0.25]
            hi = np.maximum(hi, stroke(size_hw, top - v * weight * 0.3, o, max(1, weight * 0.3)))
        cv.over(np.minimum(frame_bgr + 90 * illum, 255), hi.astype(np.float32) * (0.35 * a / 255.0), front_box)
        cv.commit()
