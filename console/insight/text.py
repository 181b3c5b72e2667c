"""Text clean-up shared by the classifier, grouping and the comment panel (Qt-free).

Two different jobs:
- `fold` makes comments comparable for matching: NFKC (full-width → half-width), lower case,
  the traditional characters live comments use most mapped to simplified. Never shown.
- `safe_text` / `display_line` make an untrusted comment safe to store and to draw as one line:
  lone surrogates (which SQLite cannot store) become U+FFFD instead of costing the event, control
  characters and bidi overrides (which can reverse the rest of a row) are removed, runs of
  combining marks (zalgo) are capped so a row cannot paint over its neighbours.
"""

from __future__ import annotations

import re
import unicodedata

_TRAD = str.maketrans(
    "錢顏幾發貨絕嗎麼碼價質號買賣鏈優運費這個們會還沒為紅藍黃綠網現庫顯樣說謝讚愛歡該點長寬問題時間達轉對給來過選壞夠號單戴試種鍊條",
    "钱颜几发货绝吗么码价质号买卖链优运费这个们会还没为红蓝黄绿网现库显样说谢赞爱欢该点长宽问题时间达转对给来过选坏够号单戴试种链条",
)

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0/C1 controls except tab/newline, DEL, bidi embeddings/overrides/isolates, BOM, line/para
# separators: none of them belong in a one-line comment row.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NEWLINES = re.compile("[\t\n\u2028\u2029]+")
_ZALGO = re.compile("([\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{2})[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")

DISPLAY_CHARS = 200
"""Rows show at most this much; the tooltip and the log keep more."""
TOOLTIP_CHARS = 2000


def fold(text: str) -> str:
    """Matching form: half-width, lower case, simplified. Cheap enough for every comment."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).lower().translate(_TRAD)


def safe_text(text: str) -> str:
    """What may be stored: lone surrogates replaced (SQLite/UTF-8 cannot encode them)."""
    if text.isascii():
        return text.replace("\x00", "\ufffd")
    return _SURROGATE.sub("\ufffd", text).replace("\x00", "\ufffd")


def display_line(text: str, limit: int = DISPLAY_CHARS) -> str:
    """One safe line for a list row: no controls or bidi overrides, capped zalgo, clipped."""
    text = safe_text(text)
    if not text.isascii():
        text = _ZALGO.sub(r"\1", _CONTROLS.sub("", text))
    else:
        text = _CONTROLS.sub("", text)
    text = _NEWLINES.sub(" ", text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def tooltip_text(text: str) -> str:
    """The full comment for hover: safe, controls removed, but line breaks kept; bounded."""
    text = _CONTROLS.sub("", safe_text(text))
    if not text.isascii():
        text = _ZALGO.sub(r"\1", text)
    if len(text) > TOOLTIP_CHARS:
        text = text[: TOOLTIP_CHARS - 1] + "…"
    return text
