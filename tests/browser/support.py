"""What the browser tests share: the marks, signing in as a person would, and the accessibility check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "a long enough password"

# The live server answers from other threads, so a test's data must be committed for it to see: a
# transactional test, whose tables are emptied afterwards (tests.factories.authority() puts the local
# authorities back when a test asks for one).
BROWSER_TEST = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA, the standard public sector services must meet (axe's tags are cumulative by version).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def title(page_title: str) -> str:
    """A page's title as GOV.UK pages write it: the page, the service, GOV.UK, between en dashes."""
    return f"{page_title} \N{EN DASH} {settings.SERVICE_NAME} \N{EN DASH} GOV.UK"


def assert_accessible(page: Page) -> None:
    """Run axe-core on the page as it is now and fail on any WCAG A or AA violation."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, not added as a <script>: the Content-Security-Policy
        # blocks inline script, and the page fixture fails a test on anything it blocks.
        page.evaluate(AXE.read_text())
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    violations = results["violations"]
    assert not violations, f"{len(violations)} accessibility violation(s) on {page.url}:\n" + "\n".join(
        _describe(violation) for violation in violations
    )


def _describe(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}"]
    for node in violation["nodes"]:
        lines.append(f"    at {json.dumps(node['target'])}: {node['html'][:200]}")
        if node.get("failureSummary"):
            lines.extend(f"      {line}" for line in node["failureSummary"].splitlines())
    return "\n".join(lines)


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form, as a person would, checking the page on the way; then, for
    whoever must use an authenticator app (DfE staff, commissioners, advisers, administrators), the
    second step, with the code their app shows (the app set up for them if they had none)."""
    prepare_second_step(email)
    page.goto("/sign-in/")
    assert_accessible(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    second_step(page, email)


def prepare_second_step(email: str) -> None:
    from django.contrib.auth import get_user_model

    from intervention import two_factor
    from tests.factories import authenticator_for

    user = get_user_model().objects.filter(username=email.strip().lower()).first()
    if user is not None and two_factor.is_required_for(user):
        authenticator_for(user)


def second_step(page: Page, email: str) -> None:
    """If the sign-in asks for a code, enter the one the person's authenticator app shows now."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import totp_code

    page.wait_for_load_state()
    if "/sign-in/code/" not in page.url:
        return
    assert_accessible(page)
    device = TOTPDevice.objects.get(user__username=email.strip().lower(), confirmed=True)
    page.get_by_label("Code", exact=True).fill(totp_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def sign_in_to(page: Page, path: str, email: str, password: str = PASSWORD) -> None:
    """Open a page while signed out (a link from an email, say): sign in where it sends you, and land on it."""
    prepare_second_step(email)
    page.goto(path)
    assert_accessible(page)
    assert "/sign-in/?next=" in page.url, f"{path} did not ask for signing in: {page.url}"
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    second_step(page, email)
    page.wait_for_url(f"**{path}")


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    """A GOV.UK date input, found by its fieldset's legend, filled as a person types it."""
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def heading(page: Page):
    """The page's one h1."""
    return page.get_by_role("heading", level=1)
