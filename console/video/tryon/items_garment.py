"""Top / garment try-on: a procedurally drawn garment warped onto the torso and kept inside the person.

The garment is drawn once per property set in a canonical pattern space (shoulders and hips at
fixed points), then warped with the homography that takes those four points to pose landmarks
11, 12, 23, 24 — only into the torso's bounding box. The segmentation mask keeps it inside the
silhouette, and the original luminance is kept as shading (large folds fully, fine print of
what the host is wearing only faintly), so it looks worn rather than pasted.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from .base import Property, Renderer, Tracking, register
from .items_body import torso_frame
from .items_patch import Patch, hash_noise, hex_to_bgr, light_gain, luma, perp, unit

TEX_W, TEX_H = 240, 330
# canonical anchor points: person's left shoulder (11, image right), right shoulder (12), hips 23, 24
ANCHORS = np.array([[188, 66], [52, 66], [166, 300], [74, 300]], np.float32)
# generous on purpose: the person mask trims the sides to the real silhouette
TEE = [(96, 40), (34, 58), (28, 110), (34, 210), (38, 318),
       (202, 318), (206, 210), (212, 110), (206, 58), (144, 40)]  # fmt: skip
TANK = [(92, 40), (76, 46), (58, 104), (40, 210), (42, 318),
        (198, 318), (200, 210), (182, 104), (164, 46), (148, 40)]  # fmt: skip
SLEEVE_SRC = np.float32([[60, 120], [120, 120], [60, 200]])  # fabric swatch the sleeves are cut from


@lru_cache(maxsize=16)
def garment_texture(cut: str, neckline: str, pattern: str, colour: str, accent: str) -> tuple[np.ndarray, np.ndarray]:
    """(BGRA uint8 garment, contiguous BGR uint8 copy for the sleeves); cached per property set.

    uint8 because warping it is the biggest cost of the item and 8-bit warps 4× less memory."""
    base, trim = hex_to_bgr(colour), hex_to_bgr(accent)
    ss = 4  # supersampled outline, so the warped edge is anti-aliased
    mask = np.zeros((TEX_H * ss, TEX_W * ss), np.uint8)
    outline = np.array(TANK if cut == "tank" else TEE, np.float32) * ss
    cv2.fillPoly(mask, [outline.astype(np.int32)], 255, cv2.LINE_AA)
    neck = np.zeros_like(mask)
    if neckline == "v":
        tri = np.array([(92, 36), (148, 36), (120, 100)], np.float32) * ss
        cv2.fillPoly(neck, [tri.astype(np.int32)], 255, cv2.LINE_AA)
    else:
        depth = 36 if neckline == "scoop" else 20
        half = 30 if neckline == "scoop" else 25
        cv2.ellipse(neck, (120 * ss, 38 * ss), (half * ss, depth * ss), 0, 0, 360, 255, -1, cv2.LINE_AA)
    cv2.subtract(mask, neck, mask)
    rib = cv2.dilate(neck, np.ones((6 * ss, 6 * ss), np.uint8))
    rib = cv2.bitwise_and(rib, mask)
    alpha = cv2.resize(mask, (TEX_W, TEX_H), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    rib_a = cv2.resize(rib, (TEX_W, TEX_H), interpolation=cv2.INTER_AREA).astype(np.float32) / 255

    yy, xx = np.mgrid[0:TEX_H, 0:TEX_W].astype(np.float32)
    accent_amount = np.zeros((TEX_H, TEX_W), np.float32)
    if pattern == "stripes":
        accent_amount = (np.sin(yy * (2 * np.pi / 22.0)) > 0.25).astype(np.float32)
    elif pattern == "dots":
        gx, gy = (xx % 20) - 10, (yy % 20) - 10
        off = ((yy // 20) % 2) * 10
        gx = ((xx + off) % 20) - 10
        accent_amount = np.clip(4.5 - np.hypot(gx, gy), 0, 1)
    elif pattern == "check":
        accent_amount = 0.5 * ((xx % 24) < 12) + 0.5 * ((yy % 24) < 12)
    col = base + (trim - base) * accent_amount[..., None]
    weave = 0.94 + 0.06 * hash_noise(xx, yy, 1.0) + 0.03 * np.sin(xx * 2.1) * np.sin(yy * 2.1)
    col = col * weave[..., None]
    col = col + (trim * 0.9 - col) * rib_a[..., None]
    hem = np.clip((yy - 308) / 4, 0, 1)
    col = col * (1 - 0.12 * hem)[..., None]
    bgra = np.clip(np.dstack([col, alpha]) * 255 + 0.5, 0, 255).astype(np.uint8)
    return bgra, np.ascontiguousarray(bgra[..., :3])


def torso_quad(pose_lm: np.ndarray, width: float) -> np.ndarray:
    """Image points for 11, 12, 23, 24; hips out of frame are taken as the model predicts them,
    unless the prediction is implausible, then they are placed from the shoulders."""
    quad = pose_lm[[11, 12, 23, 24], :2].astype(np.float32)
    shoulders_mid = (quad[0] + quad[1]) * 0.5
    hips_mid = (quad[2] + quad[3]) * 0.5
    drop = float(np.hypot(*(hips_mid - shoulders_mid)))
    if not (0.6 * width < drop < 3.0 * width):
        across = (quad[0] - quad[1]) / width
        down = np.array([-across[1], across[0]], np.float32)
        if down[1] < 0:
            down = -down
        quad[2] = shoulders_mid + down * width * 1.45 + across * width * 0.36
        quad[3] = shoulders_mid + down * width * 1.45 - across * width * 0.36
    return quad


@register
class TopRenderer(Renderer):
    kind = "top"
    needs = frozenset({"pose", "segmentation"})
    properties = (
        Property("color", "Colour", "颜色", "color", "#1f3a68"),
        Property("accent", "Accent colour", "配色", "color", "#f2efe6"),
        Property("cut", "Cut", "款式", "choice", "tee", choices=("tee", "tank")),
        Property("neckline", "Neckline", "领口", "choice", "crew", choices=("crew", "v", "scoop")),
        Property("pattern", "Pattern", "图案", "choice", "solid", choices=("solid", "stripes", "dots", "check")),
        Property("intensity", "Intensity", "不透明度", "float", 1.0, 0.0, 1.0),
    )

    def render(self, image: np.ndarray, tracking: Tracking) -> None:
        pose = tracking.pose
        if pose is None or pose.alpha <= 0.0 or tracking.person_mask is None:
            return
        frame = torso_frame(pose)
        if frame is None:
            return
        width = frame[3]
        lm = np.asarray(pose.landmarks, np.float32)
        quad = torso_quad(lm, width)
        tex, cloth = garment_texture(
            str(self.props["cut"]), str(self.props["neckline"]), str(self.props["pattern"]),
            str(self.props["color"]), str(self.props["accent"]),
        )  # fmt: skip
        homography = self._homography(quad)
        if homography is None:
            return
        outline = np.array(TEE, np.float32).reshape(-1, 1, 2)
        corners = cv2.perspectiveTransform(outline, homography).reshape(-1, 2)
        if self.props["cut"] == "tee":
            corners = np.vstack([corners] + [self._sleeve_quad(lm[a], lm[b], width) for a, b in ((11, 13), (12, 14))])
        patch = Patch.around(image, corners, 2)
        if patch.empty:
            return
        h, w = patch.shape
        shift = np.array([[1, 0, -patch.x0], [0, 1, -patch.y0], [0, 0, 1]], np.float64)
        warped = cv2.warpPerspective(tex, shift @ homography, (w, h), flags=cv2.INTER_LINEAR,
                                     borderMode=cv2.BORDER_CONSTANT, borderValue=0)  # fmt: skip
        person = np.clip(tracking.person_mask[patch.y0 : patch.y1, patch.x0 : patch.x1], 0.0, 1.0)
        fabric = warped[..., :3] * np.float32(1 / 255)
        shape = warped[..., 3] * np.float32(1 / 255)
        if self.props["cut"] == "tee":
            for shoulder, elbow in ((11, 13), (12, 14)):
                self._sleeve(patch, cloth, lm[shoulder], lm[elbow], width, fabric, shape)
        alpha = shape * person * float(self.props["intensity"])
        if not (alpha > 0.01).any():
            return
        shading = self._shading(patch.base, alpha, width)
        patch.over(fabric * (shading * light_gain(tracking.scene_luma))[..., None], alpha)
        patch.commit(image, pose.alpha)

    @staticmethod
    def _sleeve_quad(shoulder: np.ndarray, elbow: np.ndarray, width: float) -> np.ndarray:
        """Corners of a short sleeve: from just above the shoulder halfway down the upper arm."""
        axis, length = unit(elbow[:2] - shoulder[:2])
        length = float(np.clip(length, 0.4 * width, 1.2 * width))
        side = perp(axis)
        top = shoulder[:2] - axis * width * 0.1
        bottom = shoulder[:2] + axis * length * 0.5
        return np.float32([top + side * width * 0.25, top - side * width * 0.25,
                           bottom + side * width * 0.2, bottom - side * width * 0.2])  # fmt: skip

    def _sleeve(self, patch, tex_bgr, shoulder, elbow, width, fabric, shape) -> None:
        """Add one short sleeve to `fabric`/`shape` (in place), on top of the body panel."""
        if len(shoulder) > 3 and min(shoulder[3], elbow[3]) < 0.2:
            return  # no reliable arm: leave the sleeve out rather than guess its direction
        quad = self._sleeve_quad(shoulder, elbow, width)
        lo, hi = quad.min(axis=0), quad.max(axis=0)
        box = patch.sub(lo[0] - 1, lo[1] - 1, hi[0] + 1, hi[1] + 1)
        if box is None:
            return
        rows, cols = box
        origin = np.float32([patch.x0 + cols.start, patch.y0 + rows.start])
        affine = cv2.getAffineTransform(SLEEVE_SRC, np.float32(quad[:3]) - origin)
        h, w = rows.stop - rows.start, cols.stop - cols.start
        cloth = cv2.warpAffine(tex_bgr, affine, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        cloth = cloth * np.float32(1 / 255)
        axis, _ = unit(elbow[:2] - shoulder[:2])
        top = (quad[0] + quad[1]) * 0.5
        span = max(float(np.hypot(*((quad[2] + quad[3]) * 0.5 - top))), 1.0)
        dx = np.arange(w, dtype=np.float32)[None, :] + (origin[0] - top[0])
        dy = np.arange(h, dtype=np.float32)[:, None] + (origin[1] - top[1])
        side = perp(axis)
        along = dx * axis[0] + dy * axis[1]
        across = dx * side[0] + dy * side[1]
        half = width * (0.25 - 0.05 * np.clip(along / span, 0.0, 1.0))
        cover = np.clip(half - np.abs(across) + 0.5, 0, 1) * np.clip(along + 0.5, 0, 1)
        cover *= np.clip(span - along + 0.5, 0, 1)
        hem = np.clip((along - (span - width * 0.035)) / (width * 0.035), 0, 1)
        cloth *= (1 - 0.14 * hem)[..., None]
        region = fabric[box]
        region += (cloth - region) * cover[..., None]
        shape[box] = cover + shape[box] * (1 - cover)

    @staticmethod
    def _homography(quad: np.ndarray) -> np.ndarray | None:
        hull = cv2.convexHull(quad.reshape(-1, 1, 2), returnPoints=False)
        if len(hull) == 4:
            return cv2.getPerspectiveTransform(ANCHORS, quad).astype(np.float64)
        # a folded quad (hips predicted crossing) would flip the warp: fall back to an affine one
        hips = (quad[2] + quad[3]) * 0.5
        src = np.float32([ANCHORS[0], ANCHORS[1], (ANCHORS[2] + ANCHORS[3]) * 0.5])
        affine = cv2.getAffineTransform(src, np.float32([quad[0], quad[1], hips]))
        return np.vstack([affine, [0, 0, 1]]).astype(np.float64)

    @staticmethod
    def _shading(base: np.ndarray, alpha: np.ndarray, width: float) -> np.ndarray:
        """Relative light on the torso: folds and body shape fully, small print only faintly."""
        lum = luma(base)
        # the broad light is smooth by definition: blur it at quarter size
        h, w = lum.shape
        small = cv2.resize(lum, (max(w // 4, 1), max(h // 4, 1)), interpolation=cv2.INTER_AREA)
        small = cv2.GaussianBlur(small, (0, 0), max(width * 0.025 / 4, 0.5))
        weight = cv2.resize(alpha, small.shape[::-1], interpolation=cv2.INTER_AREA) > 0.5
        ref = max(float(np.percentile(small[weight], 60)) if weight.any() else 0.5, 0.05)
        broad = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
        light = cv2.resize(cv2.pow(np.clip(small / ref, 0.45, 1.5), 0.7), (w, h), interpolation=cv2.INTER_LINEAR)
        detail = cv2.pow(np.clip(lum / np.maximum(broad, 1e-3), 0.6, 1.5), 0.3)
        return np.clip(light * detail, 0.3, 1.5)


__all__ = ["ANCHORS", "TopRenderer", "garment_texture", "torso_quad"]
