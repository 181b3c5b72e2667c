"""Face items on real pixels: the portrait, scaled and rotated."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from console.video.tryon import geometry as g
from console.video.tryon.base import RENDERERS, Tracking
from console.video.tryon.catalog import load_renderers
from test_tryon_helpers import hue_distance, lab_hue, polygon_mask, rotate, track_still

load_renderers()

VARIANTS = {
    "as-is": lambda im: im,
    "scaled-1.6": lambda im: cv2.resize(im, None, fx=1.6, fy=1.6, interpolation=cv2.INTER_CUBIC),
    "scaled-0.8": lambda im: cv2.resize(im, None, fx=0.8, fy=0.8, interpolation=cv2.INTER_AREA),
    "rot+15": lambda im: rotate(im, 15),
    "rot-15": lambda im: rotate(im, -15),
}


@pytest.fixture(scope="module")
def portrait(portrait_path):
    return cv2.imread(str(portrait_path))


@pytest.fixture(scope="module")
def tracked(portrait):
    cache = {}

    def get(name):
        if name not in cache:
            image = VARIANTS[name](portrait)
            track = track_still(image)
            assert track is not None and track.alpha == 1.0, name
            cache[name] = (image, track)
        return cache[name]

    return get


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_lipstick_tints_lips_and_leaves_skin_and_teeth(tracked, variant):
    image, track = tracked(variant)
    lm = track.landmarks
    shade = "#8a1fa0"  # violet: far from natural lip hue, so a shift is unmistakable
    out = image.copy()
    RENDERERS["lipstick"](color=shade, finish="satin", intensity=0.85).render(out, Tracking(face=track, scene_luma=0.5))

    outer = polygon_mask(image.shape, lm[g.LIPS_OUTER])
    inner = polygon_mask(image.shape, lm[g.LIPS_INNER])
    mouth_w = float(np.linalg.norm(lm[g.MOUTH_LEFT, :2] - lm[g.MOUTH_RIGHT, :2]))
    k = max(2, int(mouth_w * 0.06))
    lips_core = cv2.erode(outer, np.ones((k, k), np.uint8)) & ~cv2.dilate(inner, np.ones((k, k), np.uint8))
    teeth = cv2.erode(inner, np.ones((k, k), np.uint8))
    far_skin = ~cv2.dilate(outer, np.ones((4 * k, 4 * k), np.uint8))

    sel = lips_core > 0
    assert sel.sum() > 30
    target = lab_hue(np.array([[[int(shade[5:7], 16), int(shade[3:5], 16), int(shade[1:3], 16)]]], np.uint8))
    before, after = lab_hue(image[sel]), lab_hue(out[sel])
    assert hue_distance(after, target) < hue_distance(before, target) - 20
    # Texture kept: lip lightness still varies (creases, highlights) — not a flat paint fill.
    gray_b = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)[sel].astype(float)
    gray_a = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)[sel].astype(float)
    assert np.corrcoef(gray_a, gray_b)[0, 1] > 0.6
    diff = np.abs(out.astype(int) - image.astype(int)).max(axis=2)
    assert diff[far_skin > 0].max() <= 1
    if teeth.sum() > 0:
        assert diff[teeth > 0].mean() < 2.0


def test_lipstick_finishes_differ_in_highlights(tracked):
    image, track = tracked("scaled-1.6")
    sel = polygon_mask(image.shape, track.landmarks[g.LIPS_OUTER]) & ~polygon_mask(image.shape, track.landmarks[g.LIPS_INNER])
    spread = {}
    for finish in ("matte", "satin", "gloss"):
        out = image.copy()
        RENDERERS["lipstick"](color="#b0243a", finish=finish, intensity=1.0).render(out, Tracking(face=track))
        gray = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)[sel > 0].astype(float)
        spread[finish] = np.percentile(gray, 97) - np.median(gray)
    assert spread["matte"] < spread["satin"] < spread["gloss"]


def test_dim_scene_gets_a_dimmer_product(tracked):
    image, track = tracked("as-is")
    sel = polygon_mask(image.shape, track.landmarks[g.LIPS_OUTER]) > 0
    means = []
    for luma in (0.5, 0.15):
        out = image.copy()
        RENDERERS["lipstick"](color="#e05070", intensity=1.0).render(out, Tracking(face=track, scene_luma=luma))
        means.append(float(cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)[sel].mean()))
    assert means[1] < means[0] - 10


def _glasses_pixels(image, track):
    out = image.copy()
    RENDERERS["glasses"](style="round", frame_color="#00ff00", lens_opacity=0.0).render(out, Tracking(face=track))
    b, gch, r = (out.astype(int)[..., i] for i in range(3))
    mask = (gch > 200) & (r < 90) & (b < 90)
    ys, xs = np.nonzero(mask)
    return np.stack([xs, ys], 1).astype(float)


def _glasses_angle(pts, track):
    # The two lens rings: split at the bridge, compare their centroids.
    mid = g.eye_centers(track.landmarks)
    cx = (mid[0][0] + mid[1][0]) / 2
    left, right = pts[pts[:, 0] < cx - 3], pts[pts[:, 0] > cx + 3]
    d = right.mean(0) - left.mean(0)
    return math.degrees(math.atan2(d[1], d[0])), left.mean(0), right.mean(0)


def test_glasses_sit_on_the_eyes(tracked):
    image, track = tracked("as-is")
    pts = _glasses_pixels(image, track)
    assert len(pts) > 100
    eye_l, eye_r = g.eye_centers(track.landmarks)
    ipd = float(np.linalg.norm(eye_r - eye_l))
    _, lc, rc = _glasses_angle(pts, track)
    assert np.linalg.norm(lc - eye_l) < 0.25 * ipd and np.linalg.norm(rc - eye_r) < 0.25 * ipd
    centre = pts.mean(0)
    assert abs(centre[0] - (eye_l[0] + eye_r[0]) / 2) < 0.15 * ipd
    # Nothing drawn down on the mouth or up in the hair.
    assert pts[:, 1].max() < track.landmarks[g.NOSE_TIP, 1]
    assert pts[:, 1].min() > track.landmarks[g.FOREHEAD, 1]


@pytest.mark.parametrize("variant,turn", [("rot+15", 15.0), ("rot-15", -15.0)])
def test_glasses_rotate_with_head_roll(tracked, variant, turn):
    base_image, base_track = tracked("as-is")
    image, track = tracked(variant)
    a0, _, _ = _glasses_angle(_glasses_pixels(base_image, base_track), base_track)
    a1, _, _ = _glasses_angle(_glasses_pixels(image, track), track)
    # An anticlockwise turn of the picture lowers the angle in image (y-down) coordinates.
    assert abs((a1 - a0) - (-turn)) < 3.0, (a0, a1)


def test_far_temple_hidden_when_head_turns(tracked):
    image, track = tracked("as-is")
    face = g.FACE_OVAL
    cover = polygon_mask(image.shape, track.landmarks[face]) > 0
    from console.video.tryon.base import FaceTrack

    # Fake a head turned to the image's right through the pose matrix (yaw +25°).
    yaw = math.radians(25)
    m = np.eye(4, dtype=np.float32)
    m[:3, :3] = [[math.cos(yaw), 0, math.sin(yaw)], [0, 1, 0], [-math.sin(yaw), 0, math.cos(yaw)]]
    turned = FaceTrack(landmarks=track.landmarks, matrix=m, alpha=1.0)
    assert g.head_pose(track.landmarks, m).yaw > 20
    out = image.copy()
    RENDERERS["glasses"](frame_color="#00ff00", lens_opacity=0.0).render(out, Tracking(face=turned))
    green = (out[..., 1] > 200) & (out[..., 2] < 90)
    xs = np.arange(image.shape[1])[None, :]
    # The far (image-right) arm inside the face outline is not drawn; the near one is.
    near_arm = green & cover & (xs < track.landmarks[g.RIGHT_EYE_CORNERS[0], 0] - 6)
    assert near_arm.sum() > 5
    ear_r = track.landmarks[g.LEFT_EAR, 0]
    far_arm = green & cover & (xs > track.landmarks[g.LEFT_EYE_CORNERS[0], 0] + 12) & (xs < ear_r - 2)
    assert far_arm.sum() == 0


def test_earrings_hang_below_the_ear_level_outside_the_cheeks(tracked):
    image, track = tracked("as-is")
    out = image.copy()
    RENDERERS["earrings"](style="drop", gem_color="#00ff00", metal_color="#00ff00").render(out, Tracking(face=track))
    green = (out[..., 1] > 150) & (out[..., 2] < 110) & (out[..., 0] < 110)
    ys, xs = np.nonzero(green)
    lm = track.landmarks
    assert len(xs) > 20
    left = xs < lm[g.NOSE_TIP, 0]
    assert left.any() and (~left).any()
    assert xs[left].max() < lm[g.RIGHT_CHEEK, 0] and xs[~left].min() > lm[g.LEFT_CHEEK, 0]
    assert ys.min() >= min(lm[g.RIGHT_EAR, 1], lm[g.LEFT_EAR, 1]) - 3


@pytest.mark.parametrize("kind", ["blush", "eyeshadow", "hat", "headband"])
def test_other_face_items_stay_in_their_region(tracked, kind):
    image, track = tracked("as-is")
    out = image.copy()
    RENDERERS[kind]().render(out, Tracking(face=track))
    changed = np.abs(out.astype(int) - image.astype(int)).max(axis=2) > 3
    assert changed.sum() > 50
    ys, xs = np.nonzero(changed)
    lm = track.landmarks
    fw = g.face_width(lm)
    if kind in ("blush", "eyeshadow"):
        inside = polygon_mask(image.shape, lm[g.FACE_OVAL]) > 0
        assert (changed & ~inside).sum() < 0.02 * changed.sum()
        assert ys.max() < lm[g.MOUTH_LEFT, 1] if kind == "eyeshadow" else True
    else:
        assert ys.max() < lm[g.NOSE_TIP, 1]  # headwear stays on the head
        assert xs.min() > lm[g.NOSE_TIP, 0] - 1.4 * fw and xs.max() < lm[g.NOSE_TIP, 0] + 1.4 * fw


def test_faded_track_draws_fainter(tracked):
    image, track = tracked("as-is")
    from console.video.tryon.base import FaceTrack

    amounts = []
    for alpha in (1.0, 0.3, 0.0):
        out = image.copy()
        RENDERERS["glasses"]().render(out, Tracking(face=FaceTrack(track.landmarks, track.matrix, alpha)))
        amounts.append(int(np.abs(out.astype(int) - image.astype(int)).sum()))
    assert amounts[0] > amounts[1] > amounts[2] == 0
