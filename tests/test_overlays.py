"""Overlays composited on real frames: where pixels change, shapes, Chinese glyphs, caching."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from console.core.clock import ManualClock
from console.core.hub import SessionHub
from console.interact.controller import Interactions
from console.interact.views import (CountdownView, CouponView, LotteryView, OverlayState,
                                    PinnedCommentView, PollView, ProductCardView)
from console.video.demo_camera import DemoCamera
from console.video.overlays.canvas import Canvas, ellipsize, plain_text, wrap
from console.video.overlays.compositor import OverlayCompositor
from console.video.overlays.elements import _percentages
from console.video.overlays.fonts import FontBook, find_fonts
from console.video.overlays.framing import output_size, program_frame
from console.video.overlays.tile import Tile

COMMIT = "3f9a2b7c4d5e6f708192a3b4c5d6e7f8" * 2
EVERYTHING = OverlayState(
    poll=PollView("p1", "下一款试哪个色号？", (("枫叶红", 124), ("豆沙粉", 88), ("正红色 Ruby Woo", 40)), 252, 42.3, False),
    lottery=LotteryView("d1", "抽奖", "drawn", None, 1234, ("小鱼儿🐟", "Alice_W", "李四"), COMMIT, "ab12" * 16),
    coupon=CouponView("c1", "满199减30", "领券", None, 12, 100, 599.2, None, 0),
    countdown=CountdownView("k1", "口红第二件半价", 83.4, 120, True, "SKU1", 99.0),
    product_card=ProductCardView("SKU1", "丝绒哑光口红 #999 经典正红", 299.0, "CNY", "领券立减30"),
    pinned=PinnedCommentView("小美同学", "这个颜色黄皮能用吗？\n想看一下上嘴效果" + "！" * 300),
)


@pytest.fixture(scope="module")
def portrait_frame(portrait_path: Path) -> np.ndarray:
    image = cv2.imread(str(portrait_path))
    frame = np.full((720, 1280, 3), 40, np.uint8)
    frame[:, 280:1000] = cv2.resize(image, (720, 720))
    return frame


@pytest.fixture(scope="module")
def demo_frame() -> np.ndarray:
    shot = DemoCamera(1280, 720).read(1.5)
    return getattr(shot, "image", shot)


def _changed_outside(plain: np.ndarray, out: np.ndarray, rects) -> tuple[int, int]:
    inside = np.zeros(plain.shape[:2], bool)
    for x, y, w, h in rects:
        inside[y:y + h, x:x + w] = True
    diff = np.any(plain != out, axis=2)
    return int(diff[~inside].sum()), int(diff[inside].sum())


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
@pytest.mark.parametrize("source", ["portrait_frame", "demo_frame"])
def test_pixels_change_only_inside_element_rectangles(aspect, source, request):
    frame = request.getfixturevalue(source)
    plain = OverlayCompositor(lambda: OverlayState(), aspect=aspect).process(frame.copy(), 0)
    comp = OverlayCompositor(lambda: EVERYTHING, aspect=aspect)
    out = comp.process(frame.copy(), 0)
    assert out.shape == plain.shape
    assert {p.kind for p in comp.last_layout} == {"poll", "lottery", "coupon", "countdown", "product_card", "pinned"}
    outside, inside = _changed_outside(plain, out, [p.rect for p in comp.last_layout])
    assert outside == 0
    assert inside > 0.5 * sum(w * h for _, _, w, h in (p.rect for p in comp.last_layout))
    cv2.imwrite(f"/tmp/overlays_{source}_{aspect.replace(':', 'x')}.png", out)


@pytest.mark.parametrize("aspect", ["16:9", "9:16"])
def test_everything_on_fits_in_the_title_safe_area_without_overlap(aspect, demo_frame):
    comp = OverlayCompositor(lambda: EVERYTHING, aspect=aspect)
    out = comp.process(demo_frame.copy(), 0)
    h, w = out.shape[:2]
    rects = [p.rect for p in comp.last_layout]
    for x, y, rw, rh in rects:
        assert x >= 0.05 * w - 1 and y >= 0.05 * h - 1
        assert x + rw <= 0.95 * w + 1 and y + rh <= 0.95 * h + 1
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            disjoint = a[0] + a[2] <= b[0] or b[0] + b[2] <= a[0] or a[1] + a[3] <= b[1] or b[1] + b[3] <= a[1]
            assert disjoint, (a, b)


def test_vertical_output_is_9_16_from_a_landscape_camera(demo_frame):
    comp = OverlayCompositor(lambda: EVERYTHING)
    assert comp.process(demo_frame.copy(), 0).shape == (720, 1280, 3)
    comp.set_aspect("9:16")
    out = comp.process(demo_frame.copy(), 33)
    assert out.shape == (1280, 720, 3)
    # The vertical frame is the centre of the camera frame, not a squashed whole frame.
    plain = program_frame(demo_frame, "9:16")
    centre = cv2.resize(demo_frame[:, (1280 - 405) // 2:(1280 - 405) // 2 + 405], (720, 1280)).astype(int)
    squashed = cv2.resize(demo_frame, (720, 1280)).astype(int)
    assert np.abs(centre - plain).mean() < 1
    assert np.abs(squashed - plain).mean() > 10
    with pytest.raises(ValueError, match="9:16"):
        comp.set_aspect("4:3")


def test_framing_sizes():
    assert output_size(640, 480, "16:9") == (640, 360)
    assert output_size(1920, 1080, "9:16") == (1080, 1920)
    assert output_size(1280, 720, "16:9") == (1280, 720)
    square = np.zeros((480, 640, 3), np.uint8)
    assert program_frame(square, "16:9").shape == (360, 640, 3)
    wide = np.zeros((720, 1280, 3), np.uint8)
    assert program_frame(wide, "16:9") is wide  # nothing to crop: no copy


def _ink(text: str, fonts: FontBook) -> np.ndarray:
    c = Canvas(260, 60, fonts)
    c.text(4, 30, text, c.font(40, bold=True), (255, 255, 255, 255), anchor="lm")
    return np.asarray(c.image)[:, :, 3]


def test_chinese_glyphs_are_drawn_not_boxes():
    fonts = FontBook()
    assert fonts.choice.cjk, "no CJK font found: install fonts-noto-cjk (packaging/os-deps.sh does)"
    sale, latin, other = _ink("限时抢购", fonts), _ink("ABCD", fonts), _ink("口红直播", fonts)
    assert (sale > 0).sum() > 500
    assert not np.array_equal(sale, latin)
    # Missing glyphs all draw the same box; two different Chinese words must differ.
    assert not np.array_equal(sale, other)
    assert fonts.warning is None


def test_without_a_chinese_font_it_warns_once_and_still_draws(tmp_path):
    fallback = find_fonts(candidates=[], fallbacks=["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"])
    nothing = find_fonts(candidates=[], fallbacks=[str(tmp_path / "missing.ttf")])
    for choice in (fallback, nothing):
        fonts = FontBook(choice)
        assert not choice.cjk and "Chinese text" in fonts.warning
        assert (_ink("ABCD", fonts) > 0).sum() > 100
        comp = OverlayCompositor(lambda: EVERYTHING, fonts=fonts)
        assert comp.font_warning == fonts.warning
        assert comp.process(np.zeros((720, 1280, 3), np.uint8), 0).any()


def test_tiles_are_cached_while_the_content_is_unchanged(demo_frame):
    state = {"s": EVERYTHING}
    comp = OverlayCompositor(lambda: state["s"])
    comp.process(demo_frame.copy(), 0)
    misses = {k: c.misses for k, c in comp.caches.items()}
    for i in range(1, 6):
        comp.process(demo_frame.copy(), i * 33)
    assert {k: c.misses for k, c in comp.caches.items()} == misses
    assert all(comp.caches[k].hits >= 5 for k in EVERYTHING.views)
    # The countdown shows one second less: exactly that element is drawn again.
    cd = EVERYTHING.countdown
    state["s"] = OverlayState(**{**{k: getattr(EVERYTHING, k) for k in ("poll", "lottery", "coupon", "product_card", "pinned")},
                                 "countdown": CountdownView(cd.countdown_id, cd.label, cd.remaining_s - 1, cd.total_s,
                                                            cd.flash_sale, cd.sku, cd.price)})
    comp.process(demo_frame.copy(), 1000)
    after = {k: c.misses for k, c in comp.caches.items()}
    assert after["countdown"] == misses["countdown"] + 1
    assert all(after[k] == misses[k] for k in after if k != "countdown")
    # 0.3 s less still shows the same whole second: no new tile.
    state["s"] = OverlayState(countdown=CountdownView(cd.countdown_id, cd.label, cd.remaining_s - 1.3, cd.total_s,
                                                      cd.flash_sale, cd.sku, cd.price))
    comp.process(demo_frame.copy(), 2000)
    assert comp.caches["countdown"].misses == after["countdown"]


def test_a_vote_flood_is_throttled_not_drawn_every_frame(demo_frame):
    votes = {"n": 0}

    def state():
        votes["n"] += 1
        return OverlayState(poll=PollView("p", "Q?", (("A", votes["n"]), ("B", 3)), votes["n"] + 3, None, False))

    comp = OverlayCompositor(state)
    for i in range(30):  # one second at 30 fps, a new vote every frame
        comp.process(demo_frame.copy(), i * 33)
    cache = comp.caches["poll"]
    assert 3 <= cache.misses <= 7
    assert cache.throttled > 20


def test_untrusted_text_is_plain_capped_and_fits():
    text = plain_text("hi\n\t<b>x</b>\u202e\x00🎉🎉 there" + "!" * 500, 40)
    assert "\n" not in text and "\x00" not in text and "\u202e" not in text and "🎉" not in text
    assert len(text) <= 40 and text.endswith("…") and "<b>x</b>" in text
    fonts = FontBook()
    font = fonts.get(20)
    assert font.getlength(ellipsize("很长的评论" * 40, font, 200)) <= 200
    lines = wrap("这是一条非常非常长的观众评论，需要换行显示，并且最多两行" * 3, font, 180, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 180 for line in lines)


def test_percentages_add_up_to_100():
    assert _percentages([1, 1, 1], 3) == [34, 33, 33]
    assert sum(_percentages([124, 88, 40, 7], 259)) == 100
    assert _percentages([0, 0], 0) == [0, 0]


def test_blend_stays_in_its_rectangle_and_clips_at_the_edge():
    rgba = np.zeros((10, 20, 4), np.uint8)
    rgba[..., :3] = (255, 0, 0)
    rgba[..., 3] = 255
    frame = np.zeros((30, 30, 3), np.uint8)
    Tile(rgba).blend_into(frame, 25, 25)
    assert (frame[25:, 25:] == (0, 0, 255)).all()  # red in BGR
    assert not frame[:25].any() and not frame[:, :25].any()


def test_a_failing_state_source_keeps_the_video_going(demo_frame):
    def broken():
        raise RuntimeError("engine bug")

    comp = OverlayCompositor(broken)
    out = comp.process(demo_frame.copy(), 0)
    assert np.array_equal(out, demo_frame) and comp.last_layout == []


def test_real_interactions_drive_the_overlay(demo_frame):
    clock = ManualClock()
    hub = SessionHub()
    interactions = Interactions(hub, clock, presets=[])
    comp = OverlayCompositor(interactions.snapshot)
    comp.process(demo_frame.copy(), 0)
    assert comp.last_layout == []
    assert interactions.open_poll("Which shade next?", ["Ruby", "Coral"], duration_s=30).ok
    assert interactions.start_countdown(20, "Flash sale", flash_sale=True, price=99).ok
    comp.process(demo_frame.copy(), 33)
    assert {p.kind for p in comp.last_layout} == {"poll", "countdown"}
    before = comp.caches["countdown"].misses
    clock.advance(2)
    interactions.tick()
    comp.process(demo_frame.copy(), 2033)
    assert comp.caches["countdown"].misses == before + 1
    interactions.stop("poll")
    comp.process(demo_frame.copy(), 2066)
    assert {p.kind for p in comp.last_layout} == {"countdown"}
    interactions.close()


def test_every_element_lays_out_on_a_720p_frame(demo_frame):
    """Timing lives in `live-console bench video` (its overlay stage), not in the suite."""
    comp = OverlayCompositor(lambda: EVERYTHING)
    for i in range(3):
        out = comp.process(demo_frame.copy(), 33 * i)
    assert len(comp.last_layout) == 6
    assert out.shape == demo_frame.shape and not np.array_equal(out, demo_frame)


def test_a_product_name_no_font_can_draw_shows_no_boxes():
    """Issue 12: characters the on-air font has no glyph for are left out, never drawn as tofu."""
    import numpy as np

    from console.video.overlays.elements import render_product
    from console.video.overlays.fonts import shared_fonts
    from console.video.overlays.style import Style

    fonts = shared_fonts()
    style = Style(1.0, "zh", fonts)
    plain = render_product(ProductCardView("S", "丝绒口红", 99.0, "CNY", None), 400, style)
    odd = render_product(ProductCardView("S", "丝绒口红ꙮ𓀀𐎀", 99.0, "CNY", None), 400, style)
    assert fonts.drawable("丝绒口红ꙮ𓀀𐎀") == "丝绒口红"
    assert (plain.w, plain.h) == (odd.w, odd.h) and np.array_equal(plain.premul, odd.premul)
