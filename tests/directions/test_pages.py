"""The instrument's page reads like the document, with its revocation chain; the case lists its instruments."""

import datetime

import pytest

from directions.enums import Part
from directions.models import Clause, Instrument, TermsOfReference
from tests.factories import issued_direction

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised(dora, hereford_case):
    first = issued_direction(hereford_case, datetime.date(2022, 9, 21))
    draft = Instrument(
        intervention=hereford_case,
        kind="statutory_direction",
        legal_basis="497A(4B)",
        title="STATUTORY DIRECTION TO HEREFORDSHIRE COUNCIL IN RELATION TO CHILDREN'S SERVICES",
        addressed_to="Herefordshire Council",
        issued_on=datetime.date(2023, 3, 1),
        signed_by_name="Dawn Dandy",
        signed_by_title="A Senior Civil Servant in the Department for Education",
        revokes=first,
    )
    draft.save()
    Clause.objects.create(instrument=draft, part=Part.RECITAL, label="1", text="Having considered Ofsted's report")
    seven = Clause.objects.create(
        instrument=draft, label="7", position=7, text="the Secretary of State directs the Council as follows:"
    )
    b = Clause.objects.create(
        instrument=draft, parent=seven, label="b", position=2, text="To co-operate with the Commissioner"
    )
    Clause.objects.create(instrument=draft, parent=b, label="i", position=1, text="to any premises of the Council;")
    TermsOfReference.objects.create(instrument=draft, heading="Non-Executive Commissioner for Children's Services")
    Clause.objects.create(
        instrument=draft, part=Part.TERMS_OF_REFERENCE, label="1", text="To issue any necessary instructions"
    )
    from directions import services

    return services.issue_instrument(instrument=draft, by=dora)


def test_the_instrument_page_reads_like_the_document(client, alice, revised):
    client.force_login(alice)
    response = client.get(revised.get_absolute_url())
    text = response.text
    assert response.status_code == 200
    order = [
        "STATUTORY DIRECTION TO HEREFORDSHIRE COUNCIL",
        "WHEREAS:",
        "Having considered",
        "NOW THEREFORE:",
        "directs the Council",
        "To co-operate",
        "to any premises",
        "Signed on behalf of the Secretary of State",
        "Dawn Dandy",
        "Dated this 1st day of March 2023",
        "ANNEX",
        "Non-Executive Commissioner",
        "Terms of Reference",
        "To issue any necessary instructions",
    ]
    positions = [text.index(phrase) for phrase in order]
    assert positions == sorted(positions)


def test_the_revocation_chain_shows_on_both(client, alice, revised):
    client.force_login(alice)
    new_page = client.get(revised.get_absolute_url()).text
    assert "The statutory direction of 21 September 2022" in new_page
    old_page = client.get(revised.revokes.get_absolute_url()).text
    assert "Revoked on 1 March 2023" in old_page
    assert "The statutory direction of 1 March 2023" in old_page


def test_the_case_lists_its_instruments_in_order(client, alice, revised, hereford_case):
    client.force_login(alice)
    text = client.get(hereford_case.get_absolute_url()).text
    assert text.index("21 September 2022") < text.index("1 March 2023")
    assert "Revoked on 1 March 2023" in text
    assert "Statutory direction</strong>" in text  # the stage tag


def test_another_councils_officer_cannot_read_the_direction(client, bob, revised):
    client.force_login(bob)
    assert client.get(revised.get_absolute_url()).status_code == 404


def test_an_instrument_under_the_wrong_case_url_is_not_found(client, dora, revised, worcester_case):
    client.force_login(dora)
    assert client.get(f"/interventions/{worcester_case.pk}/instruments/{revised.pk}/").status_code == 404


def test_the_instrument_page_runs_a_fixed_number_of_queries(client, alice, revised, django_assert_max_num_queries):
    client.force_login(alice)
    client.get(revised.get_absolute_url())
    with django_assert_max_num_queries(14):
        client.get(revised.get_absolute_url())
