"""Drawing one overlay tile: panels, pills, bars and text, with Pillow, into RGBA.

Tiles are drawn rarely (when what they show changes) and blended every frame, so this module may
be as careful as it likes about looks: shapes are anti-aliased by drawing their masks at 4× and
scaling down, and every string is fitted to its width so nothing spills off a card.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .fonts import FontBook

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
RGBA = tuple[int, int, int, int]

ELLIPSIS = "…"

# Colour emoji and pictographs: CJK text fonts have no glyphs for them (they would draw as boxes).
_NO_GLYPH = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE00-\uFE0F\u200B-\u200F\u2060-\u206F\U000E0000-\U000E007F]")
_SPACES = re.compile(r"\s+")


def plain_text(text: str, cap: int) -> str:
    """Untrusted text made safe to draw: one line, printable, at most `cap` characters."""
    text = _NO_GLYPH.sub("", str(text))
    text = "".join(" " if unicodedata.category(ch).startswith(("C", "Z")) else ch for ch in text)
    text = _SPACES.sub(" ", text).strip()
    return text if len(text) <= cap else text[: cap - 1].rstrip() + ELLIPSIS


def text_width(font: Font, text: str) -> float:
    return font.getlength(text) if text else 0.0


def ellipsize(text: str, font: Font, max_w: float) -> str:
    if text_width(font, text) <= max_w:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if text_width(font, text[:mid].rstrip() + ELLIPSIS) <= max_w:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + ELLIPSIS if lo else ELLIPSIS


def wrap(text: str, font: Font, max_w: float, max_lines: int) -> list[str]:
    """Greedy wrap; breaks between any two CJK characters, prefers spaces in Latin text."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        if len(lines) == max_lines - 1 or text_width(font, rest) <= max_w:
            lines.append(ellipsize(rest, font, max_w))
            break
        cut = 1
        while cut < len(rest) and text_width(font, rest[: cut + 1]) <= max_w:
            cut += 1
        space = rest.rfind(" ", 0, cut + 1)
        if space > cut // 2 and not rest[cut].isspace():
            cut = space
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return lines


@lru_cache(maxsize=512)
def _round_mask(w: int, h: int, r: int) -> np.ndarray:
    """Anti-aliased rounded-rectangle coverage (0..255), drawn at 4× then downsampled."""
    ss = 4
    big = Image.new("L", (max(1, w * ss), max(1, h * ss)), 0)
    ImageDraw.Draw(big).rounded_rectangle((0, 0, w * ss - 1, h * ss - 1), radius=max(0, r * ss), fill=255)
    return np.asarray(big.resize((max(1, w), max(1, h)), Image.Resampling.BOX))


class Canvas:
    """An RGBA tile under construction. Coordinates are pixels inside the tile."""

    def __init__(self, w: int, h: int, fonts: FontBook) -> None:
        self.w, self.h = int(w), int(h)
        self.fonts = fonts
        self.image = Image.new("RGBA", (self.w, self.h), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)

    def font(self, size: float, bold: bool = False) -> Font:
        return self.fonts.get(int(round(size)), bold)

    def rounded(self, x: float, y: float, w: float, h: float, r: float, color: RGBA) -> None:
        x, y, w, h = int(round(x)), int(round(y)), int(round(w)), int(round(h))
        if w <= 0 or h <= 0:
            return
        r = int(min(r, w / 2, h / 2))
        mask = _round_mask(w, h, r)
        if color[3] != 255:
            mask = (mask.astype(np.uint16) * color[3] // 255).astype(np.uint8)
        layer = Image.new("RGBA", (w, h), color[:3] + (255,))
        layer.putalpha(Image.fromarray(mask, "L"))
        self.image.alpha_composite(layer, (x, y))

    def text(self, x: float, y: float, text: str, font: Font, color: RGBA, anchor: str = "la") -> None:
        text = self.fonts.drawable(text) if text else text
        if text:
            self.draw.text((x, y), text, font=font, fill=color, anchor=anchor)

    def line_height(self, font: Font) -> int:
        ascent, descent = font.getmetrics()
        return ascent + descent

    def pill(self, x: float, y: float, text: str, font: Font, bg: RGBA, fg: RGBA,
             pad_x: float, pad_y: float, align: str = "left") -> tuple[float, float]:
        """A rounded label; returns its (width, height). align="right" puts its right edge at x."""
        tw = text_width(font, text)
        ascent, descent = font.getmetrics()
        h = (ascent + descent) * 0.78 + 2 * pad_y
        w = tw + 2 * pad_x
        if align == "right":
            x -= w
        self.rounded(x, y, w, h, h / 2, bg)
        self.text(x + pad_x, y + h / 2, text, font, fg, anchor="lm")
        return w, h

    def bar(self, x: float, y: float, w: float, h: float, fraction: float, track: RGBA, fill: RGBA) -> None:
        self.rounded(x, y, w, h, h / 2, track)
        fraction = min(1.0, max(0.0, fraction))
        if fraction > 0:
            self.rounded(x, y, max(h, w * fraction), h, h / 2, fill)

    def crop_height(self, h: float) -> None:
        """Shrink the tile to the height actually used (layouts stack tiles by height)."""
        h = max(1, min(self.h, int(np.ceil(h))))
        if h != self.h:
            self.image = self.image.crop((0, 0, self.w, h))
            self.draw = ImageDraw.Draw(self.image)
            self.h = h
