"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's live server.

One Chromium per session (starting it is the slow part); a fresh browser context, so fresh cookies,
per test. Chromium comes from apt (`apt-get install chromium`), not from Playwright's own download,
which cannot reach the network here. Tests use the `page` fixture (or `browser`, for more than one
person at a time); `chromium` is the session's Chromium behind them.

pytest-django's live server serves /static/ through Django's StaticFilesHandler (the finders, so no
collectstatic is needed), and WhiteNoise's middleware serves GOV.UK Frontend's /assets/ (fonts, images)
from WHITENOISE_ROOT. The `page` fixture fails a test whose page asked for a file the server did not
have, whose JavaScript threw, or on which the Content-Security-Policy blocked something, so a page
without its stylesheet, fonts or scripts cannot pass.

Playwright's event loop, and keeping it to the browser tests
------------------------------------------------------------
Playwright's sync API runs an asyncio event loop in the test's own thread: it talks to Chromium from a
greenlet, and between calls it leaves that loop marked as the thread's running loop. Left alone, a
session-long Playwright would make every test that runs after the first browser test run "inside an
event loop", which changes how Django behaves:

- Django refuses database queries there ("SynchronousOnlyOperation: You cannot call this from an async
  context");
- Django keeps a second set of database connections for async contexts, so the test thread's queries go
  through a new connection instead of the one pytest-django set up (and on which serialized_rollback
  keeps the data the migrations loaded);
- asyncio.run() and async_to_sync() refuse to run at all.

So the loop is marked as running only while a browser test runs (the `browser` fixture), the test
thread keeps its own connections throughout, and Django is told that the queries made meanwhile are
safe (DJANGO_ALLOW_ASYNC_UNSAFE), which they are: nothing of ours runs on that loop, only Playwright's
messages to Chromium, and only while the test is waiting in a Playwright call.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.db import connections

from tests.conftest import MISSING_PART_HINT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root in a container, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--no-first-run",
    # Without these Chromium opens connections of its own (QUIC, component updates, sync and other
    # background services), which the closed network refuses.
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Ample for a page from the live server; short enough that a broken page fails in seconds.
TIMEOUT_MS = 5_000


@dataclass(frozen=True)
class Chromium:
    browser: Browser
    loop: asyncio.AbstractEventLoop  # Playwright's


@pytest.fixture(scope="session")
def chromium() -> Iterator[Chromium]:
    """The session's one Chromium. Use it through `browser` or `page`, which let Playwright's loop run."""
    if not os.access(CHROMIUM, os.X_OK):  # missing, or there but not a program that can run
        # Worded for tests/conftest.py's closing line, which counts the tests skipped for a missing part.
        message = f"Chromium not found at {CHROMIUM}{MISSING_PART_HINT}sudo apt-get install chromium"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"{message}. REQUIRE_BROWSER=1 makes the browser tests mandatory.", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        loop = asyncio.get_running_loop()
        asyncio._set_running_loop(None)  # until a browser test starts: see the module's docstring
        try:
            yield Chromium(browser=browser, loop=loop)
        finally:
            asyncio._set_running_loop(loop)
            browser.close()


@pytest.fixture
def browser(chromium: Chromium, monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    """The session's Chromium, for one test; Playwright's loop runs only meanwhile (see the module's docstring)."""
    own_connections = {alias: connections[alias] for alias in connections}
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    asyncio._set_running_loop(chromium.loop)
    # Inside a running loop Django looks connections up in a separate store: give it the thread's own.
    for alias, connection in own_connections.items():
        connections[alias] = connection
    try:
        yield chromium.browser
    finally:
        asyncio._set_running_loop(None)


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1024, "height": 768})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []

    # A page's own status is the test's business (a 404 page is a 404); its stylesheets, fonts,
    # images and scripts must all arrive.
    def check(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.url}")

    def failed(request: Request) -> None:
        # A page that navigates away cancels what it was still loading (net::ERR_ABORTED): not a fault.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"{request.failure} for {request.url}")

    page.on("response", check)
    page.on("requestfailed", failed)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))

    # Chromium reports what the Content-Security-Policy blocked (an inline script or style, a file from
    # elsewhere) as a console error.
    def console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"Blocked by the CSP on {page.url}: {message.text}")

    page.on("console", console)
    yield page
    context.close()
    assert not problems, "The pages did not load cleanly:\n" + "\n".join(problems)
