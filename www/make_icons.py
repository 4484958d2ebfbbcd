#!/usr/bin/env python3
"""Writes the web app manifest's PNG icons (www/icons/*.png) from the favicon's drawing
(www/favicon.svg: a blue rounded square, a G circle, an M square, a P bar), with the standard
library only (zlib). Run from anywhere: python3 www/make_icons.py. The PNGs are committed;
run this again only when the drawing changes."""
import os
import struct
import zlib

BLUE = (0x0B, 0x63, 0xC5)
WHITE = (0xFF, 0xFF, 0xFF)
LIGHT = (0x9F, 0xD3, 0xFF)
SS = 4  # samples per pixel on each axis (anti-aliasing)


def rounded(x, y, x0, y0, w, h, r):
    if not (x0 <= x <= x0 + w and y0 <= y <= y0 + h):
        return False
    cx = min(max(x, x0 + r), x0 + w - r)
    cy = min(max(y, y0 + r), y0 + h - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def colour_at(x, y, maskable):
    """The colour at (x, y) on the favicon's 32 × 32 grid, or None (transparent)."""
    if maskable:
        # Full bleed, the drawing shrunk into the middle 80% (the maskable safe zone).
        u, v = 16 + (x - 16) / 0.72, 16 + (y - 16) / 0.72
        bg = BLUE
    else:
        u, v = x, y
        bg = BLUE if rounded(x, y, 0, 0, 32, 32, 6) else None
    if bg is None:
        return None
    if (u - 9) ** 2 + (v - 16) ** 2 <= 16:
        return WHITE
    if rounded(u, v, 14, 12, 8, 8, 1.5):
        return LIGHT
    if 24 <= u <= 28 and 10 <= v <= 22:
        return WHITE
    return bg


def png(size, maskable):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(SS):
                for sx in range(SS):
                    x = (px + (sx + 0.5) / SS) * 32 / size
                    y = (py + (sy + 0.5) / SS) * 32 / size
                    c = colour_at(x, y, maskable)
                    if c is not None:
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 1
            n = acc[3]
            if n == 0:
                row += bytes(4)
            else:
                row += bytes([acc[0] // n, acc[1] // n, acc[2] // n, 255 * n // (SS * SS)])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


if __name__ == "__main__":
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icons")
    for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("maskable-192.png", 192, True), ("maskable-512.png", 512, True)]:
        with open(os.path.join(here, name), "wb") as f:
            f.write(png(size, maskable))
        print(name)
