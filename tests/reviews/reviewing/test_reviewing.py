"""Holding a review: pre-filled from the last, assessed per priority, held for a deadline, and its
report's publication dating the next review."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from directions.models import ReportingObligation
from intervention.stale import version_of
from reviews.enums import DeadlineStatus
from reviews.models import Deadline, ProgressUpdate, Review
from reviews.services import reviewing
from tests.reviews.reports_support import D, direction_with_priorities, held_review

pytestmark = pytest.mark.django_db


def seen(record) -> dict[str, str]:
    """The version a form carries of the record it edits, as the page would have sent it."""
    return {"seen_version": version_of(type(record), record.pk)}


@pytest.fixture
def direction(hereford_case):
    return direction_with_priorities(hereford_case)


@pytest.fixture
def next_review(direction):
    obligation = ReportingObligation(
        instrument=direction,
        what="Next review of progress",
        deliverer="commissioner",
        recipient="minister",
        cadence="months_after_event",
        interval=6,
        event="publication of the commissioner's progress report",
    )
    obligation.full_clean()
    obligation.save()
    return obligation


def test_a_first_review_rates_every_priority_in_force_with_no_baseline(charlie, hereford_case, direction):
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        by=charlie,
    )
    assert [(a.service_priority.short_name, a.baseline_rag, a.rag) for a in review.assessments.all()] == [
        ("Permanent social workers", "", ""),
        ("Permanent team managers", "", ""),
    ]


def test_a_new_review_starts_from_the_last_reviews_ratings(charlie, hereford_case, direction):
    held_review(hereford_case, by=charlie, ratings=("red", "amber"))
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="quarterly_evidence",
        period_start=D(2023, 11, 1),
        period_end=D(2024, 1, 31),
        held_on=D(2024, 2, 5),
        by=charlie,
    )
    assert [(a.baseline_rag, a.rag, a.change) for a in review.assessments.all()] == [
        ("red", "red", "No change"),
        ("amber", "amber", "No change"),
    ]
    first = review.assessments.first()
    reviewing.assess_priority(assessment=first, rag="amber", narrative="More permanent staff", by=charlie)
    first.refresh_from_db()
    assert (first.baseline_rag, first.rag, first.change) == ("red", "amber", "Improved")


def test_a_new_review_starts_from_the_councils_latest_progress_with_the_last_review_beside_it(
    client, alice, charlie, hereford_case, direction
):
    held_review(hereford_case, by=charlie, ratings=("red", "amber"))
    social_workers = direction.service_priorities.get(label="i")
    for period_end, rag in [(D(2023, 12, 31), "amber"), (D(2024, 1, 31), "green"), (D(2024, 3, 31), "red")]:
        ProgressUpdate.objects.create(
            intervention=hereford_case,
            service_priority=social_workers,
            narrative="Permanent staff",
            rag=rag,
            period_start=period_end.replace(day=1),
            period_end=period_end,
            author=alice,
        )
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="quarterly_evidence",
        period_start=D(2023, 11, 1),
        period_end=D(2024, 1, 31),
        held_on=D(2024, 2, 5),
        by=charlie,
    )
    # The March update is after the period: January's is where the council stood.
    assert [(a.baseline_rag, a.rag) for a in review.assessments.all()] == [("red", "green"), ("amber", "amber")]
    first = review.assessments.first()
    assert first.history.first().history_change_reason == "Pre-filled from the progress update to 31 January 2024"

    client.force_login(charlie)
    page = client.get(f"/reviews/{review.pk}/priorities/{first.pk}/").text
    assert "latest progress update, to 31 January 2024, rates it <strong>green</strong>" in page
    assert "At the last review this priority was rated <strong>red</strong>" in page


def test_a_council_officer_cannot_start_a_review(alice, hereford_case, direction):
    with pytest.raises(PermissionDenied, match="You cannot hold reviews on Herefordshire's case"):
        reviewing.start_review(
            intervention=hereford_case,
            kind="six_month",
            period_start=D(2023, 5, 1),
            period_end=D(2023, 10, 31),
            held_on=D(2023, 11, 6),
            by=alice,
        )


def test_a_review_cannot_be_held_until_every_priority_is_rated_and_described(charlie, hereford_case, direction):
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        by=charlie,
    )
    reviewing.assess_priority(assessment=review.assessments.first(), rag="red", narrative="Limited", by=charlie)
    with pytest.raises(ValidationError, match="Still to do: Permanent team managers"):
        reviewing.hold_review(review=review, by=charlie)


def test_holding_a_review_meets_the_deadline_it_was_held_for(charlie, hereford_case, direction):
    deadline = Deadline.objects.create(
        intervention=hereford_case, what="Further review of progress after six months", computed_on=D(2023, 9, 1)
    )
    review = held_review(hereford_case, by=charlie, deadline=deadline)
    deadline.refresh_from_db()
    assert (deadline.status, deadline.met_on, deadline.met_by_review, deadline.history.latest().history_user) == (
        DeadlineStatus.MET,
        D(2023, 11, 6),
        review,
        charlie,
    )
    assert deadline.met_note == "Met by the six-month review held on 6 November 2023"


def test_a_held_review_cannot_be_changed(charlie, hereford_case, direction):
    review = held_review(hereford_case, by=charlie)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        reviewing.update_review(review=review, by=charlie, conclusion="Something else")


def test_recording_the_reports_publication_dates_the_next_review(charlie, hereford_case, direction, next_review):
    review = held_review(hereford_case, by=charlie)
    dated = reviewing.record_report_publication(
        review=review, published_on=D(2023, 12, 13), by=charlie, today=D(2024, 1, 2)
    )
    next_review.refresh_from_db()
    assert (dated, next_review.event_on) == ([next_review], D(2023, 12, 13))
    assert list(Deadline.objects.filter(obligation=next_review).values_list("computed_on", flat=True)) == [
        D(2024, 6, 13)
    ]
    assert next_review.history.latest().history_change_reason == (
        "Report on the review of 6 November 2023 published on 13 December 2023"
    )


def test_publication_cannot_be_recorded_before_the_review_is_held(charlie, hereford_case, direction, next_review):
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        by=charlie,
    )
    with pytest.raises(ValidationError, match="Record the review as held before"):
        reviewing.record_report_publication(review=review, published_on=D(2023, 12, 13), by=charlie)
    next_review.refresh_from_db()
    assert next_review.event_on is None


def test_a_publication_before_the_review_was_held_is_refused(charlie, hereford_case, direction):
    review = held_review(hereford_case, by=charlie)
    with pytest.raises(ValidationError, match="cannot be published before the review was held"):
        reviewing.record_report_publication(review=review, published_on=D(2023, 11, 1), by=charlie)


def test_evidence_about_another_priority_is_refused(charlie, alice, hereford_case, direction):
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        by=charlie,
    )
    managers = direction.service_priorities.get(label="ii")
    update = ProgressUpdate.objects.create(
        intervention=hereford_case,
        service_priority=managers,
        narrative="Two team managers appointed",
        rag="amber",
        period_start=D(2023, 9, 1),
        period_end=D(2023, 9, 30),
        author=alice,
    )
    social_workers = review.assessments.get(service_priority__label="i")
    with pytest.raises(ValidationError, match="Choose evidence about permanent social workers"):
        reviewing.assess_priority(
            assessment=social_workers, rag="red", narrative="Limited", progress_updates=[update], by=charlie
        )
    managers_assessment = review.assessments.get(service_priority=managers)
    reviewing.assess_priority(
        assessment=managers_assessment, rag="amber", narrative="Some", progress_updates=[update], by=charlie
    )
    assert list(managers_assessment.progress_updates.all()) == [update]


def test_the_history_says_who_assessed_a_priority_and_why(charlie, hereford_case, direction):
    review = held_review(hereford_case, by=charlie)
    record = review.assessments.first().history.filter(history_change_reason="Assessed").latest()
    assert (record.history_user, record.rag) == (charlie, "red")


# --- Pages ------------------------------------------------------------------------------------------


def _date(prefix: str, day: datetime.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def test_the_commissioner_holds_a_review_through_the_pages(client, charlie, hereford_case, direction):
    deadline = Deadline.objects.create(
        intervention=hereford_case, what="Further review of progress after six months", computed_on=D(2023, 9, 1)
    )
    client.force_login(charlie)
    response = client.post(
        f"/interventions/{hereford_case.pk}/reviews/new/",
        {
            "kind": "six_month",
            **_date("period_start", D(2023, 5, 1)),
            **_date("period_end", D(2023, 10, 31)),
            **_date("held_on", D(2023, 11, 6)),
            "attendees": "Eleanor Brazil, Commissioner",
        },
    )
    review = Review.objects.get()
    assert response.url == f"/reviews/{review.pk}/"
    first, second = review.assessments.order_by("position")
    response = client.post(
        f"/reviews/{review.pk}/priorities/{first.pk}/", {"rag": "red", "narrative": "Limited", **seen(first)}
    )
    assert response.url == f"/reviews/{review.pk}/priorities/{second.pk}/"
    response = client.post(
        f"/reviews/{review.pk}/priorities/{second.pk}/", {"rag": "amber", "narrative": "Some", **seen(second)}
    )
    assert response.url == f"/reviews/{review.pk}/developments/"
    client.post(
        f"/reviews/{review.pk}/developments/", {"key_developments": "Leeds\nMASH", "summary": "Slow", **seen(review)}
    )
    response = client.post(
        f"/reviews/{review.pk}/conclusion/",
        {
            "sufficient_progress": "yes",
            "conclusion": "Positive developments",
            "recommendation": "continue_support",
            **seen(review),
        },
    )
    assert response.url == f"/reviews/{review.pk}/held/"
    page = client.get(f"/reviews/{review.pk}/held/")
    assert "Further review of progress after six months, due 1 September 2023" in page.text
    client.post(f"/reviews/{review.pk}/held/", {"deadline": str(deadline.pk)})
    review.refresh_from_db()
    deadline.refresh_from_db()
    assert (review.status, review.key_development_list, deadline.met_by_review) == ("held", ["Leeds", "MASH"], review)
    assert "is recorded as held" in client.get(f"/reviews/{review.pk}/").text


def test_a_form_error_on_an_assessment_keeps_what_was_typed(client, charlie, hereford_case, direction):
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        by=charlie,
    )
    client.force_login(charlie)
    response = client.post(
        f"/reviews/{review.pk}/priorities/{review.assessments.first().pk}/", {"narrative": "Half-written thoughts"}
    )
    assert "There is a problem" in response.text
    assert "Choose a RAG rating" in response.text
    assert "Half-written thoughts" in response.text


def test_holding_a_review_with_an_unrated_priority_says_which(client, charlie, hereford_case, direction):
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        by=charlie,
    )
    client.force_login(charlie)
    response = client.post(f"/reviews/{review.pk}/held/", {"deadline": "none"})
    assert "Still to do: Permanent social workers, Permanent team managers" in response.text
    review.refresh_from_db()
    assert review.status == "draft"


def test_a_council_officer_may_read_a_review_but_not_change_it(client, alice, charlie, hereford_case, direction):
    review = held_review(hereford_case, by=charlie)
    client.force_login(alice)
    page = client.get(f"/reviews/{review.pk}/")
    assert page.status_code == 200
    assert "Change the conclusion" not in page.text
    assert client.get(f"/reviews/{review.pk}/publication/").status_code == 403
    assert client.get(f"/interventions/{hereford_case.pk}/reviews/new/").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/interventions/{case}/reviews/",
        "/interventions/{case}/reviews/new/",
        "/reviews/{review}/",
        "/reviews/{review}/details/",
        "/reviews/{review}/priorities/{assessment}/",
        "/reviews/{review}/developments/",
        "/reviews/{review}/conclusion/",
        "/reviews/{review}/held/",
        "/reviews/{review}/publication/",
    ],
)
def test_another_councils_officer_gets_not_found_on_every_review_page(
    client, bob, charlie, hereford_case, direction, url
):
    review = reviewing.start_review(
        intervention=hereford_case,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        by=charlie,
    )
    client.force_login(bob)
    address = url.format(case=hereford_case.pk, review=review.pk, assessment=review.assessments.first().pk)
    assert client.get(address).status_code == 404


def test_two_reviewers_saving_the_same_conclusion_the_second_is_refused_with_what_changed(
    client, charlie, hereford_case, direction
):
    from django.test import Client

    from tests.sweep.support import form_data

    review = reviewing.start_review(
        intervention=hereford_case,
        kind="six_month",
        period_start=D(2023, 5, 1),
        period_end=D(2023, 10, 31),
        held_on=D(2023, 11, 6),
        by=charlie,
    )
    url = f"/reviews/{review.pk}/conclusion/"
    first, second = Client(), Client()
    first.force_login(charlie)
    second.force_login(charlie)
    first_form, second_form = form_data(first.get(url).text), form_data(second.get(url).text)
    typed = {"sufficient_progress": ["no"], "recommendation": ["continue_support"]}

    assert first.post(url, first_form | typed | {"conclusion": ["Leadership is stable"]}).status_code == 302
    refused = second.post(url, second_form | typed | {"conclusion": ["Practice has not improved"]})
    assert refused.status_code == 200
    assert "There is a problem" in refused.text
    assert "Someone else changed this record after you opened it" in refused.text
    assert "changed conclusion" in refused.text.lower()
    assert "Practice has not improved" in refused.text
    review.refresh_from_db()
    assert review.conclusion == "Leadership is stable"

    again = second.post(url, form_data(refused.text) | typed | {"conclusion": ["Practice has not improved"]})
    assert again.status_code == 302
    review.refresh_from_db()
    assert review.conclusion == "Practice has not improved"
