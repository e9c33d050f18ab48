"""Draw the dashboard's own app icons (a shopping basket on the navbar's colour) as PNG files.

Pure Python (zlib + struct): every shape is a signed distance function in unit coordinates,
and a pixel's coverage of a shape is its distance clamped to one pixel, so edges are smooth
without supersampling. Run from the repository root to rewrite the committed files:

    .venv/bin/python scripts/make_icons.py

It writes assets/icon-192.png and icon-512.png (rounded square, purpose "any"),
icon-maskable-512.png (full bleed, the basket inside the safe circle of radius 0.4) and
apple-touch-icon.png (180 px, full bleed: iOS rounds the corners itself), plus
assets/favicon.ico (one 48 px PNG inside), which Dash serves as the page's icon.
"""

from __future__ import annotations

import argparse
import math
import struct
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

Color = tuple[int, int, int]
Shape = Callable[[float, float], float]  # (x, y) in 0..1 -> signed distance (negative inside)

NAVBAR = (0x21, 0x25, 0x29)  # Bootstrap's bg-dark, the navbar of components.navbar
BASKET = (0xE6, 0x9F, 0x00)  # Okabe-Ito orange, from charts.PALETTE
LIGHT = (0xF8, 0xF9, 0xFA)
# Top level of assets/: the wheel carries assets/*.png (pyproject's package-data).
ASSETS = Path(__file__).resolve().parent.parent / "assets"


def rounded_box(left: float, top: float, right: float, bottom: float, radius: float) -> Shape:
    """Return the distance to a rectangle with rounded corners."""
    cx, cy = (left + right) / 2, (top + bottom) / 2
    half_w, half_h = (right - left) / 2 - radius, (bottom - top) / 2 - radius

    def distance(x: float, y: float) -> float:
        qx, qy = abs(x - cx) - half_w, abs(y - cy) - half_h
        outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
        return outside + min(max(qx, qy), 0.0) - radius

    return distance


def trapezoid(
    top: float, bottom: float, top_half: float, bottom_half: float, center: float = 0.5
) -> Shape:
    """Return the distance to a trapezoid symmetric about x = center (wide side on top)."""
    slope = (top_half - bottom_half) / (bottom - top)
    norm = math.hypot(1.0, slope)

    def distance(x: float, y: float) -> float:
        side = (abs(x - center) - (top_half - slope * (y - top))) / norm
        return max(side, top - y, y - bottom)

    return distance


def upper_arc(cx: float, cy: float, radius: float, thickness: float) -> Shape:
    """Return the distance to the upper half of a ring, with round ends."""

    def distance(x: float, y: float) -> float:
        if y <= cy:
            return abs(math.hypot(x - cx, y - cy) - radius) - thickness / 2
        end = min(math.hypot(x - (cx - radius), y - cy), math.hypot(x - (cx + radius), y - cy))
        return end - thickness / 2

    return distance


def basket(scale: float) -> list[tuple[Shape, Color]]:
    """Return the basket's shapes, painted in order, scaled about the centre."""

    def scaled(shape: Shape) -> Shape:
        return lambda x, y: shape(0.5 + (x - 0.5) / scale, 0.5 + (y - 0.5) / scale) * scale

    slots = [rounded_box(cx - 0.024, 0.55, cx + 0.024, 0.72, 0.024) for cx in (0.39, 0.5, 0.61)]
    parts = [
        (upper_arc(0.5, 0.44, 0.2, 0.055), LIGHT),
        (trapezoid(0.47, 0.8, 0.3, 0.22), BASKET),
        (rounded_box(0.15, 0.4, 0.85, 0.49, 0.03), LIGHT),
        *((slot, NAVBAR) for slot in slots),
    ]
    return [(scaled(shape), color) for shape, color in parts]


def render(size: int, shapes: list[tuple[Shape, Color]]) -> bytes:
    """Return RGBA rows (PNG filter byte 0 before each) of the shapes over transparency."""
    rows = bytearray()
    pixel = 1.0 / size
    for row in range(size):
        rows.append(0)
        y = (row + 0.5) * pixel
        for column in range(size):
            x = (column + 0.5) * pixel
            red = green = blue = alpha = 0.0
            for shape, color in shapes:
                cover = min(max(0.5 - shape(x, y) / pixel, 0.0), 1.0)
                if cover:
                    # "over" compositing with straight (not premultiplied) colours
                    new_alpha = cover + alpha * (1 - cover)
                    red = (color[0] * cover + red * alpha * (1 - cover)) / new_alpha
                    green = (color[1] * cover + green * alpha * (1 - cover)) / new_alpha
                    blue = (color[2] * cover + blue * alpha * (1 - cover)) / new_alpha
                    alpha = new_alpha
            rows += bytes((round(red), round(green), round(blue), round(alpha * 255)))
    return bytes(rows)


def png(size: int, shapes: list[tuple[Shape, Color]]) -> bytes:
    """Return a complete PNG file (8-bit RGBA) of size x size pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(render(size, shapes), 9))
        + chunk(b"IEND", b"")
    )


def ico(png_file: bytes, size: int) -> bytes:
    """Return an .ico file holding one PNG image (read by every current browser)."""
    entry = struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png_file), 22)
    return struct.pack("<HHH", 0, 1, 1) + entry + png_file


def parse_arguments(argv: Sequence[str]) -> argparse.Namespace:
    """Read the command line: -h/--help only describes what the script would write."""
    parser = argparse.ArgumentParser(
        prog="make_icons.py",
        description="Dibuja los íconos del dashboard y reescribe assets/icon-192.png, "
        "icon-512.png, icon-maskable-512.png, apple-touch-icon.png y favicon.ico.",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] = ()) -> None:
    """Write every icon file into ASSETS (after reading the command line)."""
    parse_arguments(argv)
    rounded = [(rounded_box(0, 0, 1, 1, 0.22), NAVBAR), *basket(1.0)]
    full_bleed = [(rounded_box(-1, -1, 2, 2, 0), NAVBAR), *basket(0.86)]
    files = {
        ASSETS / "icon-192.png": png(192, rounded),
        ASSETS / "icon-512.png": png(512, rounded),
        ASSETS / "icon-maskable-512.png": png(512, full_bleed),
        ASSETS / "apple-touch-icon.png": png(180, full_bleed),
        ASSETS / "favicon.ico": ico(png(48, rounded), 48),
    }
    for path, content in files.items():
        path.write_bytes(content)
        print(f"{path.relative_to(ASSETS.parent)}: {len(content)} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
