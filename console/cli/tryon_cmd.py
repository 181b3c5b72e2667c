"""`live-console tryon IMAGE --sku SKU [--sku …] --out OUT.png`: a still with products applied.

Uses the same processor as the live video: the still is fed as a short run of identical frames
so the tracker finds the face (it searches a few windows) and the smoothing settles. Nothing is
written when the image cannot be read, a SKU is unknown or no face (hands, body) is found.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SETTLE_FRAMES = 24
"""Enough for the window search on a large still plus ~10 frames of settling."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("image", type=Path, help="photo to try products on (PNG/JPEG)")
    parser.add_argument("--sku", action="append", required=True, help="product SKU (repeat for several)")
    parser.add_argument("--shade", action="append", default=[], metavar="SKU=N",
                        help="pick shade N (1-based) of a product, e.g. LIP-001=3")
    parser.add_argument("--split", type=float, default=None, help="before/after wipe at this fraction (0..1)")
    parser.add_argument("--out", type=Path, required=True, help="where to write the result (PNG)")


def _fail(message: str) -> int:
    print(f"tryon: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    import cv2

    from console.video.tryon.catalog import Catalog
    from console.video.tryon.controller import TryOnController
    from console.video.tryon.processor import TryOnProcessor

    problem = check_out_and_split(args.out, args.split)
    if problem:
        return _fail(problem)
    image = cv2.imread(str(args.image), cv2.IMREAD_COLOR)
    if image is None:
        return _fail(f"cannot read the image {args.image} (missing, or not a PNG/JPEG picture)")
    catalog = Catalog.load()
    unknown = [s for s in args.sku if s not in catalog]
    if unknown:
        known = ", ".join(p.sku for p in catalog)
        why = [p for p in catalog.problems if any(sku in p for sku in unknown)]
        if why:  # in the catalog, but refused at load: say why instead of "unknown"
            return _fail("; ".join(why))
        return _fail(f"unknown product SKU {', '.join(unknown)}. Known SKUs: {known}")
    controller = TryOnController(None, catalog)
    for sku in args.sku:
        controller.put_on(sku)
    for spec in args.shade:
        sku, _, n = spec.partition("=")
        product = catalog.get(sku) if sku in catalog else None
        if product is None or not n.isdigit() or not 1 <= int(n) <= len(product.shades):
            return _fail(f"bad --shade {spec!r}: use SKU=N with N from 1 to the product's shade count")
        controller.next_shade(sku, int(n) - 1)
    if args.split is not None:
        controller.set_split(args.split)

    processor = TryOnProcessor(controller)
    try:
        out = image
        for i in range(SETTLE_FRAMES):
            out = processor.process(image.copy(), i * 33)
        if processor.error:
            return _fail(processor.error)
        needs = {controller.product(s).item for s in args.sku}
        if any("face" in type_needs(k) for k in needs) and not processor.face_found:
            return _fail(f"no face found in {args.image}; nothing written")
        if not args.out.parent.exists():
            return _fail(f"the folder {args.out.parent} does not exist")
        if not cv2.imwrite(str(args.out), out):
            return _fail(f"could not write {args.out}")
    finally:
        processor.close()
    print(f"wrote {args.out} ({', '.join(args.sku)})")
    return 0


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff")


def check_out_and_split(out: Path, split: float | None) -> str | None:
    """Refuse what OpenCV would turn into a traceback or a silent no-op, before any work."""
    import math

    if split is not None and not (math.isfinite(split) and 0.0 <= split <= 1.0):
        return f"--split must be a fraction from 0 to 1 (got {split:g})"
    if out.is_dir() or str(out).endswith(("/", "\\")):
        return f"--out {out} is a folder; give a file name such as {out / 'tryon.png'}"
    if out.suffix.lower() not in IMAGE_SUFFIXES:
        return (f"--out {out} needs a picture file ending ({', '.join(IMAGE_SUFFIXES)}), "
                f"e.g. {out.with_suffix('.png')}")
    return None


def type_needs(kind: str) -> frozenset[str]:
    from console.video.tryon.base import RENDERERS

    return RENDERERS[kind].needs
