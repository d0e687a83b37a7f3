"""The admin, scoped by the permission module in every list, form and autocomplete."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_commissioner_lists_only_their_own_cases(client, charlie, hereford_case, worcester_case):
    client.force_login(charlie)
    response = client.get("/admin/intervention/intervention/")
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [hereford_case]


def test_a_commissioner_cannot_open_another_councils_case(client, charlie, worcester_case):
    client.force_login(charlie)
    response = client.get(f"/admin/intervention/intervention/{worcester_case.pk}/change/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"


def test_a_commissioner_sees_their_case_read_only(client, charlie, hereford_case):
    client.force_login(charlie)
    response = client.get(f"/admin/intervention/intervention/{hereford_case.pk}/change/")
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False


def test_a_commissioner_cannot_change_a_case_by_crafted_post(client, charlie, hereford_case):
    client.force_login(charlie)
    response = client.post(
        f"/admin/intervention/intervention/{hereford_case.pk}/change/",
        {"local_authority": hereford_case.local_authority_id, "opened_on": "2020-01-01", "service_area": "send"},
    )
    assert response.status_code == 403
    hereford_case.refresh_from_db()
    assert hereford_case.opened_on.year == 2021


def test_appointments_in_the_admin_are_scoped(client, charlie, hereford_case, worcester_case):
    from tests.factories import AppointmentFactory

    AppointmentFactory(intervention=worcester_case)
    client.force_login(charlie)
    response = client.get("/admin/intervention/appointment/")
    assert {a.intervention for a in response.context["cl"].queryset} == {hereford_case}


def test_the_intervention_autocomplete_is_scoped(client, charlie, hereford_case, worcester_case):
    client.force_login(charlie)
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "intervention", "model_name": "appointment", "field_name": "intervention", "term": ""},
    )
    assert [item["id"] for item in response.json()["results"]] == [str(hereford_case.pk)]


def test_nothing_can_be_deleted_even_by_dfe(client, dora, hereford_case):
    client.force_login(dora)
    response = client.post(f"/admin/intervention/intervention/{hereford_case.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert type(hereford_case).objects.filter(pk=hereford_case.pk).exists()


def test_dfe_staff_may_change_any_case(client, dora, worcester_case):
    client.force_login(dora)
    response = client.get(f"/admin/intervention/intervention/{worcester_case.pk}/change/")
    assert response.context["has_change_permission"] is True


def test_history_is_visible_in_the_admin(client, dora, hereford_case):
    client.force_login(dora)
    response = client.get(f"/admin/intervention/intervention/{hereford_case.pk}/history/")
    assert response.status_code == 200


def test_council_officers_cannot_use_the_admin(client, alice):
    client.force_login(alice)
    assert client.get("/admin/intervention/intervention/").status_code == 302


def test_the_intervention_form_draws_each_appointment_without_a_query_a_row(
    client, dora, hereford_case, django_assert_max_num_queries
):
    from intervention.enums import Role
    from tests.factories import AppointmentFactory

    for _ in range(12):
        AppointmentFactory(intervention=hereford_case, role=Role.COUNCIL_OFFICER)
    client.force_login(dora)
    url = f"/admin/intervention/intervention/{hereford_case.pk}/change/"
    client.get(url)

    with django_assert_max_num_queries(25):
        response = client.get(url)

    assert response.status_code == 200
    from django.utils.html import escape

    names = [a.person.name for a in hereford_case.appointments.select_related("person")]
    assert all(escape(name) in response.content.decode() for name in names)


def test_the_interventions_list_reads_each_stage_from_the_instruments_in_force_today(client, dora, hereford_case):
    import datetime

    from django.utils import timezone

    from directions import services
    from tests.factories import issued_direction

    today = timezone.localdate()
    revoked = issued_direction(hereford_case, today - datetime.timedelta(days=400))
    services.revoke_instrument(instrument=revoked, revoked_on=today, by=dora, reason="Intervention ended")
    client.force_login(dora)

    before_the_next = client.get("/admin/intervention/intervention/").content.decode()
    issued_direction(hereford_case, today + datetime.timedelta(days=1))
    with_one_to_come = client.get("/admin/intervention/intervention/").content.decode()

    type(revoked).objects.filter(pk=revoked.pk).update(revoked_on=None)  # never revoked: in force for a year
    with_one_in_force = client.get("/admin/intervention/intervention/").content.decode()

    assert '<td class="field-stage_label">No instrument in force</td>' in before_the_next
    assert '<td class="field-stage_label">No instrument in force</td>' in with_one_to_come
    assert '<td class="field-stage_label">Statutory direction</td>' in with_one_in_force


def test_the_intervention_form_lists_appointments_by_start_then_role_then_as_made(client, dora, hereford_case):
    import datetime

    from intervention.enums import Role
    from tests.factories import AppointmentFactory

    same_day = datetime.date(2024, 4, 1)
    first, second = (
        AppointmentFactory(intervention=hereford_case, role=Role.COUNCIL_OFFICER, starts_on=same_day) for _ in range(2)
    )
    earlier = AppointmentFactory(
        intervention=hereford_case, role=Role.COUNCIL_OFFICER, starts_on=same_day.replace(day=1, month=3)
    )
    client.force_login(dora)

    response = client.get(f"/admin/intervention/intervention/{hereford_case.pk}/change/")

    rows = [form.instance.pk for form in response.context["inline_admin_formsets"][0].formset.forms if form.instance.pk]
    assert rows.index(earlier.pk) < rows.index(first.pk) < rows.index(second.pk)


def test_the_intervention_form_lists_delivery_models_by_going_live_then_as_made(client, dora, hereford_case):
    import datetime

    from intervention.models import AlternativeDeliveryModel

    same_day = datetime.date(2024, 4, 1)
    first, second = (
        AlternativeDeliveryModel.objects.create(intervention=hereford_case, name=name, goes_live_on=same_day)
        for name in ("B", "A")
    )
    earlier = AlternativeDeliveryModel.objects.create(
        intervention=hereford_case, name="C", goes_live_on=same_day.replace(month=3)
    )
    client.force_login(dora)

    response = client.get(f"/admin/intervention/intervention/{hereford_case.pk}/change/")

    formset = response.context["inline_admin_formsets"][1].formset
    assert [row.pk for row in formset.get_queryset()] == [earlier.pk, first.pk, second.pk]
    assert "intervention_intervention" not in str(formset.get_queryset().query)  # no join to order one case's rows
