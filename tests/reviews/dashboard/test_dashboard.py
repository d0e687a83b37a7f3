"""DfE's dashboard (issue 16): one row per case a person may see, filters kept in the address,
sortable columns, the picture now and a year ago, and the rows to take away."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from intervention.enums import Organisation, Role
from reviews.enums import DeadlineStatus
from reviews.forms.dashboard import DashboardFilter
from reviews.models import Deadline, ProgressUpdate
from reviews.services import dashboard
from tests.factories import AppointmentFactory, issued_direction

pytestmark = pytest.mark.django_db
D = datetime.date
JANUARY_2024 = D(2024, 1, 31)


def overdue_deadline(case, *, days: int, what: str = "Evidence of progress") -> Deadline:
    return Deadline.objects.create(
        intervention=case,
        what=what,
        computed_on=timezone.localdate() - datetime.timedelta(days=days),
        status=DeadlineStatus.OPEN,
    )


def rate(priority, rag: str, *, period_end=JANUARY_2024, by) -> ProgressUpdate:
    return ProgressUpdate.objects.create(
        intervention=priority.instrument.intervention,
        service_priority=priority,
        narrative="How it went",
        rag=rag,
        period_start=period_end.replace(day=1),
        period_end=period_end,
        author=by,
    )


def rows_of(response) -> list[str]:
    """The authorities in the table, in the order shown."""
    return [row["case"].local_authority.name for row in response.context["rows"]]


@pytest.fixture
def both_cases(hereford_case, worcester_case):
    issued_direction(hereford_case, D(2023, 3, 1))
    issued_direction(worcester_case, D(2017, 3, 8))
    return hereford_case, worcester_case


def test_dfe_sees_every_open_case_and_a_commissioner_only_theirs(client, dora, charlie, both_cases):
    client.force_login(dora)
    assert sorted(rows_of(client.get(reverse("dashboard")))) == ["Herefordshire", "Worcestershire"]
    client.force_login(charlie)
    assert rows_of(client.get(reverse("dashboard"))) == ["Herefordshire"]


def test_the_red_and_overdue_filters_narrow_the_rows_and_stay_in_the_address(client, dora, priority, worcester_case):
    issued_direction(worcester_case, D(2017, 3, 8))
    rate(priority, "red", by=dora)
    overdue_deadline(priority.instrument.intervention, days=10)
    overdue_deadline(worcester_case, days=3)
    client.force_login(dora)
    response = client.get(reverse("dashboard"), {"red": "true", "overdue": "yes"})
    assert rows_of(response) == ["Herefordshire"]
    page = response.content.decode()
    assert "Any service priority rated red" in page  # shown under "Selected filters"
    # The export links carry the filters, so the download is what the page shows.
    assert "export.xlsx?red=true&amp;overdue=yes" in page
    assert rows_of(client.get(reverse("dashboard"), {"overdue": "no"})) == []


def test_the_overdue_filter_counts_only_open_deadlines_past_their_date(client, dora, both_cases):
    """A deadline met, one moved past today and one still to come are not overdue; one open and past
    its date is, in whichever case it is."""
    hereford, worcester = both_cases
    met = overdue_deadline(hereford, days=30, what="Met already")
    met.status = DeadlineStatus.MET
    met.save()
    moved = overdue_deadline(hereford, days=5, what="Moved")
    moved.override_on = timezone.localdate() + datetime.timedelta(days=10)
    moved.save()
    overdue_deadline(hereford, days=-3, what="Still to come")
    overdue_deadline(worcester, days=1)
    client.force_login(dora)
    assert rows_of(client.get(reverse("dashboard"), {"overdue": "yes"})) == ["Worcestershire"]
    assert rows_of(client.get(reverse("dashboard"), {"overdue": "no"})) == ["Herefordshire"]


def test_my_cases_are_the_cases_i_am_appointed_to(client, dora, both_cases):
    hereford, _ = both_cases
    AppointmentFactory(person=dora.person, intervention=hereford, role=Role.DFE_CASE_LEAD)
    client.force_login(dora)
    assert rows_of(client.get(reverse("dashboard"), {"mine": "true"})) == ["Herefordshire"]


def test_sorting_by_oldest_overdue_puts_the_oldest_first_and_says_so(client, dora, both_cases):
    hereford, worcester = both_cases
    overdue_deadline(hereford, days=5)
    overdue_deadline(worcester, days=40)
    client.force_login(dora)
    response = client.get(reverse("dashboard"), {"sort": "oldest_overdue"})
    assert rows_of(response) == ["Worcestershire", "Herefordshire"]
    assert response.context["headers"]["oldest_overdue"]["aria_sort"] == "ascending"
    assert 'aria-sort="ascending"' in response.content.decode()
    # The heading's link now sorts the other way.
    assert "sort=-oldest_overdue" in response.context["headers"]["oldest_overdue"]["url"]
    assert rows_of(client.get(reverse("dashboard"), {"sort": "-oldest_overdue"})) == ["Herefordshire", "Worcestershire"]


def test_the_stage_tells_a_497a_4a_direction_apart(client, dora, hereford_case):
    direction = issued_direction(hereford_case, D(2023, 3, 1))
    type(direction).objects.filter(pk=direction.pk).update(legal_basis="497A(4A)")
    client.force_login(dora)
    response = client.get(reverse("dashboard"), {"stage": "direction_4a"})
    assert rows_of(response) == ["Herefordshire"]
    assert "Direction, services moved (497A(4A))" in response.content.decode()


def test_the_picture_counts_only_the_cases_each_person_sees(client, dora, charlie, both_cases):
    """The counting queries are built once a day for each way of seeing cases: DfE's and a
    commissioner's pictures on the same day are still their own."""
    client.force_login(dora)
    assert client.get(reverse("dashboard")).context["now"].cases == 2
    client.force_login(charlie)
    assert client.get(reverse("dashboard")).context["now"].cases == 1
    client.force_login(dora)
    assert client.get(reverse("dashboard")).context["now"].cases == 2


