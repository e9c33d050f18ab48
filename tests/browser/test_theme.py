"""Dark mode and the installable app in headless Chromium: the device's preference (emulated
through the DevTools protocol), the navbar's toggle remembered in localStorage["mm-tema"], the
charts' colours in each theme, the sign-in page, and Chromium's own installability check."""

from __future__ import annotations

import pytest
import requests
from selenium.webdriver.common.by import By

from minimarket_dash.charts import KIND_COLORS, PALETTE
from minimarket_dash.webapp import MANIFEST, MANIFEST_PATH
from tests.browser.helpers import wait_for, wait_for_charts
from tests.signin.helpers import users_file

pytestmark = pytest.mark.browser
HOME_CHARTS = 3
# Colours as the browser computes them: assets/50-theme.css and Bootstrap 5.3's dark theme.
LIGHT = {
    "page": "rgb(245, 246, 248)",
    "card": "rgb(255, 255, 255)",
    "chart_text": "rgb(42, 47, 54)",
    "grid": "rgb(230, 233, 238)",
}
DARK = {
    "page": "rgb(22, 25, 28)",
    "card": "rgb(33, 37, 41)",
    "chart_text": "rgb(222, 226, 230)",
    "grid": "rgb(52, 58, 64)",
}

SEEN_JS = """
const chart = document.querySelector('#home-weekly .js-plotly-plot');
const card = chart.closest('.card');
const style = (el) => getComputedStyle(el);
const bar = chart.querySelector('.trace.bars .point path');
const movements = document.querySelector('#home-movements .js-plotly-plot');
return {
  theme: document.documentElement.getAttribute('data-bs-theme'),
  page: style(document.body).backgroundColor,
  card: style(card).backgroundColor,
  chart_paper: style(chart.querySelector('.main-svg')).backgroundColor,
  chart_text: style(chart.querySelector('.ytick text')).fill,
  grid: style(chart.querySelector('.gridlayer path')).stroke,
  bar_fill: style(bar).fill,
  movement_colors: movements._fullData.map(trace => trace.marker.color),
};
"""


