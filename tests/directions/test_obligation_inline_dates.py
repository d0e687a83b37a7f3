"""Issue 13, loose ends: the "check the dates" preview is on the draft instrument's page too. Each
saved obligation in the instrument's obligations shows the first dates its rule gives, so DfE sees a
"first by 31 December, then quarterly" reading before issuing, without opening each obligation."""

import datetime

import pytest

from directions.enums import InstrumentKind, LegalBasis
from directions.models import Instrument
from tests.directions.test_instrument_rows_admin import quarterly_update

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_draft_instruments_obligations_show_the_first_dates_each_gives(client, dora, hereford_case, time_machine):
    time_machine.move_to(datetime.datetime(2024, 1, 10, 12, tzinfo=datetime.UTC))
    draft = Instrument.objects.create(
        intervention=hereford_case,
        kind=InstrumentKind.STATUTORY_DIRECTION,
        legal_basis=LegalBasis.SECTION_497A_4B,
        title="Statutory direction",
        addressed_to=hereford_case.local_authority.council_name,
        issued_on=D(2024, 1, 15),
        signed_by_name="Dawn Dandy",
    )
    obligation = quarterly_update(draft, anchor_is_due=True)
    obligation.anchor_on = D(2023, 12, 31)  # the first by 31 December, then quarterly
    obligation.save()

    client.force_login(dora)
    page = client.get(f"/admin/directions/instrument/{draft.pk}/change/").text
    assert 'name="reporting_obligations-0-interval"' in page  # the draft's rows are a form
    assert "First dates" in page
    assert (
        "31 December 2023, 31 March 2024, 30 June 2024, 30 September 2024, 31 December 2024, 31 March 2025, "
        "… and the last in the window, 30 June 2025 (7 in all)"
    ) in page
    assert "Shown once saved" in page  # the empty row for "Add another"
