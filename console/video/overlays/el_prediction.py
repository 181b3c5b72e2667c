"""The prediction card (interaction kind "prediction"): outcomes with the platform's tallies.

Per outcome: its name, the share of channel points bet on it (the bar), and how many viewers and
points that is — Twitch's own numbers, read back every few seconds. The header counts the betting
window down, then says locked; after the result the winner is marked, or "canceled, refunded".
"""

from __future__ import annotations

from . import strings as S
from .canvas import Canvas, plain_text, text_width, wrap
from .elements import TITLE_CAP, _percentages, header, lines, panel
from .registry import Element, Slot, register
from .style import DARK, FAINT, GOLD, MUTED, TRACK, VIOLET, WHITE, Style
from .tile import Tile

_TEXT = {
    "zh": {"label": "竞猜", "locked": "已锁定", "starting": "即将开始", "resolved": "已揭晓",
           "canceled": "已取消", "hint": "在 Twitch 用频道积分下注", "locked_hint": "下注已截止 · 等待结果",
           "refund": "竞猜取消，积分已全部退还", "won": "获胜", "row": "{u} 人 · {p} 积分",
           "total": "共 {u} 人下注 {p} 积分"},
    "en": {"label": "PREDICTION", "locked": "Locked", "starting": "Starting", "resolved": "Result",
           "canceled": "Canceled", "hint": "Bet channel points on Twitch", "locked_hint": "Bets closed · result soon",
           "refund": "Canceled: every point was refunded", "won": "WON", "row": "{u} · {p} pts",
           "total": "{u} viewers bet {p} points"},
}


def prediction_key(v, w: int, style: Style):
    return (("prediction", v.prediction_id, v.phase, w, style.key),
            ("prediction", v.prediction_id, v.title, v.outcomes, v.phase, v.winner,
             S.whole_seconds(v.remaining_s), w, style.key))


def render_prediction(v, w: int, style: Style) -> Tile:
    lang = "en" if style.lang == "en" else "zh"
    words = _TEXT[lang]

    def body(c: Canvas, x: int, y: int, iw: int) -> float:
        right = {"open": S.mmss(v.remaining_s), "starting": words["starting"], "locked": words["locked"],
                 "resolved": words["resolved"], "canceled": words["canceled"]}.get(v.phase, "")
        y = header(c, x, y, iw, style, words["label"], VIOLET, right, VIOLET if v.phase == "open" else MUTED)
        y = lines(c, x, y, iw, plain_text(v.title, TITLE_CAP), style.title, WHITE, bold=True)
        y += style.px(4)
        points = [p for _, _, p in v.outcomes]
        pcts = _percentages(points, sum(points))
        font, bold, small = c.font(style.body), c.font(style.body, True), c.font(style.small)
        row_h = style.body * 1.4
        for i, (label, users, pts) in enumerate(v.outcomes):
            won = v.phase == "resolved" and v.winner == i
            accent = GOLD if won else VIOLET
            cy = y + row_h / 2
            count = words["row"].format(u=S.count(users, lang), p=S.count(pts, lang))
            pct = f"{pcts[i]}%"
            c.text(x + iw, cy, count, small, MUTED, "rm")
            c.text(x + iw - text_width(small, count) - style.px(8), cy, pct, bold, accent, "rm")
            left = x
            if won:
                pw, _ = c.pill(x, cy - style.small * 0.75, words["won"], c.font(style.small, True), GOLD, DARK,
                               style.px(8), style.px(3))
                left += pw + style.px(8)
            room = x + iw - left - text_width(bold, pct) - text_width(small, count) - style.px(26)
            label_lines = wrap(plain_text(label, TITLE_CAP), font, room, 1)
            c.text(left, cy, label_lines[0] if label_lines else "", bold if won else font, WHITE, "lm")
            y += row_h + style.px(3)
            c.bar(x, y, iw, style.px(8), pcts[i] / 100, TRACK, accent if (won or v.phase == "open") else FAINT)
            y += style.px(8) + style.gap
        users = sum(u for _, u, _ in v.outcomes)
        total = words["total"].format(u=S.count(users, lang), p=S.count(sum(points), lang))
        hint = {"open": words["hint"] + " · " + total, "starting": words["hint"],
                "locked": words["locked_hint"] + " · " + total, "canceled": words["refund"]}.get(v.phase, total)
        return lines(c, x, y, iw, hint, style.small, MUTED, max_lines=2)

    return panel(w, style, body)


def _on_air(state):
    # A prediction Twitch refused never started: the host is told, viewers see nothing.
    v = state.get("prediction")
    return v if v is not None and v.phase != "failed" else None


register(Element("prediction", prediction_key, render_prediction,
                 {"16:9": Slot("top-right", 1), "9:16": Slot("lower-left", 2)}, view=_on_air))