def rgb(hex_colour: str) -> str:
    """Return '#0072B2' as the browser writes it: 'rgb(0, 114, 178)'."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({red}, {green}, {blue})"


def emulate_device(dash_duo, scheme: str) -> None:
    """Make Chromium report prefers-color-scheme: scheme (light or dark)."""
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )


def open_home(dash_duo, url: str) -> dict:
    """Open Inicio, wait for its charts and return what the page shows (SEEN_JS)."""
    dash_duo.driver.get(url + "/")
    wait_for_charts(dash_duo, HOME_CHARTS)
    return dash_duo.driver.execute_script(SEEN_JS)


def toggle(dash_duo):
    return dash_duo.driver.find_element(By.ID, "theme-toggle")


def stored_choice(dash_duo) -> str | None:
    return dash_duo.driver.execute_script("return localStorage.getItem('mm-tema');")


def theme(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "return document.documentElement.getAttribute('data-bs-theme');"
    )


def assert_toggle_says(dash_duo, shown: str) -> None:
    button = toggle(dash_duo)
    wanted = "Cambiar a modo claro" if shown == "dark" else "Cambiar a modo oscuro"
    wait_for(lambda: button.get_attribute("aria-label") == wanted)
    assert button.get_attribute("aria-pressed") == ("true" if shown == "dark" else "false")


@pytest.fixture
def home_url(dash_duo, start_dashboard) -> str:
    return start_dashboard(dash_duo, navigate=False)


def test_a_dark_device_gets_the_dark_theme_and_charts_keep_their_palette(dash_duo, home_url):
    emulate_device(dash_duo, "light")
    light = open_home(dash_duo, home_url)
    emulate_device(dash_duo, "dark")
    dark = open_home(dash_duo, home_url)

    assert light["theme"] == "light" and dark["theme"] == "dark"
    for seen, expected in ((light, LIGHT), (dark, DARK)):
        assert {key: seen[key] for key in expected} == expected
        assert seen["chart_paper"] == "rgba(0, 0, 0, 0)"  # the card shows through
        assert seen["bar_fill"] == rgb(PALETTE[0])
        assert seen["movement_colors"] == list(KIND_COLORS.values())
    assert_toggle_says(dash_duo, "dark")
    assert stored_choice(dash_duo) is None  # following the device stores nothing
    assert dash_duo.get_logs() == []


def test_the_theme_follows_the_device_live_until_a_choice_is_stored(dash_duo, home_url):
    emulate_device(dash_duo, "light")
    open_home(dash_duo, home_url)
    emulate_device(dash_duo, "dark")
    wait_for(lambda: theme(dash_duo) == "dark")
    assert_toggle_says(dash_duo, "dark")

    toggle(dash_duo).click()  # «claro» on a dark device: stored, and it wins
    assert theme(dash_duo) == "light" and stored_choice(dash_duo) == "claro"
    emulate_device(dash_duo, "light")
    emulate_device(dash_duo, "dark")
    assert theme(dash_duo) == "light"
    assert dash_duo.get_logs() == []


def test_the_toggle_switches_and_is_remembered_after_a_reload(dash_duo, home_url):
    emulate_device(dash_duo, "light")
    assert open_home(dash_duo, home_url)["theme"] == "light"
    assert_toggle_says(dash_duo, "light")

    toggle(dash_duo).click()
    assert theme(dash_duo) == "dark" and stored_choice(dash_duo) == "oscuro"
    assert_toggle_says(dash_duo, "dark")
    wait_for(lambda: dash_duo.driver.execute_script(SEEN_JS)["chart_text"] == DARK["chart_text"])

    seen = open_home(dash_duo, home_url)  # a reload: the stored choice wins over the device
    assert {key: seen[key] for key in DARK} == DARK
    assert_toggle_says(dash_duo, "dark")

    driver = dash_duo.driver  # printing is on white paper: light while printing, then back
    driver.execute_script("window.dispatchEvent(new Event('beforeprint'));")
    assert theme(dash_duo) == "light"
    driver.execute_script("window.dispatchEvent(new Event('afterprint'));")
    assert theme(dash_duo) == "dark"

    toggle(dash_duo).click()  # back to what the device shows: the device decides again
    assert theme(dash_duo) == "light" and stored_choice(dash_duo) is None
    assert dash_duo.get_logs() == []


def test_a_stored_light_choice_wins_over_a_dark_device(dash_duo, home_url):
    emulate_device(dash_duo, "dark")
    open_home(dash_duo, home_url)
    dash_duo.driver.execute_script("localStorage.setItem('mm-tema', 'claro');")
    seen = open_home(dash_duo, home_url)
    assert seen["theme"] == "light"
    assert {key: seen[key] for key in LIGHT} == LIGHT
    assert_toggle_says(dash_duo, "light")


def test_chromium_finds_the_app_installable(dash_duo, home_url):
    open_home(dash_duo, home_url)
    driver = dash_duo.driver
    assert driver.execute_cdp_cmd("Page.getInstallabilityErrors", {}) == {
        "installabilityErrors": []
    }
    manifest = driver.execute_cdp_cmd("Page.getAppManifest", {})
    assert manifest["url"] == home_url + MANIFEST_PATH
    assert manifest["errors"] == []
    parsed = manifest["manifest"]
    assert parsed["name"] == MANIFEST["name"]
    assert parsed["display"] == "kStandalone"
    assert parsed["startUrl"] == parsed["scope"] == home_url + "/"
    assert parsed["themeColor"] == "rgba(33,37,41,1)"
    assert sorted(icon["sizes"] for icon in parsed["icons"]) == ["192x192", "512x512", "512x512"]


def test_sign_in_page_follows_the_device_and_the_manifest_needs_no_session(
    dash_duo, start_dashboard, tmp_path
):
    url = start_dashboard(
        dash_duo, navigate=False, auth="users", users_file=users_file(tmp_path, "ana")
    )
    # What the browser fetches without the session cookie.
    for path in (
        MANIFEST_PATH,
        *(icon["src"] for icon in MANIFEST["icons"]),
        "/assets/apple-touch-icon.png",
        "/assets/01-theme.js",
    ):
        response = requests.get(url + path, timeout=10, allow_redirects=False)
        assert response.status_code == 200, path
    assert requests.get(url + "/", timeout=10, allow_redirects=False).status_code == 303

    emulate_device(dash_duo, "dark")
    dash_duo.driver.get(url + "/login")
    card = dash_duo.driver.find_element(By.CSS_SELECTOR, ".signin-card")
    assert theme(dash_duo) == "dark"
    assert dash_duo.driver.execute_script(
        "return [getComputedStyle(document.body).backgroundColor,"
        " getComputedStyle(arguments[0]).backgroundColor]",
        card,
    ) == [DARK["page"], DARK["card"]]
    assert dash_duo.get_logs() == []
