"""Finding a font that can draw Chinese, on Linux, macOS and Windows.

OpenCV's putText only knows Hershey glyphs (ASCII), so overlay text goes through Pillow with a
system CJK font. When none is installed we still draw with whatever TrueType font exists and say
once, in plain words, that Chinese may show as boxes — the show goes on either way.
"""

from __future__ import annotations

import logging
import os
import unicodedata
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

log = logging.getLogger(__name__)

CJK_MISSING_WARNING = (
    "No Chinese font was found on this computer, so Chinese text on the video may not display "
    "(it can show as empty boxes). Install Noto Sans CJK (Linux: fonts-noto-cjk) to fix this."
)

# (regular, bold) pairs, best first. A .ttc holds several faces; we pick the Simplified Chinese one.
_LINUX = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
]
_MACOS = [
    ("/System/Library/Fonts/PingFang.ttc", "/System/Library/Fonts/PingFang.ttc"),
    ("/System/Library/Fonts/Hiragino Sans GB.ttc", "/System/Library/Fonts/Hiragino Sans GB.ttc"),
    ("/System/Library/Fonts/STHeiti Medium.ttc", "/System/Library/Fonts/STHeiti Medium.ttc"),
    ("/Library/Fonts/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"),
]
_WINDOWS_NAMES = [("msyh.ttc", "msyhbd.ttc"), ("simhei.ttf", "simhei.ttf"), ("simsun.ttc", "simsun.ttc")]
_FALLBACK_TTF = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/System/Library/Fonts/Helvetica.ttc",
    "C:/Windows/Fonts/arial.ttf",
]


@dataclass(frozen=True, slots=True)
class FontChoice:
    regular: str | None
    bold: str | None
    cjk: bool
    """False when we fell back to a font without Chinese glyphs."""


def _candidates() -> list[tuple[str, str]]:
    if sys.platform == "darwin":
        return _MACOS + _LINUX
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"
        return [(str(windir / r), str(windir / b)) for r, b in _WINDOWS_NAMES]
    return _LINUX


def find_fonts(candidates: list[tuple[str, str]] | None = None,
               fallbacks: list[str] | None = None) -> FontChoice:
    for regular, bold in candidates if candidates is not None else _candidates():
        if Path(regular).is_file():
            return FontChoice(regular, bold if Path(bold).is_file() else regular, True)
    for path in fallbacks if fallbacks is not None else _FALLBACK_TTF:
        if Path(path).is_file():
            return FontChoice(path, path, False)
    return FontChoice(None, None, False)


def _face_index(path: str) -> int:
    """Index of the Simplified Chinese face inside a collection (Noto's SC is not the first)."""
    if not path.lower().endswith(".ttc"):
        return 0
    for index in range(12):
        try:
            name = ImageFont.truetype(path, 12, index=index).getname()[0]
        except OSError:
            break
        if "SC" in name.split() or "GB" in name:
            return index
    return 0


class FontBook:
    """Sized fonts, loaded once (a CJK collection is ~20 MB; loading it per frame would stall)."""

    def __init__(self, choice: FontChoice | None = None) -> None:
        self.choice = choice or find_fonts()
        self.warning: str | None = None if self.choice.cjk else CJK_MISSING_WARNING
        if self.warning:
            log.warning(self.warning)
        self._index = {p: _face_index(p) for p in {self.choice.regular, self.choice.bold} if p}

    @lru_cache(maxsize=64)
    def get(self, size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
        path = self.choice.bold if bold else self.choice.regular
        size = max(6, int(size))
        if path is None:
            return ImageFont.load_default(size)
        return ImageFont.truetype(path, size, index=self._index.get(path, 0))


    def drawable(self, text: str) -> str:
        """`text` without the characters this font has no glyph for (they would draw as boxes
        on the program video): a product name no font can draw shows what it can, never tofu."""
        if not text or text.isascii():
            return text
        font = self.get(24)
        return "".join(ch for ch in text if ch.isspace() or _has_glyph(font, ch))


_MISSING = "\U0010FFFD"
"""A private-use code point no font draws: what this font's "missing glyph" box looks like."""


@lru_cache(maxsize=8192)
def _has_glyph(font, ch: str) -> bool:
    try:
        mask = font.getmask(ch)
        box = font.getmask(_MISSING)
    except (OSError, ValueError):
        return True
    if mask.size == (0, 0) or mask.getbbox() is None:
        return unicodedata.category(ch).startswith(("Z", "M", "C"))  # blank on purpose, or not
    return not (mask.size == box.size and bytes(mask) == bytes(box))


_shared: FontBook | None = None


def shared_fonts() -> FontBook:
    """One FontBook per process; the warning is therefore logged once."""
    global _shared
    if _shared is None:
        _shared = FontBook()
    return _shared
