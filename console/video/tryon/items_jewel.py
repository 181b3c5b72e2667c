"""Jewellery painting: polished metal, bands, chains, beads and gems, drawn analytically in a patch.

Metal is almost all reflection, so it is shaded with a stylised studio environment (a soft box
upper-left, a darker floor band, a sharp specular streak) rather than diffuse light; that contrast
is what makes a few pixels of band read as gold instead of yellow paint. Everything is scaled by
the scene's light gain so a dim room gets a dim ring.
"""

from __future__ import annotations

import numpy as np

from .items_patch import Patch, perp, smoothstep, unit

_WHITE = np.ones(3, np.float32)
_GIRDLE = np.array([0.6, 0.22, 0.88, 0.4], np.float32)
_LIGHT = np.array([-0.45, -0.55, 0.70], np.float32)
_LIGHT /= np.linalg.norm(_LIGHT)


def metal_shade(colour: np.ndarray, u: np.ndarray, w: np.ndarray, gain: float) -> np.ndarray:
    """Polished metal on a rounded band: `u` runs across the band's curve, `w` across its profile (both −1..1)."""
    u = np.clip(u, -1.0, 1.0)
    prof = np.sqrt(np.clip(1.0 - w * w, 0.0, 1.0))
    env = (
        0.28
        + 0.62 * np.exp(-(((u + 0.38) / 0.30) ** 2))
        - 0.16 * np.exp(-(((u - 0.30) / 0.22) ** 2))
        + 0.22 * prof
        + 0.18 * np.exp(-(((u - 0.80) / 0.15) ** 2))
    )
    env *= 0.72 + 0.28 * prof
    spec = 0.95 * np.exp(-(((u + 0.42) / 0.10) ** 2)) * prof**6 + 0.3 * np.exp(-(((w + 0.45) / 0.22) ** 2))
    col = colour * env[..., None] * 1.1 + spec[..., None] * (0.55 * _WHITE + 0.45 * colour)
    return col * np.float32(gain)


def sphere_shade(
    colour: np.ndarray, dx: np.ndarray, dy: np.ndarray, gain: float, gloss: float = 0.8, ambient: float = 0.3
) -> tuple[np.ndarray, np.ndarray]:
    """A lit sphere (bead, pearl, prong) from coordinates normalised to its radius → (colour, coverage)."""
    rr = dx * dx + dy * dy
    nz = np.sqrt(np.clip(1.0 - rr, 0.0, 1.0))
    lambert = np.clip(dx * _LIGHT[0] + dy * _LIGHT[1] + nz * _LIGHT[2], 0.0, 1.0)
    half = _LIGHT + np.array([0, 0, 1], np.float32)
    half /= np.linalg.norm(half)
    spec = np.clip(dx * half[0] + dy * half[1] + nz * half[2], 0.0, 1.0) ** 40 * gloss
    rim = (1.0 - nz) ** 3 * 0.25
    col = colour * (ambient + (1.05 - ambient) * lambert)[..., None] + (spec + rim)[..., None] * _WHITE
    return col * np.float32(gain), rr


def draw_band(
    patch: Patch,
    centre: np.ndarray,
    axis: np.ndarray,
    radius: float,
    thickness: float,
    bulge: float,
    colour: np.ndarray,
    gain: float,
    shadow: float = 0.35,
) -> None:
    """The visible front arc of a ring/bangle around a limb along `axis`.

    Seen from the camera, a band round a finger is half an ellipse: `radius` across the limb,
    `bulge` (signed, along `axis`) how much the near side dips toward the viewer's eye. The far
    half is behind the limb and is never drawn.
    """
    along, across = patch.local(centre, axis)
    u = across / np.float32(max(radius, 1e-3))
    arc = np.float32(bulge) * np.sqrt(np.clip(1.0 - u * u, 0.0, 1.0))
    off = along - arc
    half = max(thickness * 0.5, 0.6)
    side = np.clip((1.0 - np.abs(u)) * radius + 0.5, 0.0, 1.0)
    cover = np.clip(half - np.abs(off) + 0.5, 0.0, 1.0) * side
    if shadow > 0:
        gap = np.maximum(np.abs(off) - half, 0.0)
        occl = shadow * np.exp(-((gap / (0.6 * half + 0.8)) ** 2)) * np.sqrt(side)
        patch.work *= (1.0 - occl * (1.0 - cover))[..., None]
    patch.over(metal_shade(colour, u, off / half, gain), cover)


