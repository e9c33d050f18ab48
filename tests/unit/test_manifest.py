"""The web app manifest, its icons (real PNG sizes, drawn by scripts/make_icons.py) and the tags
of every page's <head>: manifest link, theme colour, the theme script before the first paint."""

from __future__ import annotations

import importlib.util
import json
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from minimarket_dash import signin, webapp
from minimarket_dash.login_page import login_page

ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(content: bytes) -> tuple[int, int]:
    """Return (width, height) from a PNG's IHDR chunk."""
    assert content[:8] == PNG_SIGNATURE and content[12:16] == b"IHDR"
    return struct.unpack(">II", content[16:24])


def rgba_pixels(content: bytes) -> list[bytes]:
    """Return the rows of an 8-bit RGBA PNG written with filter 0 (as make_icons writes)."""
    width, height = png_size(content)
    assert content[24:29] == bytes((8, 6, 0, 0, 0))  # depth 8, RGBA, no interlace
    raw, offset = b"", 8
    while offset < len(content):
        length, kind = struct.unpack(">I4s", content[offset : offset + 8])
        if kind == b"IDAT":
            raw += content[offset + 8 : offset + 8 + length]
        offset += 12 + length
    data, stride = zlib.decompress(raw), 1 + 4 * width
    assert all(data[row * stride] == 0 for row in range(height))
    return [data[row * stride + 1 : (row + 1) * stride] for row in range(height)]


@pytest.fixture
def client(pages_app):
    return pages_app.test_client()


def test_the_manifest_is_served_with_its_type_and_fields(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert {
        key: manifest[key]
        for key in (
            "name",
            "short_name",
            "lang",
            "start_url",
            "scope",
            "display",
            "theme_color",
            "background_color",
        )
    } == {
        "name": "Mini Market · Pedidos y stock",
        "short_name": "Mini Market",
        "lang": "es-AR",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": "#212529",
        "background_color": "#212529",
    }
    assert {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]} == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("512x512", "maskable"),
    }


def test_every_icon_has_the_size_it_declares(client):
    icons = json.loads(client.get("/manifest.webmanifest").data)["icons"]
    for icon in [*icons, {"src": "/assets/apple-touch-icon.png", "sizes": "180x180"}]:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert response.mimetype == "image/png"
        width, height = png_size(response.data)
        assert f"{width}x{height}" == icon["sizes"]


def test_the_maskable_icon_keeps_its_drawing_inside_the_safe_circle():
    """Launchers cut a maskable icon down to a circle of radius 0.4: outside it, only the
    navbar colour, edge to edge; the "any" icon has transparent corners instead."""
    rows = rgba_pixels((ROOT / "assets" / "icon-maskable-512.png").read_bytes())
    navbar = bytes.fromhex(webapp.NAVBAR_COLOR[1:]) + b"\xff"
    outside = {
        rows[y][4 * x : 4 * x + 4]
        for y in range(512)
        for x in range(512)
        if (x + 0.5 - 256) ** 2 + (y + 0.5 - 256) ** 2 > (0.4 * 512) ** 2
    }
    assert outside == {navbar}
    inside = {rows[y][4 * x : 4 * x + 4] for y in range(100, 412, 8) for x in range(100, 412, 8)}
    assert len(inside) > 3  # the basket is there
    corner = rgba_pixels((ROOT / "assets" / "icon-512.png").read_bytes())[0][:4]
    assert corner[3] == 0


def test_the_committed_icons_are_what_the_script_draws(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "scripts" / "make_icons.py")
    make_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_icons)
    monkeypatch.setattr(make_icons, "ASSETS", tmp_path)
    make_icons.main()
    for drawn in tmp_path.iterdir():
        assert drawn.read_bytes() == (ROOT / "assets" / drawn.name).read_bytes(), drawn.name
    assert len(list(tmp_path.iterdir())) == 5


def test_pages_load_the_theme_script_in_head_once_and_link_the_manifest(client):
    html = client.get("/").get_data(as_text=True)
    head, body = html.split("</head>", 1)
    assert head.index('<script src="/assets/01-theme.js">') < head.index('rel="stylesheet"')
    assert "01-theme.js" not in body  # Dash does not load it again at the end
    for tag in (
        '<link rel="manifest" href="/manifest.webmanifest">',
        '<meta name="theme-color" content="#212529">',
        '<link rel="apple-touch-icon" href="/assets/apple-touch-icon.png">',
    ):
        assert tag in head
    assert "/assets/50-theme.css" in head


def test_the_sign_in_page_carries_the_same_head_tags():
    page = login_page("token", "/")
    head = page.split("</head>", 1)[0]
    assert webapp.HEAD_TAGS in head
    assert '<link rel="stylesheet" href="/assets/50-theme.css">' in head


def test_the_manifest_is_public_like_the_icons():
    assert signin.is_public("/manifest.webmanifest")
    assert signin.is_public("/assets/icon-192.png")


@pytest.mark.parametrize("option", ["--help", "-h"])
def test_make_icons_help_describes_and_writes_nothing(tmp_path, option):
    (tmp_path / "scripts").mkdir()
    (tmp_path / "assets").mkdir()
    script = tmp_path / "scripts" / "make_icons.py"
    shutil.copy(ROOT / "scripts" / "make_icons.py", script)
    done = subprocess.run(
        [sys.executable, str(script), option], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout.startswith("usage: make_icons.py")
    assert "reescribe assets/icon-192.png" in done.stdout
    assert list((tmp_path / "assets").iterdir()) == []  # nothing drawn
    refused = subprocess.run(
        [sys.executable, str(script), "--otra"], capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 2 and list((tmp_path / "assets").iterdir()) == []
