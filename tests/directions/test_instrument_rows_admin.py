"""An issued instrument's service priorities and reporting obligations: text on the instrument's page,
each changed on its own page by those who may, scoped like every admin page."""

import datetime

import pytest

from directions import services
from directions.enums import Cadence, Deliverer, InstrumentKind, LegalBasis, Part, Recipient
from directions.models import Clause, Instrument, ReportingObligation, ServicePriority
from reviews.models import Deadline
from reviews.tasks import materialise_deadlines
from tests.directions.test_admin import form_values
from tests.factories import UserFactory, issued_direction

pytestmark = pytest.mark.django_db

D = datetime.date


def quarterly_update(instrument: Instrument, **fields) -> ReportingObligation:
    return ReportingObligation.objects.create(
        instrument=instrument,
        what="Quarterly written update",
        deliverer=Deliverer.COMMISSIONER,
        recipient=Recipient.MINISTER,
        cadence=Cadence.EVERY_N_MONTHS,
        anchor_on=instrument.issued_on,
        interval=3,
        **fields,
    )


def save_checked(client, url, values):
    """Post the form as DfE would: if the page asks to check the dates, check them and save again."""
    response = client.post(url, values)
    if response.status_code == 200:
        assert "Check the dates" in response.text, response.context["adminform"].form.errors
        response = client.post(url, {**values, **form_values(response.text)})
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return response


def direction_with_rows(case) -> Instrument:
    """A direction drafted with a paragraph, a service priority and a quarterly report, then issued."""
    instrument = Instrument.objects.create(
        intervention=case,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title="Statutory direction",
        addressed_to=case.local_authority.council_name,
        issued_on=D(2023, 3, 1),
        signed_by_name="Dawn Dandy",
    )
    clause = Clause.objects.create(instrument=instrument, part=Part.OPERATIVE, label="7", position=7, text="Report")
    ServicePriority.objects.create(
        instrument=instrument, clause=clause, label="i", position=1, title="Reduce agency staff", short_name="Agency"
    )
    quarterly_update(instrument, clause=clause)
    issuer = UserFactory(is_superuser=True, username="issuer@casework.example")
    return services.issue_instrument(instrument=instrument, by=issuer)


def test_dfe_read_the_rows_as_text_with_a_link_to_change_each(client, dora, hereford_case):
    direction = direction_with_rows(hereford_case)
    client.force_login(dora)
    page = client.get(f"/admin/directions/instrument/{direction.pk}/change/").text
    obligation, priority = direction.reporting_obligations.get(), direction.service_priorities.get()
    sentence = obligation.describe()
    assert "3 months" in sentence and sentence[0].upper() + sentence[1:] in page  # the cadence read back
    assert f'href="/admin/directions/reportingobligation/{obligation.pk}/change/"' in page
    assert f'href="/admin/directions/servicepriority/{priority.pk}/change/"' in page
    assert f'href="/admin/directions/reportingobligation/add/?instrument={direction.pk}"' in page
    assert 'name="reporting_obligations-0-interval"' not in page  # not a form on this page


def test_a_commissioner_reads_the_rows_without_links_to_change_them(client, charlie, hereford_case):
    direction = direction_with_rows(hereford_case)
    client.force_login(charlie)
    page = client.get(f"/admin/directions/instrument/{direction.pk}/change/").text
    assert "Quarterly written update" in page and "Reduce agency staff" in page
    obligation = direction.reporting_obligations.get()
    assert f"/admin/directions/reportingobligation/{obligation.pk}/change/" not in page
    assert "/admin/directions/reportingobligation/add/" not in page
    response = client.post(f"/admin/directions/reportingobligation/{obligation.pk}/change/", {"interval": "6"})
    assert response.status_code == 403
    obligation.refresh_from_db()
    assert obligation.interval == 3


def open_dates(obligation: ReportingObligation) -> set[datetime.date]:
    deadlines = Deadline.objects.filter(obligation=obligation, status="open", computed_on__gte=D(2023, 4, 1))
    return set(deadlines.values_list("computed_on", flat=True))


