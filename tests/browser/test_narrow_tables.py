"""At phone width (390 px) the main table pages do not overflow: a wide table scrolls sideways inside its
own named, focusable region (WCAG 1.4.10 Reflow), and axe-core finds nothing wrong (issue 15)."""

import datetime

from django.urls import reverse

from reviews.services import planning, reports
from tests.browser.support import BROWSER_TEST, assert_accessible, sign_in
from tests.reviews.reports_support import agency_indicator, direction_with_priorities, held_review

pytestmark = BROWSER_TEST

PHONE = {"width": 390, "height": 844}


def test_the_main_table_pages_fit_a_phone_and_their_tables_scroll_in_a_named_region(
    page, alice, charlie, hereford_case
):
    direction = direction_with_priorities(hereford_case)
    indicator = agency_indicator(direction, by=alice)
    review = held_review(hereford_case, by=charlie)
    reports.create_report(intervention=hereford_case, kind="cabinet", review=review, by=alice)
    plan = planning.create_plan(intervention=hereford_case, title="Children's services improvement plan", by=alice)
    objective = planning.add_objective(plan=plan, label="1", title="A stable, permanent workforce", by=alice)
    planning.add_action(
        objective=objective,
        label="1",
        description="Launch the recruitment campaign for permanent social workers across the county",
        owner="Head of workforce development and commissioning",
        due_on=datetime.date(2030, 1, 31),
        done_looks_like="Twenty permanent social workers in post",
        by=alice,
    )
    page.set_viewport_size(PHONE)
    sign_in(page, "alice@herefordshire.example")
    page.wait_for_url(f"**/interventions/{hereford_case.pk}/")
    pages = [
        reverse("intervention_detail", args=[hereford_case.pk]),
        reverse("plan", args=[hereford_case.pk]),
        reverse("plan_detail", args=[hereford_case.pk, plan.pk]),
        reverse("indicator_detail", args=[hereford_case.pk, indicator.pk]),
        reverse("case_deadlines", args=[hereford_case.pk]),
        reverse("case_reviews", args=[hereford_case.pk]),
        reverse("case_reports", kwargs={"case_pk": hereford_case.pk}),
        reverse("intervention_list"),
    ]
    for url in pages:
        page.goto(url)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url} is {overflow}px wider than the phone"
        regions = page.locator(".app-table-scroll")
        for index in range(regions.count()):
            region = regions.nth(index)
            assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
            assert (region.get_attribute("aria-label") or "").strip(), url
        assert_accessible(page)
