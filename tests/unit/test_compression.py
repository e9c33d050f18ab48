"""Light pages: brotli/gzip on bundles, /api JSON and callbacks; a year of cache on bundles."""

from __future__ import annotations

import gzip
import json
import re

import brotli
import pytest

from tests.constants import AUTH

DECODERS = {"br": brotli.decompress, "gzip": gzip.decompress}


@pytest.fixture
def app(pages_app):
    """The in-process server with the pages (tiny SQLite fixture, the test key)."""
    return pages_app


def bundle_urls(client) -> list[str]:
    """Return the component-suite URLs the index page loads."""
    html = client.get("/").get_data(as_text=True)
    return re.findall(r'src="(/_dash-component-suites/[^"]+)"', html)


def largest_bundle(client) -> str:
    """Return the URL of the largest script of the index page (dash_renderer or react-dom)."""
    return max(bundle_urls(client), key=lambda url: len(client.get(url).get_data()))


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_a_bundle_is_compressed_and_decodes_to_the_same_bytes(app, encoding):
    client = app.test_client()
    url = largest_bundle(client)
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": encoding})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in packed.headers["Vary"]
    body = packed.get_data()
    assert int(packed.headers["Content-Length"]) == len(body) < len(plain.get_data()) / 2
    assert DECODERS[encoding](body) == plain.get_data()


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_api_json_is_compressed_and_decodes_to_the_same_json(app, encoding):
    client = app.test_client()
    path = "/api/openapi.json"  # the largest JSON answer; data answers take the same hook
    plain = client.get(path, headers=AUTH)
    packed = client.get(path, headers={**AUTH, "Accept-Encoding": f"{encoding}, identity;q=0.5"})
    assert packed.headers["Content-Encoding"] == encoding
    assert json.loads(DECODERS[encoding](packed.get_data())) == plain.get_json()


def test_api_data_keeps_no_store_when_compressed(app):
    response = app.test_client().get(
        "/api/top-products?limit=50", headers={**AUTH, "Accept-Encoding": "br"}
    )
    assert response.headers["Cache-Control"] == "no-store"
    if len(response.get_data()) >= 500:  # under COMPRESS_MIN_SIZE it travels plain
        assert response.headers["Content-Encoding"] == "br"


def test_pages_and_layout_with_the_logout_token_are_not_compressed(app):
    client = app.test_client()
    for path in ("/", "/_dash-layout", "/analytics"):
        response = client.get(path, headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers, path


def test_fingerprinted_bundles_are_immutable_for_a_year(app):
    client = app.test_client()
    urls = bundle_urls(client)
    assert urls
    for url in urls:
        assert re.search(r"\.v[\w-]+m[0-9a-f]+\.", url), url  # Dash's fingerprint
        cache = client.get(url).headers["Cache-Control"]
        assert cache == "public, max-age=31536000, immutable", url


def test_unfingerprinted_bundle_and_data_are_never_immutable(app):
    client = app.test_client()
    fingerprinted = bundle_urls(client)[0]
    plain_name = re.sub(r"\.v[\w-]+m[0-9a-f]+\.", ".", fingerprinted)
    response = client.get(plain_name)
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")
    for path, headers in (("/api/summary", AUTH), ("/", {}), ("/_dash-layout", {})):
        assert "immutable" not in client.get(path, headers=headers).headers.get(
            "Cache-Control", ""
        ), path


def test_compressed_bundles_are_built_once_and_data_never_kept(app):
    client = app.test_client()
    url = largest_bundle(client)
    first = client.get(url, headers={"Accept-Encoding": "br"}).get_data()
    client.get("/api/openapi.json", headers={**AUTH, "Accept-Encoding": "br"})
    cache = app.extensions["minimarket_compress"].cache
    # The app is shared by the session: other bundles may be kept too, never an answer with data.
    assert cache.bodies[f"br;{url}"] == first
    assert all(";/_dash-component-suites/" in key for key in cache.bodies)
    assert client.get(url, headers={"Accept-Encoding": "br"}).get_data() == first


def test_plotly_without_fingerprint_is_compressed_revalidated_and_not_immutable(app):
    client = app.test_client()
    url = "/_dash-component-suites/plotly/package_data/plotly.min.js"  # what dcc.Graph loads
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "br"})
    assert brotli.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert "immutable" not in packed.headers.get("Cache-Control", "")
    assert f"br;{url}" in app.extensions["minimarket_compress"].cache.bodies
    etag = plain.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
