"""Sign-in in headless Chromium: sign in, every page, sign out, bounced; a session that ends
while a page is open; proxy mode with the header from a trusted hop; none mode."""

from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from minimarket_dash.users import UserStore
from tests.browser.helpers import wait_for_charts
from tests.signin.helpers import PASSWORD, users_file

pytestmark = pytest.mark.browser
PAGES = (("/", 3), ("/providers", 1), ("/analytics", 6))


def _type_and_submit(dash_duo, username: str, password: str) -> None:
    driver = dash_duo.driver
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form.signin-form button[type=submit]").click()


def _wait_url(dash_duo, fragment: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if fragment in dash_duo.driver.current_url:
            return
        time.sleep(0.1)
    raise AssertionError(f"{fragment} not in {dash_duo.driver.current_url}")


@pytest.fixture
def accounts(tmp_path) -> str:
    return users_file(tmp_path, "ana")


def test_sign_in_see_every_page_sign_out_and_get_bounced(dash_duo, start_dashboard, accounts):
    url = start_dashboard(dash_duo, navigate=False, auth="users", users_file=accounts)
    dash_duo.driver.get(url + "/analytics?proveedor=lacteos")
    _wait_url(dash_duo, "/login?next=")
    _type_and_submit(dash_duo, "ana", "clave-equivocada")
    assert "Usuario o clave incorrectos" in dash_duo.find_element(".alert-danger").text
    assert ["401" in entry["message"] for entry in dash_duo.get_logs()] == [True]  # and read
    _type_and_submit(dash_duo, "ana", PASSWORD)
    _wait_url(dash_duo, "/analytics?proveedor=lacteos")
    wait_for_charts(dash_duo, 6)
    for path, charts in PAGES:
        dash_duo.driver.get(url + path)
        wait_for_charts(dash_duo, charts)
        assert dash_duo.find_element(".account-name").text == "ana"
    dash_duo.find_element("#logout-button").click()
    _wait_url(dash_duo, "/login")
    dash_duo.driver.get(url + "/providers")
    _wait_url(dash_duo, "/login?next=/providers")
    assert dash_duo.get_logs() == []


def test_session_that_ends_mid_use_shows_the_spanish_notice(dash_duo, start_dashboard, accounts):
    url = start_dashboard(dash_duo, navigate=False, auth="users", users_file=accounts)
    dash_duo.driver.get(url + "/login?next=/analytics")
    _type_and_submit(dash_duo, "ana", PASSWORD)
    wait_for_charts(dash_duo, 6)
    UserStore(accounts).set_password("ana", "otra-clave-nueva-789")  # ends every session
    dash_duo.find_element("#analytics-clear").click()  # the next callback gets 401
    dash_duo.wait_for_text_to_equal("#session-expired .h5", "Tu sesión venció", timeout=10)
    link = dash_duo.find_element("#session-expired a")
    assert link.get_attribute("href").endswith("/login?next=%2Fanalytics")
    link.click()
    _wait_url(dash_duo, "/login?next=")


def test_proxy_mode_takes_the_user_from_the_trusted_hop(dash_duo, start_dashboard):
    header = "X-Forwarded-Email"
    url = start_dashboard(
        dash_duo, navigate=False, auth="proxy", trusted_proxies=1, auth_proxy_header=header
    )
    dash_duo.driver.get(url + "/providers")
    assert "inicio de sesión de la empresa" in dash_duo.find_element("body").text
    # What the SSO proxy in front would add to every request:
    dash_duo.driver.execute_cdp_cmd("Network.enable", {})
    dash_duo.driver.execute_cdp_cmd(
        "Network.setExtraHTTPHeaders", {"headers": {header: "ana@mini.ar"}}
    )
    dash_duo.driver.get(url + "/providers")
    wait_for_charts(dash_duo, 1)
    assert dash_duo.find_element(".account-name").text == "ana@mini.ar"
    assert not dash_duo.driver.find_elements(By.ID, "logout-button")


def test_none_mode_is_open(dash_duo, start_dashboard):
    url = start_dashboard(dash_duo, auth="none")
    dash_duo.driver.get(url + "/analytics")
    wait_for_charts(dash_duo, 6)
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, ".account-name")