def test_the_rows_follow_an_appointment_made_or_ended_during_the_day(client, charlie, both_cases):
    """The same filters and sort, asked again, show the cases the person may see now."""
    _, worcester = both_cases
    filters = {"stage": "direction", "sort": "-stage"}
    client.force_login(charlie)
    assert rows_of(client.get(reverse("dashboard"), filters)) == ["Herefordshire"]
    appointed = AppointmentFactory(person=charlie.person, intervention=worcester, role=Role.COMMISSIONER)
    client.force_login(charlie)  # a new request: its access is worked out afresh
    assert sorted(rows_of(client.get(reverse("dashboard"), filters))) == ["Herefordshire", "Worcestershire"]
    appointed.delete()
    charlie.person.appointments.update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(charlie)
    assert rows_of(client.get(reverse("dashboard"), filters)) == []


def test_someone_whose_appointment_has_ended_sees_an_empty_picture_not_an_error(client, hereford_case):
    """Nothing to count is an answer: no case, no rating, now or a year ago."""
    from tests.conftest import _member

    former = _member("former@commissioner.example", "Fran Former", Organisation.INDEPENDENT, is_staff=True)
    AppointmentFactory(
        person=former.person,
        intervention=hereford_case,
        role=Role.COMMISSIONER,
        starts_on=D(2023, 1, 1),
        ends_on=D(2023, 6, 30),
    )
    client.force_login(former)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert response.context["now"].cases == 0
    assert response.context["then"].cases == 0


def test_the_picture_counts_stages_and_ratings_now_and_a_year_ago(client, dora, priority):
    rate(priority, "green", period_end=D(2023, 4, 30), by=dora)
    rate(priority, "red", period_end=timezone.localdate().replace(day=1), by=dora)
    client.force_login(dora)
    response = client.get(reverse("dashboard"))
    now, then = response.context["now"], response.context["then"]
    assert now.rags["red"] == 1 and then.rags["green"] == 1
    assert sum(now.stages.values()) == 1
    page = response.content.decode()
    assert "Open cases by stage" in page and "<svg" in page


def test_a_year_ago_each_rating_counts_as_it_was_recorded_then(client, dora, priority):
    a_year_ago = dashboard.a_year_before(timezone.localdate())
    rated_on = a_year_ago - datetime.timedelta(days=60)
    with time_machine.travel(rated_on):
        update = rate(priority, "amber", period_end=rated_on.replace(day=1), by=dora)
    update.rag = "red"  # corrected since: the record says red now, and said amber a year ago
    update.save()
    client.force_login(dora)
    response = client.get(reverse("dashboard"))
    now, then = response.context["now"], response.context["then"]
    assert (now.rags["red"], now.rags["amber"]) == (1, 0)
    assert (then.rags["red"], then.rags["amber"]) == (0, 1)