def resample(polyline: np.ndarray, spacing: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points every `spacing` px along a polyline → (points, unit tangents, 0..1 arc position)."""
    seg = np.diff(polyline, axis=0)
    lengths = np.hypot(seg[:, 0], seg[:, 1])
    cum = np.concatenate([[0.0], np.cumsum(lengths)])
    total = float(cum[-1])
    count = max(int(total / max(spacing, 0.5)) + 1, 2)
    s = np.linspace(0.0, total, count)
    xs = np.interp(s, cum, polyline[:, 0])
    ys = np.interp(s, cum, polyline[:, 1])
    pts = np.stack([xs, ys], axis=1).astype(np.float32)
    tang = np.gradient(pts, axis=0)
    tang /= np.maximum(np.hypot(tang[:, 0], tang[:, 1]), 1e-6)[:, None]
    return pts, tang, (s / max(total, 1e-6)).astype(np.float32)


def draw_chain(
    patch: Patch,
    pts: np.ndarray,
    tangents: np.ndarray,
    link: float,
    colour: np.ndarray,
    gain: float,
    opacity: np.ndarray,
) -> None:
    """Cable chain: oval links alternating face-on and edge-on, one every `link`·0.8 px along the points."""
    wire = max(link * 0.22, 0.9)
    half_len, half_wid = link * 0.5, link * 0.34
    reach = half_len + wire
    for i, (p, t) in enumerate(zip(pts, tangents)):
        if opacity[i] <= 0.01:
            continue
        sub = patch.child(p[0] - reach, p[1] - reach, p[0] + reach, p[1] + reach)
        if sub is None:
            continue
        xs, ys = sub.grid()
        dx, dy = xs - p[0], ys - p[1]
        x = dx * t[0] + dy * t[1]
        n = perp(t)
        y = dx * n[0] + dy * n[1]
        if i % 2 == 0:  # face-on oval ring
            r = np.sqrt((x / half_len) ** 2 + (y / half_wid) ** 2)
            dist = np.abs(r - 1.0) * half_wid
            cover = np.clip(wire * 0.5 - dist + 0.5, 0.0, 1.0)
            u = np.clip(-(x / half_len * 0.5 + y / half_wid * 0.7), -1, 1)
            w = np.clip((r - 1.0) * half_wid / (wire * 0.5), -1, 1)
        else:  # edge-on: a short bar of wire
            along = np.clip(np.abs(x) - (half_len - wire * 0.5), 0.0, None)
            dist = np.hypot(along, y)
            cover = np.clip(wire * 0.6 - dist + 0.5, 0.0, 1.0)
            u = np.clip(x / half_len, -1, 1)
            w = np.clip(y / (wire * 0.6), -1, 1)
        sub.over(metal_shade(colour, u, w, gain), cover * opacity[i])


def draw_beads(
    patch: Patch,
    centres: np.ndarray,
    radius: float,
    colour: np.ndarray,
    gain: float,
    opacity: np.ndarray,
    lustre: float = 0.0,
) -> None:
    """Round beads or pearls; `lustre` adds the pearl's soft pink-green orient at the rim."""
    for i, c in enumerate(centres):
        if opacity[i] <= 0.01:
            continue
        sub = patch.child(c[0] - radius - 1, c[1] - radius - 1, c[0] + radius + 1, c[1] + radius + 1)
        if sub is None:
            continue
        xs, ys = sub.grid()
        dx = (xs - c[0]) / radius
        dy = (ys - c[1]) / radius
        col, rr = sphere_shade(colour, dx, dy, gain, gloss=0.55 if lustre else 0.9, ambient=0.55 if lustre else 0.3)
        if lustre:
            orient = np.array([0.85, 0.9, 1.0], np.float32) * lustre
            col = col + (np.sqrt(rr) ** 2)[..., None] * orient * 0.25 * gain
        cover = np.clip((1.0 - np.sqrt(rr)) * radius + 0.5, 0.0, 1.0)
        sub.over(col, cover * opacity[i])


def gem_shape(x: np.ndarray, y: np.ndarray, shape: str) -> np.ndarray:
    """Signed 'radius' of a gem outline in its own units (≤ 1 inside); y points away from the setting."""
    if shape == "square":
        return np.maximum(np.abs(x), np.abs(y)) * 1.06
    if shape == "drop":  # round bottom, point at the top (y < 0)
        top = np.abs(x) / np.clip(1.0 + y / 1.7, 1e-3, None)
        return np.where(y >= 0, np.hypot(x, y), np.maximum(top, -y / 1.7 * 0.999))
    return np.hypot(x, y)


def draw_gem(
    patch: Patch,
    centre: np.ndarray,
    radius: float,
    up: np.ndarray,
    colour: np.ndarray,
    metal: np.ndarray,
    gain: float,
    shape: str = "round",
    prongs: bool = True,
) -> None:
    """A faceted stone in a metal setting, its crown facing the camera; `up` orients the outline."""
    up_u, _ = unit(up)
    span = radius * (1.9 if shape == "drop" else 1.35)
    sub = patch.child(centre[0] - span, centre[1] - span, centre[0] + span, centre[1] + span)
    if sub is None:
        return
    xs, ys = sub.grid()
    dx, dy = xs - centre[0], ys - centre[1]
    side = perp(up_u)
    x = (dx * side[0] + dy * side[1]) / radius
    y = -(dx * up_u[0] + dy * up_u[1]) / radius
    r = gem_shape(x, y, shape)
    px = 1.0 / max(radius, 1.0)
    # bezel: a thin metal rim just outside the stone
    rim = np.clip((1.12 - r) / px, 0, 1) * np.clip((r - 0.9) / px + 1, 0, 1)
    sub.over(metal_shade(metal, np.clip(x - y * 0.3, -1, 1), np.clip((r - 1.0) / 0.12, -1, 1), gain), rim)
    cover = np.clip((1.0 - r) / px + 0.5, 0.0, 1.0)
    angle = np.arctan2(y, x) + np.pi
    # Brilliant cut seen from above: octagonal table, 8 star facets, 16 girdle facets; fixed
    # alternating brightness reads as cut stone (random values read as a checkerboard).
    sector = np.floor((angle + np.pi / 8) / (np.pi / 4)).astype(np.int32) % 2
    girdle = np.floor(angle / (np.pi / 8)).astype(np.int32) % 4
    bright = np.where(
        r < 0.5, 0.78 - 0.18 * y, np.where(r < 0.74, np.where(sector == 0, 0.95, 0.38), _GIRDLE[girdle])
    )
    edge = np.exp(-(((r - 0.5) / 0.035) ** 2)) + np.exp(-(((r - 0.74) / 0.035) ** 2))
    bright = (bright - 0.25 * edge) * (0.85 + 0.15 * np.clip(-x * 0.6 + y * 0.6, -1, 1))
    spark = np.exp(-((x + 0.35) ** 2 + (y - 0.35) ** 2) / 0.02)
    star = np.exp(-np.abs(x + 0.35) / 0.05) * np.exp(-(((y - 0.35) / 0.45) ** 2))
    star += np.exp(-np.abs(y - 0.35) / 0.05) * np.exp(-(((x + 0.35) / 0.45) ** 2))
    col = colour * bright[..., None] * 1.05 + (0.9 * spark + 0.35 * star)[..., None] * _WHITE
    sub.over(col * np.float32(gain), cover)
    if prongs and shape in ("round", "square"):
        reach = 1.25 if shape == "square" else 0.92
        for ang in (0.25, 0.75, 1.25, 1.75):
            cx, cy = np.cos(ang * np.pi) * reach, np.sin(ang * np.pi) * reach
            pr = 0.2
            pcol, prr = sphere_shade(metal, (x - cx) / pr, (y + cy) / pr * -1, gain)
            sub.over(pcol, np.clip((1.0 - np.sqrt(prr)) * pr * radius + 0.5, 0, 1))


def draw_heart(patch: Patch, centre: np.ndarray, radius: float, up: np.ndarray, metal: np.ndarray, gain: float) -> None:
    """A puffed polished-metal heart: two lobes and a point, shaded by its distance to the edge."""
    up_u, _ = unit(up)
    span = radius * 1.3
    sub = patch.child(centre[0] - span, centre[1] - span, centre[0] + span, centre[1] + span)
    if sub is None:
        return
    xs, ys = sub.grid()
    dx, dy = xs - centre[0], ys - centre[1]
    side = perp(up_u)
    x = (dx * side[0] + dy * side[1]) / radius
    yd = -(dx * up_u[0] + dy * up_u[1]) / radius  # grows toward the point
    lobes = np.minimum(np.hypot(x - 0.42, yd + 0.28), np.hypot(x + 0.42, yd + 0.28)) - 0.5
    point = np.maximum(np.abs(x) * 0.78 + (yd - 0.95) * 0.63, -0.28 - yd)
    sdf = np.minimum(lobes, point)
    cover = np.clip(-sdf * radius + 0.5, 0.0, 1.0)
    bevel = np.clip(1.0 + sdf / 0.32, -1.0, 1.0)
    sub.over(metal_shade(metal, np.clip(0.8 * x + 0.35 * yd, -1, 1), bevel, gain), cover)


def soft_edges(count: int, fade: float) -> np.ndarray:
    """Opacity along a strand: ends fade out where it goes behind the neck or wrist."""
    s = np.linspace(0.0, 1.0, count, dtype=np.float32)
    return smoothstep(0.0, fade, s) * smoothstep(0.0, fade, 1.0 - s)
