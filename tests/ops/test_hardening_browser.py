"""Real Chromium against the real gunicorn server: no page breaks the Content-Security-Policy."""

from __future__ import annotations

import shutil
import time

import pytest

from tests.live import start_live_server

pytestmark = [pytest.mark.live, pytest.mark.browser]

PAGES = ("/", "/providers", "/analytics", "/pagina-inexistente")
# Runs before any page script and is not subject to the page's CSP (injected by DevTools).
LISTEN = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""
RENDERED = """
return !!document.querySelector('#_pages_content') &&
       !document.querySelector('[data-dash-is-loading="true"]');
"""


@pytest.fixture(scope="module")
def server(tiny_sqlite_url):
    """Two workers over the tiny fixture."""
    live = start_live_server({"DASHBOARD_DATABASE_URL": tiny_sqlite_url}, workers=2)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium with the browser console log enabled."""
    if not shutil.which("chromedriver"):
        pytest.fail("chromedriver is missing: run scripts/test.sh (installs chromium-driver)")
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": LISTEN})
    yield driver
    driver.quit()


def visit(browser, url: str) -> tuple[bool, list[str], list[str]]:
    """Open `url`, wait for Dash to render; return (rendered, CSP violations, console lines)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    try:
        WebDriverWait(browser, 20).until(lambda d: d.execute_script(RENDERED))
        rendered = True
    except TimeoutException:
        rendered = False
    time.sleep(1.0)  # let plotly finish drawing (its errors would come now)
    violations = browser.execute_script("return window.__cspViolations")
    console = [entry["message"] for entry in browser.get_log("browser")]
    return rendered, violations, console


def test_no_page_violates_the_csp(server, browser):
    plots = 0
    for path in PAGES:
        rendered, violations, console = visit(browser, server.url + path)
        assert violations == [], (path, violations)
        csp_messages = [m for m in console if "Content Security Policy" in m or "Refused to" in m]
        assert csp_messages == [], (path, csp_messages)
        assert rendered, (path, console)
        plots += browser.execute_script(
            "return document.querySelectorAll('.js-plotly-plot').length"
        )
    assert plots > 0, "plotly must have drawn at least one chart under the CSP"