def test_the_export_has_the_rows_of_the_page_with_dates_as_dates(client, dora, both_cases):
    hereford, _ = both_cases
    overdue_deadline(hereford, days=5)
    overdue_deadline(hereford, days=-10, what='=HYPERLINK("http://evil.example")')  # the next one due
    client.force_login(dora)
    response = client.get(reverse("dashboard_export", args=["xlsx"]), {"overdue": "yes"})
    assert response["Content-Disposition"].startswith('attachment; filename="dashboard-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Local authority"
    assert [row[0] for row in rows[1:]] == ["Herefordshire"]
    oldest = rows[1][7]
    assert isinstance(oldest, datetime.datetime)
    assert oldest.date() == timezone.localdate() - datetime.timedelta(days=5)
    # A formula typed into a record is text in the spreadsheet, never a formula.
    formula = sheet.cell(row=2, column=10)
    assert formula.value == '=HYPERLINK("http://evil.example")'
    assert formula.data_type != "f"


def report(case, kind: str, title: str, *, by, signed_off_on=None, versions: int = 1):
    """A report with `versions` drafts, the last signed off on the day given (none: not signed off)."""
    from reviews.models import Report, ReportVersion

    made = Report.objects.create(intervention=case, kind=kind, title=title, classification="OFFICIAL", created_by=by)
    for number in range(1, versions + 1):
        final = signed_off_on is not None and number == versions
        ReportVersion.objects.create(
            report=made, number=number, requested_by=by, is_final=final, signed_off_on=signed_off_on if final else None
        )
    return made


def test_the_latest_report_to_the_minister_is_the_latest_signed_off_one(client, dora, both_cases):
    hereford, worcester = both_cases
    report(hereford, "progress", "Older progress report", by=dora, signed_off_on=D(2024, 2, 1))
    latest = report(
        hereford, "ministerial_update", "Latest <update> & more", by=dora, signed_off_on=D(2024, 6, 3), versions=3
    )
    report(hereford, "progress", "Draft, never signed off", by=dora, versions=2)  # the newest made, not signed
    report(hereford, "highlight", "A highlight report", by=dora, signed_off_on=D(2024, 9, 9))  # not to the Minister
    report(worcester, "progress", "Only drafts", by=dora)
    client.force_login(dora)
    rows = {row["case"].local_authority.name: row for row in client.get(reverse("dashboard")).context["rows"]}
    assert (rows["Herefordshire"]["case"].report_title, rows["Herefordshire"]["case"].report_id) == (
        "Latest <update> & more",
        latest.pk,
    )
    assert (
        'Latest &lt;update&gt; &amp; more</a><br><span class="govuk-body-s">signed off 3 Jun 2024</span>'
        in (rows["Herefordshire"]["html"])
    )
    assert rows["Worcestershire"]["case"].report_title is None
    response = client.get(reverse("dashboard_export", args=["csv"]))
    lines = {line[0]: line for line in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))}
    assert lines["Herefordshire"][-2:] == ["Latest <update> & more", "2024-06-03"]
    assert lines["Worcestershire"][-2:] == ["", ""]


def test_each_reader_sees_the_latest_report_they_may_read(client, dora, alice, hereford_case):
    """A report to the Minister signed off as OFFICIAL-SENSITIVE is not the council's to read: DfE sees
    it as the latest, the council's officer the one before, whoever asked first."""
    report(hereford_case, "progress", "Official report", by=dora, signed_off_on=D(2024, 2, 1))
    sensitive = report(hereford_case, "progress", "Sensitive report", by=dora, signed_off_on=D(2024, 6, 3))
    sensitive.classification = "OFFICIAL-SENSITIVE"
    sensitive.save()

    def latest_report(user) -> str | None:
        client.force_login(user)
        return client.get(reverse("dashboard")).context["rows"][0]["case"].report_title

    assert [latest_report(user) for user in (alice, dora, alice, dora)] == [
        "Official report",
        "Sensitive report",
        "Official report",
        "Sensitive report",
    ]


