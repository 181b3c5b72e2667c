"""Viewer count: a small badge with how many people are watching, as the platform reports it.

A standing element: it draws the room (not an interaction), and the host switches it on or off
in the View menu (off by default: many platforms already show the count).
"""

from __future__ import annotations

from . import strings as S
from .canvas import Canvas, text_width
from .registry import Element, Slot, register
from .style import PINK, WHITE, Style
from .tile import Tile

_LABEL = {"zh": "{n} 人在看", "en": "{n} watching"}


def viewers_view(state):
    room = state.room
    return room if room.viewers is not None else None


def viewers_key(v, w: int, style: Style):
    key = ("viewers", S.count(v.viewers, style.lang), w, style.key)
    return key, key


def render_viewers(v, w: int, style: Style) -> Tile:
    text = _LABEL["en" if style.lang == "en" else "zh"].format(n=S.count(v.viewers, style.lang))
    probe = Canvas(8, 8, style.fonts)
    font = probe.font(style.body, True)
    dot = style.px(10)
    pad_x, pad_y = style.px(12), style.px(6)
    width = min(w, int(pad_x * 2 + dot + style.px(8) + text_width(font, text)))
    height = int(style.body * 1.3 + pad_y * 2)
    c = Canvas(width, height, style.fonts)
    c.rounded(0, 0, width, height, height / 2, (0, 0, 0, 170))
    c.rounded(pad_x, (height - dot) / 2, dot, dot, dot / 2, PINK)
    c.text(pad_x + dot + style.px(8), height / 2, text, font, WHITE, "lm")
    return Tile(c.image)


register(Element("viewers", viewers_key, render_viewers,
                 {"16:9": Slot("top-left", -1), "9:16": Slot("top-left", 1)},
                 view=viewers_view, toggle=("Viewer count on video", "画面显示观看人数"), default_on=False))
