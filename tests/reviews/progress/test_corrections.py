"""Corrections: an indicator value, a progress update and an evidence file corrected or withdrawn with
a reason, never deleted. The page says who did it, when and why; a withdrawn value leaves the chart
and the table."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.models import EvidenceFile, Measurement, ProgressUpdate
from reviews.services import corrections, progress

pytestmark = pytest.mark.django_db
D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
LONG_REASON = "The figure for March counted agency staff twice: the payroll export was run on two days. " * 3


@pytest.fixture
def value(alice, indicator):
    return progress.record_measurement(indicator=indicator, period_end=D(2023, 3, 31), value=Decimal("51"), by=alice)


@pytest.fixture
def update(alice, hereford_case, priority):
    return progress.log_progress(
        intervention=hereford_case,
        by=alice,
        narrative="Agency use fell",
        rag="amber",
        period_start=D(2023, 4, 1),
        period_end=D(2023, 6, 30),
        service_priority=priority,
        evidence=[SimpleUploadedFile("report.pdf", PDF)],
    )


def test_a_value_is_corrected_with_a_whole_reason_shown_on_the_indicator_page(
    client, alice, hereford_case, indicator, value
):
    client.force_login(alice)
    url = reverse("measurement_correct", args=[hereford_case.pk, value.pk])
    response = client.post(url, {"revision": "1", "value": "48.5", "source_note": "Payroll", "reason": LONG_REASON})
    page = client.get(reverse("indicator_detail", args=[hereford_case.pk, indicator.pk])).content.decode()

    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.value, value.correction_reason) == (Decimal("48.5"), LONG_REASON.strip())
    assert f"Corrected on {value.corrected_at:%-d %B %Y} by alice@herefordshire.example: {LONG_REASON.strip()}" in page
    assert value.history.last().value == Decimal("51")  # the old value stays in history


def test_a_value_is_withdrawn_and_leaves_the_chart_and_table(client, alice, hereford_case, indicator, value):
    progress.record_measurement(indicator=indicator, period_end=D(2023, 4, 30), value=Decimal("47"), by=alice)
    client.force_login(alice)
    client.post(
        reverse("measurement_withdraw", args=[hereford_case.pk, value.pk]),
        {"revision": "1", "reason": "Counted twice"},
    )
    page = client.get(reverse("indicator_detail", args=[hereford_case.pk, indicator.pk])).content.decode()

    assert list(indicator.measurements.values_list("value", flat=True)) == [Decimal("47")]
    table = page.split("The figures in a table")[1].split("</table>")[0]
    assert "March 2023" not in table
    assert "April 2023" in table
    assert "March 2023: 51%. Withdrawn on" in page
    assert "by alice@herefordshire.example: Counted twice" in page
    assert Measurement.all_objects.filter(pk=value.pk).exists()  # kept, not deleted


def test_a_withdrawn_month_takes_a_new_value(alice, indicator, value):
    corrections.withdraw_measurement(measurement=value, revision=1, reason="Wrong month", by=alice)
    again = progress.record_measurement(indicator=indicator, period_end=D(2023, 3, 31), value=Decimal("50"), by=alice)
    assert again.value == Decimal("50")


def test_the_clash_message_links_to_the_correction_page(client, alice, hereford_case, indicator, value):
    client.force_login(alice)
    response = client.post(
        reverse("indicator_detail", args=[hereford_case.pk, indicator.pk]),
        {"period_end_0": "3", "period_end_1": "2023", "value": "50"},
    )
    page = response.content.decode()
    assert "A value for March 2023 is already recorded. Change that one instead" in page
    assert reverse("measurement_correct", args=[hereford_case.pk, value.pk]) in page


def test_a_month_recorded_twice_is_in_the_error_summary_and_by_the_field(
    client, alice, hereford_case, indicator, value
):
    client.force_login(alice)
    response = client.post(
        reverse("indicator_detail", args=[hereford_case.pk, indicator.pk]),
        {"period_end_0": "3", "period_end_1": "2023", "value": "50"},
    )
    page = response.content.decode()
    message = "A value for March 2023 is already recorded. Change that one instead"
    summary = page[page.index('class="govuk-error-summary"') :]
    summary = summary[: summary.index("</div>\n</div>")]
    assert f'<a href="#id_period_end_0">{message}</a>' in summary
    by_field = page[page.index("</h1>") :]
    by_field = by_field[by_field.index('class="govuk-error-message"') :][:400]
    assert message in by_field
    assert page.count(message) == 2, page  # once in the summary, once by the field


def test_a_stale_correction_is_refused(alice, charlie, value):
    corrections.correct_measurement(
        measurement=value, revision=1, value=Decimal("50"), source_note="", reason="Typo", by=charlie
    )
    with pytest.raises(ValidationError) as error:
        corrections.correct_measurement(
            measurement=value, revision=1, value=Decimal("49"), source_note="", reason="Typo", by=alice
        )
    assert error.value.messages == [progress.STALE]
    assert Measurement.objects.get().value == Decimal("50")


def test_a_correction_needs_a_reason(client, alice, hereford_case, value):
    client.force_login(alice)
    response = client.post(
        reverse("measurement_correct", args=[hereford_case.pk, value.pk]), {"revision": "1", "value": "40"}
    )
    assert "Say why the record is being corrected" in response.content.decode()
    assert Measurement.objects.get().value == Decimal("51")


def test_an_update_is_corrected_and_the_page_says_so(client, charlie, hereford_case, update):
    client.force_login(charlie)  # the commissioner corrects too
    client.post(
        reverse("update_correct", args=[hereford_case.pk, update.pk]),
        {"revision": "1", "narrative": "Agency use fell to 44%", "rag": "amber", "reason": "The figure was missing"},
    )
    page = client.get(reverse("update_detail", args=[hereford_case.pk, update.pk])).content.decode()
    update.refresh_from_db()
    assert update.narrative == "Agency use fell to 44%"
    assert (
        f"Corrected on {update.corrected_at:%-d %B %Y} by charlie@commissioner.example: The figure was missing" in page
    )
    assert update.history.last().narrative == "Agency use fell"


def test_a_withdrawn_update_no_longer_rates_the_priority(client, alice, hereford_case, priority, update):
    client.force_login(alice)
    client.post(
        reverse("update_withdraw", args=[hereford_case.pk, update.pk]),
        {"revision": "1", "reason": "Logged against the wrong priority"},
    )
    page = client.get(reverse("update_detail", args=[hereford_case.pk, update.pk])).content.decode()
    priority_page = client.get(reverse("priority_detail", args=[hereford_case.pk, priority.pk])).content.decode()

    assert "by alice@herefordshire.example: Logged against the wrong priority" in page
    assert progress.previous_rag(service_priority=priority) is None
    assert "Agency use fell" not in priority_page
    assert ProgressUpdate.all_objects.count() == 1


def test_an_evidence_file_is_corrected_as_a_new_version_with_a_reason(client, alice, hereford_case, update):
    evidence = EvidenceFile.objects.get()
    client.force_login(alice)
    client.post(
        reverse("evidence_replace", args=[evidence.pk]),
        {"file": SimpleUploadedFile("report v2.pdf", PDF + b"%v2\n"), "reason": "The first had the wrong month"},
    )
    page = client.get(reverse("update_detail", args=[hereford_case.pk, update.pk])).content.decode()
    new = EvidenceFile.objects.get(replaces=evidence)
    assert new.correction_reason == "The first had the wrong month"
    assert (
        f"Corrected on {new.corrected_at:%-d %B %Y} by alice@herefordshire.example: The first had the wrong month"
        in page
    )


def test_an_evidence_file_is_withdrawn_and_kept(client, alice, hereford_case, update):
    evidence = EvidenceFile.objects.get()
    client.force_login(alice)
    client.post(reverse("evidence_withdraw", args=[evidence.pk]), {"revision": "1", "reason": "Not ours"})
    page = client.get(reverse("update_detail", args=[hereford_case.pk, update.pk])).content.decode()
    assert list(update.evidence.all()) == []
    assert "Withdrawn evidence" in page
    assert "by alice@herefordshire.example: Not ours" in page


def test_a_council_officer_of_another_council_cannot_correct(client, bob, alice, hereford_case, value):
    client.force_login(bob)
    url = reverse("measurement_correct", args=[hereford_case.pk, value.pk])
    assert client.post(url, {"revision": "1", "value": "1", "reason": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):
        corrections.withdraw_measurement(measurement=value, revision=1, reason="x", by=bob)
