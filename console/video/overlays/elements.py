"""The built-in overlay elements: view snapshot + width → a cached, blend-ready tile.

The drawing helpers here (`panel`, `header`, `lines`) are shared by element modules (el_*.py).

Each element also says what its tile depends on (`*_key`): the identity (same poll, same phase,
same size — re-rendered at a throttled rate) and the full visible content (seconds are rounded to
what the viewer sees, so a countdown re-renders once a second, not every frame).
"""

from __future__ import annotations

from typing import Callable

from PIL import Image

from console.interact.views import (CountdownView, CouponView, LotteryView, PinnedCommentView,
                                    PollView, ProductCardView)

from . import strings as S
from .canvas import Canvas, plain_text, text_width, wrap
from .style import (CYAN, DARK, FAINT, GOLD, MUTED, ORANGE, PANEL, PINK, TEXT_2, TRACK, VIOLET,
                    WHITE, Style)
from .registry import Element, Slot, register
from .tile import Tile

NAME_CAP = 24
TEXT_CAP = 120
TITLE_CAP = 60


def panel(w: int, style: Style, body: Callable[[Canvas, int, int, int], float],
           panel: tuple[int, int, int, int] = PANEL) -> Tile:
    """Draw `body` on a tall transparent canvas, then put a dark rounded panel under what it used."""
    pad = style.pad
    content = Canvas(w, style.px(900), style.fonts)
    bottom = body(content, pad, pad, w - 2 * pad)
    h = int(bottom + pad)
    content.crop_height(h)
    base = Canvas(w, h, style.fonts)
    base.rounded(0, 0, w, h, style.radius, panel)
    base.image.alpha_composite(content.image)
    return Tile(base.image)


def header(c: Canvas, x: int, y: int, w: int, style: Style, label: str, accent, right: str = "",
            right_color=WHITE) -> float:
    """Accent pill on the left, a bold figure (time left) on the right; returns the next y."""
    pill_font = c.font(style.small, bold=True)
    _, ph = c.pill(x, y, label, pill_font, accent, DARK, style.px(10), style.px(4))
    if right:
        font = c.font(style.body, bold=True)
        c.text(x + w, y + ph / 2, right, font, right_color, anchor="rm")
    return y + ph + style.gap


def lines(c: Canvas, x: int, y: float, w: int, text: str, size: int, color, *, bold: bool = False,
           max_lines: int = 2, anchor_x: str = "l") -> float:
    font = c.font(size, bold)
    lh = size * 1.32
    for line in wrap(text, font, w, max_lines):
        cx = x + w / 2 if anchor_x == "m" else x
        c.text(cx, y + lh / 2, line, font, color, anchor=anchor_x + "m")
        y += lh
    return y


def _percentages(votes: list[int], total: int) -> list[int]:
    """Whole percentages that add up to 100 (largest remainder), so the bars never read 99 %."""
    if total <= 0:
        return [0] * len(votes)
    exact = [v * 100 / total for v in votes]
    out = [int(e) for e in exact]
    order = sorted(range(len(votes)), key=lambda i: exact[i] - out[i], reverse=True)
    for i in order[: 100 - sum(out)]:
        out[i] += 1
    return out


# --- poll -------------------------------------------------------------------------------------

def poll_key(v: PollView, w: int, style: Style):
    return (("poll", v.poll_id, v.closed, w, style.key),
            ("poll", v.poll_id, v.question, v.options, v.total, S.whole_seconds(v.remaining_s), v.closed, w, style.key))


def render_poll(v: PollView, w: int, style: Style) -> Tile:
    lang = style.lang

    def body(c: Canvas, x: int, y: int, iw: int) -> float:
        right = S.t("poll_closed", lang) if v.closed else S.mmss(v.remaining_s)
        y = header(c, x, y, iw, style, S.t("poll", lang), CYAN, right, MUTED if v.closed else CYAN)
        y = lines(c, x, y, iw, plain_text(v.question, TITLE_CAP), style.title, WHITE, bold=True)
        y += style.px(4)
        votes = [n for _, n in v.options]
        pcts = _percentages(votes, v.total)
        leader = max(range(len(votes)), key=votes.__getitem__) if votes and max(votes) > 0 else -1
        font, bold, small = c.font(style.body), c.font(style.body, True), c.font(style.small)
        badge = style.px(24)
        row_h = style.body * 1.4
        for i, (label, n) in enumerate(v.options):
            accent = CYAN if i == leader else WHITE
            cy = y + row_h / 2
            c.rounded(x, cy - badge / 2, badge, badge, style.px(6), CYAN if i == leader else (255, 255, 255, 40))
            c.text(x + badge / 2, cy, str(i + 1), c.font(style.small, True), DARK if i == leader else WHITE, "mm")
            pct = f"{pcts[i]}%"
            count = S.t("votes", lang, n=S.count(n, lang))
            right_w = text_width(bold, pct) + style.px(8) + text_width(small, count)
            c.text(x + iw, cy, count, small, MUTED, "rm")
            c.text(x + iw - text_width(small, count) - style.px(8), cy, pct, bold, accent, "rm")
            room = iw - badge - style.px(10) - right_w - style.px(10)
            label_lines = wrap(plain_text(label, TITLE_CAP), font, room, 1)
            c.text(x + badge + style.px(10), cy, label_lines[0] if label_lines else "", font, WHITE, "lm")
            y += row_h + style.px(3)
            c.bar(x, y, iw, style.px(8), pcts[i] / 100, TRACK, CYAN if i == leader else FAINT)
            y += style.px(8) + style.gap
        hint = S.t("total_votes", lang, n=S.count(v.total, lang))
        if not v.closed:
            hint = S.t("vote_hint", lang) + " · " + hint
        return lines(c, x, y, iw, hint, style.small, MUTED, max_lines=2)

    return panel(w, style, body)