def test_dfe_change_an_obligations_cadence_on_its_page_and_its_future_deadlines_follow(
    client, dora, hereford_case, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2023, 4, 1, 12, tzinfo=datetime.UTC))
    direction = direction_with_rows(hereford_case)
    obligation = direction.reporting_obligations.get()
    materialise_deadlines(intervention_id=hereford_case.pk)  # as the worker does after the issue
    assert D(2023, 6, 1) in open_dates(obligation)
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/{obligation.pk}/change/"
    values = form_values(client.get(url).text)
    values |= {"interval": "6", "change_reason": "The direction says six-monthly"}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        save_checked(client, url, values)
    assert callbacks, "saving the obligation asks the worker to move its deadlines"
    materialise_deadlines(intervention_id=hereford_case.pk)  # what the worker then does
    obligation.refresh_from_db()
    assert obligation.interval == 6
    assert obligation.history.latest().history_user == dora
    assert D(2023, 9, 1) in open_dates(obligation) and D(2023, 6, 1) not in open_dates(obligation)


def test_a_paragraph_of_another_instrument_is_refused_and_what_was_typed_is_kept(client, dora, hereford_case):
    direction = direction_with_rows(hereford_case)
    other = issued_direction(hereford_case, D(2024, 1, 10), clauses=("Another paragraph",))
    obligation = direction.reporting_obligations.get()
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/{obligation.pk}/change/"
    values = form_values(client.get(url).text)
    values |= {"clause": other.clauses.get().pk, "what": "Quarterly written update (revised)"}
    response = client.post(url, values)
    assert response.status_code == 200
    assert "Select a valid choice" in response.text  # only this direction's paragraphs are offered
    assert 'value="Quarterly written update (revised)"' in response.text
    obligation.clause_id = other.clauses.get().pk
    with pytest.raises(Exception, match="Choose a paragraph of this notice or direction"):
        obligation.full_clean()


def test_dfe_add_an_obligation_to_an_issued_direction_from_its_page(client, dora, hereford_case):
    direction = direction_with_rows(hereford_case)
    client.force_login(dora)
    url = f"/admin/directions/reportingobligation/add/?instrument={direction.pk}"
    page = client.get(url).text
    clause = direction.clauses.get()
    assert f'<option value="{clause.pk}">' in page  # the direction's own paragraphs
    save_checked(
        client,
        url,
        {
            "instrument": direction.pk,
            "what": "Progress report to the Minister",
            "deliverer": Deliverer.COMMISSIONER,
            "recipient": Recipient.MINISTER,
            "cadence": Cadence.FIXED_DATE,
            "due_on": "2023-09-01",
            "clause": clause.pk,
        },
    )
    added = direction.reporting_obligations.get(what="Progress report to the Minister")
    assert added.history.get().history_user == dora
    materialise_deadlines(intervention_id=hereford_case.pk)
    assert Deadline.objects.filter(obligation=added, computed_on=D(2023, 9, 1)).exists()


def test_a_priority_keeps_its_documents_words_but_its_short_name_changes(client, dora, hereford_case):
    direction = direction_with_rows(hereford_case)
    priority = direction.service_priorities.get()
    client.force_login(dora)
    url = f"/admin/directions/servicepriority/{priority.pk}/change/"
    form = client.get(url).context["adminform"].form
    assert "title" not in form.fields and "label" not in form.fields
    values = form_values(client.get(url).text) | {"short_name": "Agency social workers", "title": "Rewritten"}
    assert client.post(url, values).status_code == 302
    priority.refresh_from_db()
    assert (priority.short_name, priority.title) == ("Agency social workers", "Reduce agency staff")
    assert client.get("/admin/directions/servicepriority/add/").status_code == 403


def test_the_rows_pages_are_scoped_to_the_commissioners_cases_and_closed_to_council_officers(
    client, charlie, alice, hereford_case, worcester_case
):
    mine = direction_with_rows(hereford_case)
    theirs = issued_direction(worcester_case, D(2017, 3, 8))
    quarterly_update(theirs)
    client.force_login(charlie)
    listed = client.get("/admin/directions/reportingobligation/").context["cl"].queryset
    assert list(listed) == [mine.reporting_obligations.get()]
    their_obligation = theirs.reporting_obligations.get()
    assert client.get(f"/admin/directions/reportingobligation/{their_obligation.pk}/change/").status_code == 302
    client.force_login(alice)
    for url in [
        "/admin/directions/reportingobligation/",
        f"/admin/directions/reportingobligation/{mine.reporting_obligations.get().pk}/change/",
        "/admin/directions/reportingobligation/add/",
        "/admin/directions/servicepriority/",
        f"/admin/directions/servicepriority/{mine.service_priorities.get().pk}/change/",
    ]:
        assert client.get(url).status_code == 302, url
