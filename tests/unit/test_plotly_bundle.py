"""dcc.Graph gets plotly.js's basic bundle: same version, no eval, every trace type we draw."""

from __future__ import annotations

import re
from pathlib import Path

import brotli
import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from minimarket_dash import plotly_bundle

ROOT = Path(__file__).resolve().parents[2]
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
TRACE_NAMES = {
    name.lower()
    for name in go.__all__
    if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), BaseTraceType)
}


def test_basic_bundle_is_the_plotly_packages_version_without_eval():
    text = plotly_bundle.BASIC_BUNDLE.read_text(encoding="utf-8")
    assert plotly_bundle.bundle_version(text) == get_plotlyjs_version()
    assert "(basic" in text[:200]
    assert not re.search(r"\beval\(|new Function\(", text)
    assert len(text) < len(get_plotlyjs()) / 3


def test_every_trace_type_the_code_draws_is_in_the_basic_bundle():
    assert {"bar", "scatter", "pie", "scattergl", "heatmap"} <= TRACE_NAMES
    sources = [*ROOT.joinpath("minimarket_dash").glob("*.py"), *ROOT.joinpath("pages").glob("*.py")]
    drawn = set()
    for source in sources:
        text = source.read_text(encoding="utf-8")
        drawn |= {name for name in re.findall(r'"type":\s*"(\w+)"', text) if name in TRACE_NAMES}
        assert not re.search(r"\bgo\.[A-Z]\w*\(|plotly\.express", text) or source.name == (
            "charts.py"
        ), f"{source.name} builds figures outside charts.py"
    assert drawn == {"bar", "scatter"}
    assert drawn <= plotly_bundle.TRACE_TYPES


def test_graphs_load_the_basic_bundle_revalidated_and_compressed(pages_app):
    client = pages_app.test_client()
    response = client.get(PLOTLY_URL)
    assert response.status_code == 200
    assert response.get_data() == plotly_bundle.BASIC_BUNDLE.read_bytes()
    assert response.mimetype == "application/javascript"
    assert "immutable" not in response.headers.get("Cache-Control", "")
    again = client.get(PLOTLY_URL, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    packed = client.get(PLOTLY_URL, headers={"Accept-Encoding": "br"})
    assert len(packed.get_data()) < 400_000
    assert brotli.decompress(packed.get_data()) == response.get_data()


def test_other_package_files_are_still_served_by_dash(pages_app):
    client = pages_app.test_client()
    html = client.get("/").get_data(as_text=True)
    renderer = re.search(r'src="(/_dash-component-suites/dash/dash-renderer/[^"]+)"', html)[1]
    assert client.get(renderer).status_code == 200
    assert client.get("/_dash-component-suites/plotly/package_data/other.js").status_code != 200