# --- lottery ----------------------------------------------------------------------------------

def lottery_key(v: LotteryView, w: int, style: Style):
    return (("lottery", v.draw_id, v.phase, w, style.key),
            ("lottery", v.draw_id, v.phase, v.keyword, S.whole_seconds(v.remaining_s), v.entrants,
             v.winners, v.commitment, v.seed, v.entrants_hash, v.chain_head, v.void_reason, w, style.key))


def render_lottery(v: LotteryView, w: int, style: Style) -> Tile:
    lang = style.lang

    def body(c: Canvas, x: int, y: int, iw: int) -> float:
        right = {"open": S.mmss(v.remaining_s), "closed": "",
                 "drawn": S.t("winners", lang)}.get(v.phase, "")
        y = header(c, x, y, iw, style, S.t("lottery", lang), GOLD, right, GOLD)
        keyword = plain_text(v.keyword, 12)
        entrants = S.t("entrants", lang, n=S.count(v.entrants, lang))
        if v.phase == "void":
            y = lines(c, x, y, iw, S.t("void", lang), style.title, WHITE, bold=True)
            y = lines(c, x, y, iw, plain_text(v.void_reason or "", 200), style.small, TEXT_2, max_lines=3)
        elif v.phase == "drawn":
            shown = v.winners[:5]
            font = c.font(style.body, True)
            row_h = style.body * 1.45
            for i, name in enumerate(shown):
                cy = y + row_h / 2
                c.text(x, cy, f"{i + 1}", c.font(style.body, True), GOLD, "lm")
                c.text(x + style.px(26), cy, wrap(plain_text(name, NAME_CAP), font, iw - style.px(26), 1)[0],
                       font, WHITE, "lm")
                y += row_h
            if not v.winners:
                y = lines(c, x, y, iw, S.t("entrants", lang, n=0), style.body, TEXT_2)
            if len(v.winners) > len(shown):
                y = lines(c, x, y, iw, S.t("more_winners", lang, n=len(v.winners) - len(shown)),
                           style.small, TEXT_2, max_lines=1)
        else:
            if v.phase == "open":
                y = lines(c, x, y, iw, S.t("enter_hint", lang, kw=keyword), style.title, WHITE, bold=True)
            else:
                y = lines(c, x, y, iw, S.t("drawing", lang), style.title, WHITE, bold=True)
            y = lines(c, x, y, iw, entrants, style.body, GOLD, bold=True, max_lines=1)
        y += style.px(4)
        # The proof, small but whole: anyone can check the seed against the commitment afterwards.
        c.rounded(x, y + style.px(4), iw, 1, 0, (255, 255, 255, 40))
        y += style.px(8)
        y = lines(c, x, y, iw, f"✓ {S.t('verifiable', lang)}", style.small, GOLD, bold=True, max_lines=1)
        y = lines(c, x, y, iw, f"{S.t('commitment', lang)} {S.short_hex(v.commitment)}", style.small,
                   MUTED, max_lines=1)
        if v.entrants_hash:
            # Count and hash of the frozen entrant list: viewers can check a published log against it.
            y = lines(c, x, y, iw, S.t("entrant_list", lang, n=v.entrants, h=v.entrants_hash[:12]),
                      style.small, MUTED, max_lines=1)
        if v.seed:
            y = lines(c, x, y, iw, f"{S.t('seed', lang)} {S.short_hex(v.seed)}", style.small, MUTED, max_lines=1)
        if v.chain_head:
            y = lines(c, x, y, iw, S.t("chain", lang, h=v.chain_head), style.small, MUTED, max_lines=1)
        return y

    return panel(w, style, body)


