"""The pages' anti-forgery token in headless Chromium against a real gunicorn (2 workers, users
mode): signed in, every page and its callbacks work with the token Dash's renderer sends by
itself; a callback without it, from the page's own script or from a form on another origin of
the same site, is refused with 403 and a log line."""

from __future__ import annotations

import http.server
import json
import threading
import time

import pytest
from selenium.webdriver.common.by import By

from tests.browser.helpers import wait_for, wait_for_charts
from tests.csrf import COOKIE
from tests.live import free_port, start_live_server
from tests.signin.helpers import MENU_CALLBACK, PASSWORD, users_file

pytestmark = [pytest.mark.browser, pytest.mark.live]
FORGED_FETCH_JS = """
const done = arguments[arguments.length - 1];
fetch('/_dash-update-component', {method: 'POST', body: JSON.stringify(arguments[0]),
                                  headers: {'Content-Type': 'application/json'}})
  .then(r => r.json().then(body => done({status: r.status, error: body.error})));
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiny_sqlite_url):
    folder = tmp_path_factory.mktemp("csrf-browser")
    live = start_live_server(
        {
            "DASHBOARD_DATABASE_URL": tiny_sqlite_url,
            "DASHBOARD_AUTH": "users",
            "DASHBOARD_USERS_FILE": users_file(folder, "ana"),
            "MMDASH_TEST_NOW": "2026-03-15T12:00:00",
        },
        workers=2,
        app="tests.fixed_now_app:server",
    )
    yield live
    live.stop()


@pytest.fixture
def attacker(server):
    """Another origin of the same site (127.0.0.1, other port) whose page posts a callback to
    the dashboard with a form, as a forged request would (no script can add the header)."""
    body = json.dumps(MENU_CALLBACK).replace('"', "&quot;")
    page = (
        f'<form id="f" method="post" enctype="text/plain" '
        f'action="{server.url}/_dash-update-component">'
        f'<input type="hidden" name="{body}" value=""></form>'
        "<script>document.getElementById('f').submit()</script>"
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def sign_in(dash_duo, server) -> None:
    driver = dash_duo.driver
    driver.get(server.url + "/login?next=/analytics")
    driver.find_element(By.ID, "username").send_keys("ana")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.signin-form button[type=submit]").click()
    wait_for(lambda: "/analytics" in driver.current_url)


def test_pages_work_with_the_token_and_a_forged_callback_is_refused(dash_duo, server):
    sign_in(dash_duo, server)
    wait_for_charts(dash_duo, 6)
    cookie = dash_duo.driver.get_cookie(COOKIE)
    assert cookie["sameSite"] == "Strict" and cookie["httpOnly"] is False
    # Callbacks keep working on both workers: presets redraw the charts, pages change.
    presets = dash_duo.find_elements("#analytics-filter-presets button")
    assert len(presets) >= 3
    for preset in presets[:3]:
        before = dash_duo.driver.current_url
        dash_duo.driver.execute_script("arguments[0].click()", preset)
        # A callback rewrote the URL.
        wait_for(lambda before=before: dash_duo.driver.current_url != before)
        wait_for_charts(dash_duo, 6)
    for path, charts in (("/", 3), ("/providers", 1), ("/analytics", 6)):
        dash_duo.driver.get(server.url + path)
        wait_for_charts(dash_duo, charts)
    assert dash_duo.get_logs() == []
    forged = dash_duo.driver.execute_async_script(FORGED_FETCH_JS, MENU_CALLBACK)
    assert forged == {"status": 403, "error": "csrf_failed"}
    dash_duo.wait_for_text_to_equal("#session-expired .h5", "La página quedó vieja", timeout=10)


def test_a_form_on_another_origin_cannot_post_a_callback(dash_duo, server, attacker):
    sign_in(dash_duo, server)
    wait_for_charts(dash_duo, 6)
    before = server.output().count("callback rechazado sin token")
    dash_duo.driver.get(attacker)
    wait_for(lambda: "csrf_failed" in dash_duo.driver.page_source)
    time.sleep(0.2)
    assert server.output().count("callback rechazado sin token") == before + 1
    assert "usuario=ana" in server.output().split("callback rechazado sin token")[-1][:200]
