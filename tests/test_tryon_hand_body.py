"""Hand and body try-on items on real pixels.

Body items run on the astronaut portrait with MediaPipe's PoseLandmarker and selfie segmenter
(IMAGE mode, vendored models). No photo shows a clear hand, so hand items run on a drawn
skin-coloured hand whose 21-point skeleton is known exactly; HandLandmarker does find that hand,
and one test runs the ring on the landmarks it returns.
"""

from __future__ import annotations

import tomllib

import cv2
import numpy as np
import pytest

from console.resources import resource
from console.video.tryon.base import RENDERERS, HandTrack, PoseTrack, Tracking
from console.video.tryon.items_body import NecklaceRenderer
from console.video.tryon.items_garment import TopRenderer
from console.video.tryon.items_hand import FINGERS, NailRenderer, RingRenderer, finger_width
from console.video.tryon.items_patch import hex_to_bgr
from console.video.tryon.items_wrist import BraceletRenderer, WatchRenderer, wrist_frame
from console.video.tryon.synthetic_hand import synthetic_hand

HAND_KINDS = ("ring", "nails", "watch", "bracelet")
BODY_KINDS = ("necklace", "top")


def changed(a: np.ndarray, b: np.ndarray, tol: int = 3) -> np.ndarray:
    return np.abs(a.astype(np.int16) - b.astype(np.int16)).max(axis=2) > tol


