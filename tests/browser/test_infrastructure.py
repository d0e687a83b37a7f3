"""The browser fixtures keep Playwright's event loop to the browser tests (see conftest.py)."""

import asyncio

import pytest

from intervention.models import Person
from tests.browser.support import BROWSER_TEST

pytestmark = BROWSER_TEST


def test_outside_a_browser_test_no_event_loop_is_left_running(chromium):
    with pytest.raises(RuntimeError, match="no running event loop"):
        asyncio.get_running_loop()
    assert asyncio.run(asyncio.sleep(0, result="ran")) == "ran"


def test_inside_a_browser_test_the_database_is_the_one_the_fixtures_wrote_to(page, alice):
    page.evaluate("() => 1")  # Playwright's loop is now running in this thread
    assert Person.objects.get(user=alice).name == "Alice Hughes"