# --- coupon -----------------------------------------------------------------------------------

def coupon_key(v: CouponView, w: int, style: Style):
    locked = v.code is None and v.like_goal is not None and v.likes < v.like_goal
    return (("coupon", v.coupon_id, locked, v.code, w, style.key),
            ("coupon", v.coupon_id, v.title, v.keyword, v.code, v.remaining, v.quantity,
             S.whole_seconds(v.expires_in_s), v.like_goal, v.likes, w, style.key))


def render_coupon(v: CouponView, w: int, style: Style) -> Tile:
    lang = style.lang

    def body(c: Canvas, x: int, y: int, iw: int) -> float:
        right = S.t("expires", lang, t=S.mmss(v.expires_in_s)) if v.expires_in_s is not None else ""
        y = header(c, x, y, iw, style, S.t("coupon", lang), PINK, right, TEXT_2)
        y = lines(c, x, y, iw, plain_text(v.title, TITLE_CAP), style.title, WHITE, bold=True)
        y += style.px(4)
        locked = v.code is None and v.like_goal is not None and v.likes < v.like_goal
        if locked:
            goal = S.count(v.like_goal, lang)
            y = lines(c, x, y, iw, S.t("like_goal", lang, goal=goal), style.body, PINK, bold=True, max_lines=1)
            c.bar(x, y, iw, style.px(10), v.likes / max(1, v.like_goal), TRACK, PINK)
            y += style.px(10) + style.px(4)
            y = lines(c, x, y, iw, f"{S.count(v.likes, lang)} / {goal}", style.small, TEXT_2, max_lines=1)
        elif v.code:
            y = _code_box(c, x, y, iw, plain_text(v.code, 40), S.t("code", lang), style)
        else:
            hint = wrap(S.t("claim_hint", lang, kw=plain_text(v.keyword, 12)), c.font(style.body, True),
                        iw - style.px(28), 1)[0]
            _, ph = c.pill(x, y, hint, c.font(style.body, True), PINK, WHITE, style.px(14), style.px(7))
            y += ph + style.gap
        if v.remaining <= 0:
            return lines(c, x, y, iw, S.t("sold_out", lang), style.body, MUTED, bold=True, max_lines=1)
        left = S.t("left", lang, n=S.count(v.remaining, lang), q=S.count(v.quantity, lang))
        y = lines(c, x, y, iw, left, style.small, TEXT_2, max_lines=1)
        c.bar(x, y, iw, style.px(6), v.remaining / max(1, v.quantity), TRACK, PINK)
        return y + style.px(6)

    return panel(w, style, body)


def _code_box(c: Canvas, x: int, y: float, iw: int, code: str, label: str, style: Style) -> float:
    """A coupon code is useless half-shown: shrink it (and drop the label) until it fits whole."""
    label_font = c.font(style.body)
    label = label + "  "
    inner = iw - style.px(24)
    size = style.title
    while size > style.small and text_width(c.font(size, True), code) > inner - text_width(label_font, label):
        size -= 1
    if text_width(c.font(size, True), code) > inner - text_width(label_font, label):
        label = ""
        size = style.title
        while size > style.px(11) and text_width(c.font(size, True), code) > inner:
            size -= 1
    font = c.font(size, True)
    h = style.title * 1.6
    c.rounded(x, y, iw, h, style.px(8), (255, 255, 255, 235))
    c.text(x + style.px(12), y + h / 2, label, label_font, (90, 90, 100, 255), "lm")
    c.text(x + style.px(12) + text_width(label_font, label), y + h / 2, code, font, PINK, "lm")
    return y + h + style.gap


# --- countdown / flash sale -------------------------------------------------------------------

def countdown_key(v: CountdownView, w: int, style: Style):
    return (("countdown", v.countdown_id, v.flash_sale, w, style.key),
            ("countdown", v.countdown_id, v.label, S.whole_seconds(v.remaining_s), v.total_s, v.flash_sale,
             v.sku, v.price, w, style.key))


