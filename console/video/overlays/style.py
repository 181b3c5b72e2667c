"""The broadcast look: colours and sizes, all relative to the program frame.

One `Style` per output size and language. Sizes come from `unit`, which is 1.0 for a 720-line
16:9 frame and grows with the output so text stays the same size on the viewer's phone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fonts import FontBook

WHITE = (255, 255, 255, 255)
TEXT_2 = (206, 211, 222, 255)
MUTED = (150, 157, 172, 255)
DARK = (18, 18, 24, 255)
PANEL = (12, 14, 20, 196)
TRACK = (255, 255, 255, 46)
FAINT = (255, 255, 255, 90)

CYAN = (0, 210, 255, 255)
GOLD = (255, 196, 36, 255)
PINK = (255, 59, 92, 255)
ORANGE = (255, 122, 36, 255)
VIOLET = (168, 140, 255, 255)


@dataclass(frozen=True)
class Style:
    unit: float
    lang: str
    fonts: FontBook = field(compare=False, hash=False)

    def px(self, v: float) -> int:
        return max(1, int(round(v * self.unit)))

    @property
    def pad(self) -> int:
        return self.px(16)

    @property
    def gap(self) -> int:
        return self.px(9)

    @property
    def radius(self) -> int:
        return self.px(16)

    # Font sizes in pixels.
    @property
    def small(self) -> int:
        return self.px(15)

    @property
    def body(self) -> int:
        return self.px(20)

    @property
    def title(self) -> int:
        return self.px(25)

    @property
    def big(self) -> int:
        return self.px(54)

    @property
    def key(self) -> tuple[float, str]:
        """What a cached tile depends on besides its content."""
        return (round(self.unit, 3), self.lang)