def test_csv_neutralises_formulas(client, dora, hereford_case):
    overdue_deadline(hereford_case, days=5, what="=1+2")
    client.force_login(dora)
    response = client.get(reverse("case_deadlines_export", args=[hereford_case.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == "'=1+2"


def test_an_unknown_format_is_not_found(client, dora):
    client.force_login(dora)
    assert client.get(reverse("dashboard_export", args=["pdf"])).status_code == 404


def test_long_lists_elide_their_page_links(client, dora, hereford_case):
    for days in range(1, 60 * 12):
        overdue_deadline(hereford_case, days=days)
    client.force_login(dora)
    page = client.get(reverse("case_deadlines", args=[hereford_case.pk]), {"overdue_page": "6"}).content.decode()
    assert "govuk-pagination__item--ellipses" in page
    assert 'aria-label="Page 3"' not in page  # left out: first, …, 4 5 [6] 7 8, …, last
    assert 'aria-label="Page 4"' in page


def test_nonsense_in_the_address_is_ignored_never_a_server_error(client, dora, both_cases):
    client.force_login(dora)
    for query in (
        {"commissioner": "99999999999999999999"},
        {"commissioner": "abc"},
        {"sort": "nonsense"},
        {"stage": "xyz", "overdue": "maybe", "region": "Atlantis"},
        {"page": "abc"},
    ):
        response = client.get(reverse("dashboard"), query)
        assert response.status_code == 200, query
        assert sorted(rows_of(response)) == ["Herefordshire", "Worcestershire"], query


def test_the_case_page_draws_the_cases_timeline_with_its_table(client, dora, hereford_case):
    issued_direction(hereford_case, D(2023, 3, 1))
    client.force_login(dora)
    page = client.get(reverse("intervention_detail", args=[hereford_case.pk])).content.decode()
    assert f'id="case-{hereford_case.pk}-timeline-title"' in page
    assert "Statutory direction issued" in page  # in the table beside the picture


def test_the_case_timeline_lists_the_latest_events_with_a_link_to_earlier_ones(client, dora, hereford_case):
    from reviews.models import Review
    from reviews.models.reviewing import ReviewKind, ReviewStatus

    issued_direction(hereford_case, D(2022, 9, 21))
    for month in range(1, 13):  # twelve reviews held in 2023: thirteen events with the direction
        Review.objects.create(
            intervention=hereford_case,
            kind=ReviewKind.QUARTERLY_EVIDENCE,
            period_start=D(2023, month, 1),
            period_end=D(2023, month, 28),
            held_on=D(2023, month, 28),
            status=ReviewStatus.HELD,
        )
    client.force_login(dora)
    url = reverse("intervention_detail", args=[hereford_case.pk])

    latest = client.get(url).content.decode()
    earlier = client.get(url, {"timeline_page": "2"}).content.decode()

    held = '<td class="govuk-table__cell">Quarterly evidence review held</td>'  # a row of the table
    assert latest.count(held) == 10
    assert "28 Dec 2023" in latest and "28 Mar 2023" in latest and "28 Feb 2023" not in latest
    assert "Statutory direction issued" not in latest
    assert "timeline_page=2#timeline" in latest and "Earlier events" in latest
    assert earlier.count(held) == 2
    assert "Statutory direction issued" in earlier and "28 Feb 2023" in earlier
    assert "timeline_page=1#timeline" in earlier and "Later events" in earlier and "Earlier events" not in earlier


def test_ties_under_a_worked_out_sort_go_by_the_authoritys_name_read_for_each_case_not_joined(client, dora, both_cases):
    hereford, worcester = both_cases
    overdue_deadline(hereford, days=5)
    overdue_deadline(worcester, days=5)
    client.force_login(dora)
    assert rows_of(client.get(reverse("dashboard"), {"sort": "oldest_overdue"})) == ["Herefordshire", "Worcestershire"]
    assert rows_of(client.get(reverse("dashboard"), {"sort": "-oldest_overdue"})) == ["Herefordshire", "Worcestershire"]
    # The planner, guessing a filtered case or two, joined by scanning every authority for each case.
    filtered = DashboardFilter(
        {"sort": "oldest_overdue"}, queryset=dashboard.dashboard_cases(dora), user=dora, today=timezone.localdate()
    )
    case_ids = str(filtered.qs.values_list("pk", flat=True).query)
    assert 'JOIN "intervention_localauthority"' not in case_ids


def test_the_commissioner_choices_follow_each_appointment_and_each_reader_and_are_escaped(
    client, dora, charlie, both_cases
):
    _, worcester = both_cases
    client.force_login(dora)
    client.get(reverse("dashboard"))  # the choices' SQL compiled for dora today
    AppointmentFactory(person__name="<script>Smith & Co", intervention=worcester, role=Role.COMMISSIONER)
    page = client.get(reverse("dashboard")).content.decode()
    assert "&lt;script&gt;Smith &amp; Co" in page
    assert "<script>Smith" not in page
    # Charlie sees only Herefordshire's appointments, so not Worcestershire's new commissioner.
    client.force_login(charlie)
    assert "Smith &amp; Co" not in client.get(reverse("dashboard")).content.decode()