def render_countdown(v: CountdownView, w: int, style: Style) -> Tile:
    lang = style.lang

    def body(c: Canvas, x: int, y: int, iw: int) -> float:
        if v.flash_sale:
            bh = style.title * 1.55
            _gradient_bar(c, x, y, iw, bh, PINK, ORANGE, style.px(10))
            c.text(x + iw / 2, y + bh / 2, S.t("flash_sale", lang), c.font(style.title, True), WHITE, "mm")
            y += bh + style.px(2)
        else:
            y = header(c, x, y, iw, style, S.t("countdown", lang), ORANGE)
        big = c.font(style.big, True)
        bh = style.big * 1.15
        c.text(x + iw / 2, y + bh / 2, S.mmss(v.remaining_s), big, WHITE, "mm")
        y += bh
        label = plain_text(v.label, TITLE_CAP)
        if v.flash_sale and v.price is not None:
            label = (label + "  " if label else "") + S.price(v.price)
        if label:
            y = lines(c, x, y, iw, label, style.body, GOLD if v.flash_sale else TEXT_2, bold=v.flash_sale,
                       max_lines=1, anchor_x="m")
        if not v.flash_sale and v.total_s > 0:
            y += style.px(4)
            c.bar(x, y, iw, style.px(6), v.remaining_s / v.total_s, TRACK, ORANGE)
            y += style.px(6)
        return y

    return panel(w, style, body)


def _gradient_bar(c: Canvas, x, y, w, h, left, right, radius) -> None:
    import numpy as np

    w, h = int(w), int(h)
    ramp = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :, None]
    rgb = (np.array(left[:3], np.float32) * (1 - ramp) + np.array(right[:3], np.float32) * ramp)
    rgb = np.repeat(rgb, h, axis=0).astype(np.uint8)
    layer = Canvas(w, h, c.fonts)
    layer.rounded(0, 0, w, h, radius, WHITE)
    alpha = np.asarray(layer.image)[:, :, 3:4]
    tile = Image.fromarray(np.concatenate([rgb, alpha], axis=2), "RGBA")
    c.image.alpha_composite(tile, (int(x), int(y)))


# --- product card -----------------------------------------------------------------------------

def product_key(v: ProductCardView, w: int, style: Style):
    key = ("product", v.sku, v.name, v.price, v.currency, v.coupon_text, w, style.key)
    return key, key


def render_product(v: ProductCardView, w: int, style: Style) -> Tile:
    lang = style.lang

    def body(c: Canvas, x: int, y: int, iw: int) -> float:
        y = header(c, x, y, iw, style, S.t("now_showing", lang), PINK)
        y = lines(c, x, y, iw, plain_text(v.name, TITLE_CAP), style.title, WHITE, bold=True)
        price_font = c.font(style.px(38), True)
        ph = style.px(38) * 1.2
        price = S.price(v.price, v.currency)
        c.text(x, y + ph / 2, price, price_font, GOLD, "lm")
        if v.coupon_text:
            room = iw - text_width(price_font, price) - style.px(14)
            font = c.font(style.small, True)
            text = wrap(plain_text(v.coupon_text, 24), font, max(1, room - style.px(20)), 1)
            if text and room > style.px(60):
                pw, pill_h = c.pill(x + iw, y + (ph - style.small * 1.3) / 2, text[0], font, PINK, WHITE,
                                    style.px(10), style.px(5), align="right")
        return y + ph

    return panel(w, style, body)


# --- pinned comment ---------------------------------------------------------------------------

def pinned_key(v: PinnedCommentView, w: int, style: Style):
    key = ("pinned", v.viewer_name, v.text, w, style.key)
    return key, key


def render_pinned(v: PinnedCommentView, w: int, style: Style) -> Tile:
    lang = style.lang

    def body(c: Canvas, x: int, y: int, iw: int) -> float:
        font = c.font(style.small, True)
        pw, ph = c.pill(x, y, S.t("pinned", lang), font, VIOLET, DARK, style.px(10), style.px(4))
        name_font = c.font(style.body, True)
        name = wrap(plain_text(v.viewer_name, NAME_CAP), name_font, iw - pw - style.px(10), 1)
        c.text(x + pw + style.px(10), y + ph / 2, name[0] if name else "", name_font, VIOLET, "lm")
        y += ph + style.px(6)
        return lines(c, x, y, iw, plain_text(v.text, TEXT_CAP), style.body, WHITE, max_lines=2)

    return panel(w, style, body)


# --- the built-in elements and where they go -------------------------------------------------

register(Element("countdown", countdown_key, render_countdown,
                 {"16:9": Slot("bottom-centre"), "9:16": Slot("top-left")}))
register(Element("poll", poll_key, render_poll, {"16:9": Slot("top-right"), "9:16": Slot("lower-left")}))
register(Element("lottery", lottery_key, render_lottery,
                 {"16:9": Slot("top-left"), "9:16": Slot("lower-right")}))
register(Element("coupon", coupon_key, render_coupon, {"16:9": Slot("bottom-right"), "9:16": Slot("top-right")}))
register(Element("product_card", product_key, render_product,
                 {"16:9": Slot("bottom-left"), "9:16": Slot("bottom-band")}))
register(Element("pinned", pinned_key, render_pinned,
                 {"16:9": Slot("bottom-left", 1), "9:16": Slot("lower-right", 1)}))
