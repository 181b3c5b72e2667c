"""Draw the Live Console icon procedurally and write every format the installers need.

    .venv/bin/python packaging/icons/make_icons.py

Writes resources/icons/: live_console_<N>.png (16…1024), live_console.ico (Windows, 16–256),
live_console.icns (macOS) and live_console.iconset/ (the source `iconutil -c icns` takes, for
anyone who prefers Apple's tool). The drawing is vector (QPainter), rendered once per size so small
sizes stay crisp rather than being shrunk from the big one. Deterministic: same code, same pixels.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402  (Pillow writes the .ico/.icns containers)
from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QColor, QGuiApplication, QImage, QLinearGradient, QPainter, QPainterPath, QPen  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "resources" / "icons"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICONSET = {  # iconutil's naming: logical size, scale
    "icon_16x16.png": 16, "icon_16x16@2x.png": 32, "icon_32x32.png": 32, "icon_32x32@2x.png": 64,
    "icon_128x128.png": 128, "icon_128x128@2x.png": 256, "icon_256x256.png": 256,
    "icon_256x256@2x.png": 512, "icon_512x512.png": 512, "icon_512x512@2x.png": 1024,
}


def draw(size: int) -> QImage:
    """A warm rounded tile, a white screen with a play mark, and a red on-air dot."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 100.0  # design on a 100×100 grid

    margin = 6 * s if size >= 64 else 2 * s  # small sizes use the full tile for legibility
    tile = QRectF(margin, margin, size - 2 * margin, size - 2 * margin)
    gradient = QLinearGradient(tile.topLeft(), tile.bottomRight())
    gradient.setColorAt(0.0, QColor("#FF7A59"))
    gradient.setColorAt(1.0, QColor("#D81B60"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(gradient)
    p.drawRoundedRect(tile, 22 * s, 22 * s)

    screen = QRectF(22 * s, 30 * s, 56 * s, 40 * s)
    pen = QPen(QColor("white"), max(1.0, 6 * s))
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(screen, 8 * s, 8 * s)

    play = QPainterPath()
    play.moveTo(QPointF(44 * s, 40 * s))
    play.lineTo(QPointF(60 * s, 50 * s))
    play.lineTo(QPointF(44 * s, 60 * s))
    play.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("white"))
    p.drawPath(play)

    centre, radius = QPointF(76 * s, 26 * s), 11 * s
    p.setBrush(QColor("white"))
    p.drawEllipse(centre, radius, radius)
    p.setBrush(QColor("#E53935"))
    p.drawEllipse(centre, radius * 0.68, radius * 0.68)
    p.end()
    return image


def to_pil(image: QImage) -> Image.Image:
    rgba = image.convertToFormat(QImage.Format.Format_RGBA8888)
    data = bytes(rgba.constBits())[: rgba.sizeInBytes()]
    return Image.frombuffer("RGBA", (rgba.width(), rgba.height()), data, "raw", "RGBA", rgba.bytesPerLine(), 1)


def main(out: Path = OUT) -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts/paint need it)
    out.mkdir(parents=True, exist_ok=True)
    rendered = {size: to_pil(draw(size)) for size in sorted(set(PNG_SIZES) | set(ICO_SIZES))}
    for size in PNG_SIZES:
        rendered[size].save(out / f"live_console_{size}.png", optimize=True)
    rendered[256].save(
        out / "live_console.ico",
        sizes=[(n, n) for n in ICO_SIZES],
        append_images=[rendered[n] for n in ICO_SIZES if n != 256],
    )
    rendered[1024].save(out / "live_console.icns", append_images=[rendered[n] for n in (16, 32, 64, 128, 256, 512)])
    iconset = out / "live_console.iconset"
    iconset.mkdir(exist_ok=True)
    for name, size in ICONSET.items():
        rendered[size].save(iconset / name, optimize=True)
    print(f"icons written to {out}")
    return 0


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="draw the Live Console icon set")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    sys.exit(main(parser.parse_args().out))
