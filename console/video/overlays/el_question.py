"""The question-of-the-moment card (interaction kind "question")."""

from __future__ import annotations

from .canvas import Canvas, plain_text, wrap
from .elements import NAME_CAP, TEXT_CAP, header, lines, panel
from .registry import Element, Slot, register
from .style import CYAN, MUTED, WHITE, Style
from .tile import Tile

_TEXT = {"zh": ("观众提问", "提问："), "en": ("QUESTION", "asked by ")}


def question_key(v, w: int, style: Style):
    key = ("question", v.viewer_name, v.text, w, style.key)
    return key, key


def render_question(v, w: int, style: Style) -> Tile:
    label, asked = _TEXT["en" if style.lang == "en" else "zh"]

    def body(c: Canvas, x: int, y: int, iw: int) -> float:
        y = header(c, x, y, iw, style, label, CYAN)
        y = lines(c, x, y, iw, plain_text(v.text, TEXT_CAP), style.title, WHITE, bold=True, max_lines=3)
        if v.viewer_name:
            name = wrap(plain_text(v.viewer_name, NAME_CAP), c.font(style.small), iw, 1)
            y = lines(c, x, y + style.px(2), iw, asked + (name[0] if name else ""), style.small, MUTED, max_lines=1)
        return y

    return panel(w, style, body)


register(Element("question", question_key, render_question,
                 {"16:9": Slot("bottom-left", 2), "9:16": Slot("lower-left", 1)}))
