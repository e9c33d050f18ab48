"""The browser helpers themselves: a list that re-renders while it is read (the stale element of
tests/browser/test_products_phone.py::…[390px], 1 run in 3 under load)."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import StaleElementReferenceException

from tests.browser.helpers import texts, wait_for

pytestmark = pytest.mark.browser

# Replaces the list every millisecond, as search suggestions do while one types.
CHURNING_LIST = """data:text/html,<ul id="l"></ul><script>
let n = 0;
setInterval(() => { n++; document.getElementById('l').innerHTML =
  '<li>uno ' + n + '</li><li>dos</li><li>tres</li>'; }, 1);
</script>"""


def test_texts_reads_a_list_that_react_keeps_replacing(dash_duo):
    dash_duo.driver.get(CHURNING_LIST)
    wait_for(lambda: len(texts(dash_duo, "#l li")) == 3)
    stale = 0
    for _ in range(300):  # element by element, as the test read it before: goes stale
        try:
            [element.text for element in dash_duo.find_elements("#l li")]
        except StaleElementReferenceException:
            stale += 1
    assert stale > 0, "the page did not re-render while it was read"
    for _ in range(300):  # one script: always one consistent list
        shown = texts(dash_duo, "#l li")
        assert len(shown) == 3 and shown[1:] == ["dos", "tres"]


def test_wait_for_takes_a_stale_element_as_not_yet(dash_duo):
    dash_duo.driver.get(CHURNING_LIST)
    calls = []

    def condition() -> bool:
        calls.append(1)
        if len(calls) < 3:
            raise StaleElementReferenceException("replaced meanwhile")
        return True

    wait_for(condition, timeout=5)
    assert len(calls) == 3
