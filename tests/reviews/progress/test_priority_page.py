"""A priority's page reads its priority, indicators, latest values and a page of updates by SQL compiled
once and run with the case and the priority swapped in (reviews.views.progress._priority_queries,
_UpdatePages): each priority's page shows its own records, whatever page was seen before it."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directions.models import Instrument, ServicePriority
from reviews.models import Indicator, Measurement
from reviews.services import progress

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MARKUP = "<script>alert(1)</script> & co"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co"


def log(case, person, priority, text, end, files=()):
    return progress.log_progress(
        intervention=case,
        by=person,
        narrative=text,
        rag="amber",
        period_start=end.replace(day=1),
        period_end=end,
        service_priority=priority,
        evidence=[SimpleUploadedFile(name, PDF) for name in files],
    )


def page(client, case, priority, **query):
    return client.get(reverse("priority_detail", args=[case.pk, priority.pk]), query)


def instrument_with_priority(case, label="i", issue=True):
    """A direction with one service priority, issued (its text locked) unless `issue` is false."""
    from directions import services
    from directions.models import Clause
    from tests.factories import UserFactory

    draft = Instrument.objects.create(
        intervention=case,
        kind="statutory_direction",
        legal_basis="497A(4B)",
        title="Direction",
        addressed_to="Herefordshire Council",
        issued_on=D(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )
    Clause.objects.create(instrument=draft, label="7", text="To comply")
    priority = ServicePriority.objects.create(
        instrument=draft, label=label, position=1, title="Team managers", short_name="Managers"
    )
    if issue:
        services.issue_instrument(
            instrument=draft, by=UserFactory(is_superuser=True, username=f"i{draft.pk}@x.example")
        )
    return priority


@pytest.fixture
def second_priority(hereford_case, priority):
    return instrument_with_priority(hereford_case, label="ii")


def test_each_priority_shows_its_own_indicators_values_and_updates(
    client, alice, hereford_case, priority, indicator, second_priority
):
    other = Indicator.objects.create(
        service_priority=second_priority, name="Vacancies", unit="count", direction="lower"
    )
    # Fourteen months of values: the page shows the latest thirteen, oldest first.
    for month in range(1, 13):
        progress.record_measurement(indicator=indicator, period_end=D(2022, month, 28), value=Decimal(month), by=alice)
    for month in (1, 2):
        progress.record_measurement(
            indicator=indicator, period_end=D(2023, month, 28), value=Decimal(20 + month), by=alice
        )
    progress.record_measurement(
        indicator=other, period_end=D(2022, 5, 31), value=Decimal(7), by=alice, source_note="HR"
    )
    log(hereford_case, alice, priority, "Mine", D(2023, 1, 31), files=["mine.pdf"])
    log(hereford_case, alice, second_priority, "Theirs", D(2023, 1, 31), files=["theirs.pdf"])
    client.force_login(alice)

    first = page(client, hereford_case, priority).content.decode()
    second = page(client, hereford_case, second_priority).content.decode()

    assert "Agency social workers" in first and "Vacancies" not in first
    months = [f"{month} 2022" for month in ("February", "March", "December")] + ["January 2023", "February 2023"]
    positions = [first.index(f'<th scope="row" class="govuk-table__header">{month}</th>') for month in months]
    assert positions == sorted(positions)
    assert "January 2022</th>" not in first  # the fourteenth month back
    assert "The latest 13 values." in first and ">22%</td>" in first
    assert "Mine" in first and "mine.pdf" in first and "Theirs" not in first and "theirs.pdf" not in first
    assert "Vacancies" in second and "Agency social workers" not in second
    assert "May 2022</th>" in second and ">7</td>" in second and ">HR</td>" in second
    assert "Theirs" in second and "theirs.pdf" in second and "mine.pdf" not in second


def test_a_priority_of_another_case_or_of_an_instrument_not_issued_is_not_found(
    client, alice, bob, hereford_case, worcester_case, priority
):
    unissued = instrument_with_priority(hereford_case, issue=False)
    client.force_login(alice)
    assert page(client, hereford_case, priority).status_code == 200
    assert page(client, hereford_case, unissued).status_code == 404
    client.force_login(bob)
    assert page(client, worcester_case, priority).status_code == 404  # Herefordshire's, in Worcestershire's URL


def test_updates_come_a_page_at_a_time_each_with_its_own_evidence(client, alice, hereford_case, priority):
    for month in range(1, 12):
        log(hereford_case, alice, priority, f"Update {month}", D(2022, month, 28), files=[f"e{month}.pdf"])
    older = log(hereford_case, alice, priority, "Update 0", D(2021, 12, 28), files=["old.pdf"])
    progress.replace_evidence(evidence=older.evidence.get(), upload=SimpleUploadedFile("new.pdf", PDF), by=alice)
    client.force_login(alice)

    first = page(client, hereford_case, priority).content.decode()
    second = page(client, hereford_case, priority, page=2).content.decode()

    assert [f">Update {n}<" in first for n in (11, 2, 1, 0)] == [True, True, False, False]
    assert first.index("Update 11") < first.index("e11.pdf") < first.index("Update 10") < first.index("e10.pdf")
    assert ">Update 1<" in second and ">Update 0<" in second and ">Update 2<" not in second
    assert second.index("Update 0") < second.index("old.pdf") and "Replaced by a newer version" in second
    # The new version is the same update's, and says what it replaced.
    assert "new.pdf" in second and "replaces an earlier version" in second and "new.pdf" not in first


def test_a_priority_page_escapes_what_people_typed(client, alice, hereford_case, priority, indicator):
    Indicator.objects.filter(pk=indicator.pk).update(name=f"Workers {MARKUP}")
    Measurement.objects.create(
        indicator=indicator, period_end=D(2023, 1, 31), value=Decimal(40), source_note=MARKUP, recorded_by=alice
    )
    log(hereford_case, alice, priority, f"Narrative {MARKUP}", D(2023, 1, 31), files=["a&b.pdf"])
    client.force_login(alice)
    text = page(client, hereford_case, priority).content.decode()
    assert "<script>alert" not in text
    assert text.count(ESCAPED) >= 4  # the indicator's name, its value's source and the update
    assert "a&amp;b.pdf" in text


def test_the_priority_page_counts_its_updates_with_the_priority(
    client, alice, hereford_case, priority, indicator, django_assert_max_num_queries
):
    """Session, person, access, case, the priority with its count of updates, a page of updates and
    their evidence, indicators and their latest values, and the menu's counts: no count query of its own."""
    progress.record_measurement(indicator=indicator, period_end=D(2022, 12, 31), value=Decimal(1), by=alice)
    log(hereford_case, alice, priority, "First", D(2023, 1, 31), files=["first.pdf"])
    client.force_login(alice)
    page(client, hereford_case, priority)
    with django_assert_max_num_queries(10):
        assert page(client, hereford_case, priority).status_code == 200


def test_a_priority_without_updates_asks_nothing_for_its_empty_page(
    client, alice, hereford_case, priority, django_assert_max_num_queries
):
    client.force_login(alice)
    page(client, hereford_case, priority)
    with django_assert_max_num_queries(8):
        text = page(client, hereford_case, priority).content.decode()
    assert "No progress has been logged yet." in text and "No indicators have been set for this priority." in text