def points(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    return np.stack([xs, ys], axis=1).astype(np.float32)


def segment_coords(pts: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position along a→b as a 0..1 fraction, perpendicular distance px) of each point."""
    ab = b - a
    t = ((pts - a) @ ab) / float(ab @ ab)
    foot = a + t[:, None] * ab
    return t, np.hypot(*(pts - foot).T)


def mean_luma(image: np.ndarray, mask: np.ndarray) -> float:
    return float(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)[mask].mean())


@pytest.fixture(scope="module")
def hand_scene():
    image, lm = synthetic_hand()
    return image, lm


def hand_tracking(lm, alpha=1.0, luma=0.5) -> Tracking:
    return Tracking(hands=[HandTrack(lm.copy(), "Right", alpha)], scene_luma=luma)


@pytest.fixture(scope="module")
def portrait(portrait_path):
    mp = pytest.importorskip("mediapipe")
    from mediapipe.tasks.python import BaseOptions, vision

    image = cv2.imread(str(portrait_path))
    h, w = image.shape[:2]
    rgb = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    pose_opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resource("models", "pose_landmarker.task"))),
        running_mode=vision.RunningMode.IMAGE,
    )
    with vision.PoseLandmarker.create_from_options(pose_opts) as landmarker:
        found = landmarker.detect(rgb)
    assert found.pose_landmarks, "PoseLandmarker found nobody in the portrait"
    lm = np.array([(p.x * w, p.y * h, p.z * w, p.visibility) for p in found.pose_landmarks[0]], np.float32)
    seg_opts = vision.ImageSegmenterOptions(
        base_options=BaseOptions(model_asset_path=str(resource("models", "selfie_segmenter.tflite"))),
        running_mode=vision.RunningMode.IMAGE,
        output_confidence_masks=True,
    )
    with vision.ImageSegmenter.create_from_options(seg_opts) as segmenter:
        mask = np.squeeze(segmenter.segment(rgb).confidence_masks[0].numpy_view()).astype(np.float32)
    assert mask.shape == (h, w)
    return image, lm, mask


def body_tracking(lm, mask, alpha=1.0, luma=0.5) -> Tracking:
    return Tracking(pose=PoseTrack(lm.copy(), alpha), person_mask=mask, scene_luma=luma)


# --- contract ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", HAND_KINDS + BODY_KINDS)
def test_items_are_registered_with_bilingual_editable_properties(kind):
    cls = RENDERERS[kind]
    assert cls.needs == ({"hands"} if kind in HAND_KINDS else {"pose", "segmentation"} if kind == "top" else {"pose"})
    assert cls.properties
    for prop in cls.properties:
        assert prop.label_en.strip() and prop.label_zh.strip()
        if prop.type == "color":
            hex_to_bgr(prop.default)
        elif prop.type == "choice":
            assert prop.default in prop.choices and len(prop.choices) >= 2
        elif prop.type in ("float", "int"):
            assert prop.minimum <= prop.default <= prop.maximum
    item = cls()
    with pytest.raises(KeyError):
        item.set("no_such_property", 1)


def test_malformed_colour_is_refused_in_plain_words(hand_scene):
    image, lm = hand_scene
    ring = RingRenderer(metal="gold")
    with pytest.raises(ValueError, match="not a colour"):
        ring.render(image.copy(), hand_tracking(lm))


# --- hand items -------------------------------------------------------------------------------


def test_ring_sits_on_the_ring_finger_between_knuckle_and_middle_joint(hand_scene):
    image, lm = hand_scene
    out = image.copy()
    RingRenderer().render(out, hand_tracking(lm))
    diff = changed(image, out)
    assert diff.sum() > 150
    t, dist = segment_coords(points(diff), lm[13, :2], lm[14, :2])
    width = finger_width(lm)
    assert t.min() >= 0.0 and t.max() <= 1.0
    assert dist.max() <= 0.8 * width
    # the band is metal-coloured: plenty of gold (R > G > B, saturated) pixels inside the change
    b, g, r = (out[diff].astype(int)).T
    assert ((r > g) & (g > b + 30)).sum() > 40


def test_ring_moves_to_the_chosen_finger(hand_scene):
    image, lm = hand_scene
    out = image.copy()
    RingRenderer(finger="index", gem="none").render(out, hand_tracking(lm))
    pts = points(changed(image, out))
    t, dist = segment_coords(pts, lm[5, :2], lm[6, :2])
    assert t.min() >= 0.0 and t.max() <= 1.0 and dist.max() <= 0.8 * finger_width(lm)


def test_ring_follows_landmarks_found_by_hand_landmarker(hand_scene):
    mp = pytest.importorskip("mediapipe")
    from mediapipe.tasks.python import BaseOptions, vision

    image, truth = hand_scene
    h, w = image.shape[:2]
    opts = vision.HandLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resource("models", "hand_landmarker.task"))),
        running_mode=vision.RunningMode.IMAGE,
        num_hands=1,
    )
    rgb = mp.Image(image_format=mp.ImageFormat.SRGB, data=cv2.cvtColor(image, cv2.COLOR_BGR2RGB))
    with vision.HandLandmarker.create_from_options(opts) as landmarker:
        found = landmarker.detect(rgb)
    assert found.hand_landmarks, "HandLandmarker no longer finds the drawn hand"
    lm = np.array([(p.x * w, p.y * h, p.z * w) for p in found.hand_landmarks[0]], np.float32)
    assert np.hypot(*(lm[:, :2] - truth[:, :2]).T).mean() < 0.1 * 170  # within a tenth of the palm
    out = image.copy()
    RingRenderer().render(out, Tracking(hands=[HandTrack(lm, found.handedness[0][0].category_name)]))
    pts = points(changed(image, out))
    t, dist = segment_coords(pts, truth[13, :2], truth[14, :2])
    assert 0.15 < float(np.median(t)) < 0.75
    assert float(np.median(dist)) < 0.35 * finger_width(truth)


@pytest.mark.parametrize("angle", [0.0, 40.0, -70.0])
def test_watch_sits_at_the_wrist_across_the_forearm(angle):
    image, lm = synthetic_hand(angle_deg=angle, centre=(640, 520))
    out = image.copy()
    WatchRenderer().render(out, hand_tracking(lm))
    pts = points(changed(image, out))
    assert len(pts) > 1000
    centre, fingers, width, _ = wrist_frame(lm, 0.2)
    palm = float(np.hypot(*(lm[9, :2] - lm[0, :2])))
    assert np.hypot(*(pts.mean(axis=0) - centre)) < 0.12 * palm
    # the strap spans across the arm: the change's long axis is perpendicular to the forearm
    _, vecs = np.linalg.eigh(np.cov((pts - pts.mean(axis=0)).T))
    major = vecs[:, -1]
    assert abs(float(major @ fingers)) < np.sin(np.deg2rad(15))
    # the crown points to the fingers: more of the watch lies toward the hand than toward the elbow
    along = (pts - centre) @ fingers
    assert along.max() > -along.min()


@pytest.mark.parametrize("style", ["chain", "bangle", "beads", "tennis"])
def test_bracelet_styles_wrap_the_wrist_only(hand_scene, style):
    image, lm = hand_scene
    out = image.copy()
    BraceletRenderer(style=style).render(out, hand_tracking(lm))
    pts = points(changed(image, out))
    assert len(pts) > 60
    centre, fingers, width, _ = wrist_frame(lm, 0.06)
    assert np.hypot(*(pts - centre).T).max() < 0.75 * width
    across = np.abs((pts - centre) @ np.array([fingers[1], -fingers[0]]))
    assert across.max() > 0.4 * width  # it reaches round both sides of the wrist


def test_nails_are_tinted_at_each_fingertip_and_nowhere_else(hand_scene):
    image, lm = hand_scene
    out = image.copy()
    NailRenderer(color="#1c7c54").render(out, hand_tracking(lm))
    diff = changed(image, out, tol=0)
    allowed = np.zeros_like(diff)
    for joints in FINGERS.values():
        dip, tip = lm[joints[2], :2], lm[joints[3], :2]
        nail = dip + (tip - dip) * 0.66
        x, y = int(round(nail[0])), int(round(nail[1]))
        b, g, r = out[y, x].astype(int)
        assert g > r + 20, f"nail at {x},{y} is not green: {(b, g, r)}"
        reach = int(np.hypot(*(tip - dip))) + 4
        allowed[y - reach : y + reach, x - reach : x + reach] = True
    assert diff.any() and not (diff & ~allowed).any()


def test_nail_tint_keeps_the_nail_shading(hand_scene):
    image, lm = hand_scene
    dip, tip = lm[11, :2], lm[12, :2]
    centre = dip + (tip - dip) * 0.66
    rows = np.arange(image.shape[0], dtype=np.float32)
    ramp = 0.55 + 0.5 * np.clip((rows - (centre[1] - 10)) / 20, 0, 1)  # shadow over the nail's upper half
    lit = np.clip(image.astype(np.float32) * ramp[:, None, None], 0, 255).astype(np.uint8)
    out = lit.copy()
    NailRenderer(color="#b3123a", finish="matte").render(out, hand_tracking(lm))
    core = (slice(int(centre[1]) - 6, int(centre[1]) + 7), slice(int(centre[0]) - 4, int(centre[0]) + 5))
    before = cv2.cvtColor(lit, cv2.COLOR_BGR2GRAY)[core].astype(float).mean(axis=1)
    after = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)[core].astype(float).mean(axis=1)
    assert not np.allclose(before, after, atol=5)  # it was tinted …
    assert np.corrcoef(before, after)[0, 1] > 0.9  # … and still darker toward the top, like the skin


@pytest.mark.parametrize("cls", [RingRenderer, NailRenderer, WatchRenderer, BraceletRenderer])
def test_hand_items_fade_with_tracking_alpha(hand_scene, cls):
    image, lm = hand_scene
    untouched = image.copy()
    cls().render(untouched, hand_tracking(lm, alpha=0.0))
    assert np.array_equal(untouched, image)
    half, full = image.copy(), image.copy()
    cls().render(half, hand_tracking(lm, alpha=0.5))
    cls().render(full, hand_tracking(lm, alpha=1.0))
    d_half = np.abs(half.astype(int) - image).sum()
    d_full = np.abs(full.astype(int) - image).sum()
    assert 0 < d_half < 0.75 * d_full


@pytest.mark.parametrize("cls", [RingRenderer, NailRenderer, WatchRenderer, BraceletRenderer])
def test_hand_items_are_darker_in_a_dim_room(hand_scene, cls):
    image, lm = hand_scene
    dim, bright = image.copy(), image.copy()
    cls().render(dim, hand_tracking(lm, luma=0.15))
    cls().render(bright, hand_tracking(lm, luma=0.6))
    where = changed(image, bright, tol=20)
    assert mean_luma(dim, where) < mean_luma(bright, where) - 15


def test_hand_half_out_of_frame_draws_only_what_is_inside():
    image, lm = synthetic_hand(size=(360, 640), centre=(620, 330), palm=150)
    for cls in (RingRenderer, NailRenderer, WatchRenderer, BraceletRenderer):
        out = image.copy()
        cls().render(out, hand_tracking(lm))
        assert out.shape == image.shape
    collapsed = np.zeros((21, 3), np.float32)
    out = image.copy()
    for cls in (RingRenderer, NailRenderer, WatchRenderer, BraceletRenderer):
        cls().render(out, Tracking(hands=[HandTrack(collapsed)]))
    assert np.array_equal(out, image)


# --- body items -------------------------------------------------------------------------------


def test_necklace_lies_between_the_shoulders_below_the_chin(portrait):
    image, lm, mask = portrait
    out = image.copy()
    NecklaceRenderer().render(out, body_tracking(lm, mask))
    pts = points(changed(image, out))
    assert len(pts) > 150
    left, right = lm[11, :2], lm[12, :2]
    width = float(np.hypot(*(left - right)))
    mouth_y = float((lm[9, 1] + lm[10, 1]) / 2)
    x_lo, x_hi = sorted((float(left[0]), float(right[0])))
    assert pts[:, 0].min() > x_lo + 0.1 * width and pts[:, 0].max() < x_hi - 0.1 * width
    assert pts[:, 1].min() > mouth_y + 0.12 * width  # below the chin, not on the face
    assert pts[:, 1].max() < max(left[1], right[1]) + 0.5 * width
    assert abs(float(np.median(pts[:, 0])) - (x_lo + x_hi) / 2) < 0.12 * width


def test_necklace_scales_with_shoulder_width(portrait):
    image, lm, mask = portrait
    big = cv2.resize(image, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_LINEAR)
    big_lm = lm.copy()
    big_lm[:, :3] *= 1.5
    small_out, big_out = image.copy(), big.copy()
    NecklaceRenderer(pendant="none").render(small_out, body_tracking(lm, mask))
    NecklaceRenderer(pendant="none").render(big_out, body_tracking(big_lm, None))
    ratio = changed(big, big_out).sum() / changed(image, small_out).sum()
    assert 1.6 < ratio < 2.9  # area grows with the square of the scale (2.25)


def test_top_stays_inside_the_person_and_keeps_the_shading(portrait):
    image, lm, mask = portrait
    out = image.copy()
    TopRenderer(color="#1f3a68").render(out, body_tracking(lm, mask))
    delta = np.abs(out.astype(int) - image).max(axis=2)
    assert delta[mask < 0.005].max() <= 1
    assert (delta <= np.ceil(mask * 255) + 1).all()  # never more change than the person mask allows
    torso = np.zeros(mask.shape, np.uint8)
    cv2.fillPoly(torso, [np.round(lm[[11, 12, 24, 23], :2]).astype(np.int32)], 1)
    torso = torso.astype(bool) & (mask > 0.8)
    assert (delta[torso] > 10).mean() > 0.8
    b, g, r = out[torso].astype(float).mean(axis=0)
    assert b > r + 20  # the orange suit now reads navy
    dressed = torso & (delta > 10)
    before = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)[dressed].astype(float)
    after = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)[dressed].astype(float)
    assert np.corrcoef(before, after)[0, 1] > 0.5


@pytest.mark.parametrize("kw", [{"cut": "tank", "neckline": "v"}, {"pattern": "stripes", "neckline": "scoop"}])
def test_top_variants_render_inside_the_mask(portrait, kw):
    image, lm, mask = portrait
    out = image.copy()
    TopRenderer(**kw).render(out, body_tracking(lm, mask))
    delta = np.abs(out.astype(int) - image).max(axis=2)
    assert (delta <= np.ceil(mask * 255) + 1).all() and (delta > 10).sum() > 5000


def test_top_leaves_the_face_alone(portrait):
    image, lm, mask = portrait
    out = image.copy()
    TopRenderer(neckline="scoop").render(out, body_tracking(lm, mask))
    mouth = ((lm[9, :2] + lm[10, :2]) / 2).astype(int)
    face = (slice(max(mouth[1] - 80, 0), mouth[1] + 25), slice(mouth[0] - 45, mouth[0] + 45))
    assert np.array_equal(out[face], image[face])


@pytest.mark.parametrize("cls", [NecklaceRenderer, TopRenderer])
def test_body_items_fade_and_follow_scene_light(portrait, cls):
    image, lm, mask = portrait
    untouched = image.copy()
    cls().render(untouched, body_tracking(lm, mask, alpha=0.0))
    assert np.array_equal(untouched, image)
    dim, bright = image.copy(), image.copy()
    cls().render(dim, body_tracking(lm, mask, luma=0.15))
    cls().render(bright, body_tracking(lm, mask, luma=0.6))
    where = changed(image, bright, tol=20)
    assert mean_luma(dim, where) < mean_luma(bright, where) - 10


def test_body_items_skip_an_unreliable_pose(portrait):
    image, lm, mask = portrait
    hidden = lm.copy()
    hidden[[11, 12], 3] = 0.05
    out = image.copy()
    for cls in (NecklaceRenderer, TopRenderer):
        cls().render(out, body_tracking(hidden, mask))
    assert np.array_equal(out, image)


# --- catalog ----------------------------------------------------------------------------------


def test_hand_body_catalog_matches_the_renderers():
    with open(resource("catalog", "hand_body.toml"), "rb") as fh:
        products = tomllib.load(fh)["product"]
    assert len(products) >= 6
    assert len({p["sku"] for p in products}) == len(products)
    kinds = {p["item"] for p in products}
    assert {"ring", "nails", "necklace", "top"} <= kinds and kinds & {"watch", "bracelet"}
    for product in products:
        assert product["name_en"].strip() and product["name_zh"].strip()
        assert product["price"] > 0 and product["currency"] == "CNY"
        cls = RENDERERS[product["item"]]
        props = {p.key: p for p in cls.properties}
        variants = [product.get("props", {})] + [s["props"] for s in product.get("shades", [])]
        for shade in product.get("shades", []):
            assert shade["name_en"].strip() and shade["name_zh"].strip()
        for values in variants:
            item = cls(**values)  # unknown keys raise KeyError
            for key, value in values.items():
                if props[key].type == "color":
                    hex_to_bgr(value)
                elif props[key].type == "choice":
                    assert value in props[key].choices, (product["sku"], key, value)
                elif props[key].type == "float":
                    assert props[key].minimum <= value <= props[key].maximum
            assert item.props
    shade_counts: dict[str, list[int]] = {}
    for product in products:
        shade_counts.setdefault(product["item"], []).append(len(product.get("shades", [])))
    assert max(shade_counts["nails"]) >= 3 and max(shade_counts["top"]) >= 3
