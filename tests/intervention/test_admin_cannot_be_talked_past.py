"""The admin writes only what the permission module allows, whatever view is asked: the history
version page, crafted change forms, another council's ids. Each test is a way in that once worked."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from intervention import services
from intervention.enums import Organisation, Role
from intervention.models import (
    COUNCIL_ROLE_NEEDS_THE_COUNCILS_STAFF,
    DFE_ROLE_NEEDS_DFE_STAFF,
    OVERSIGHT_ROLE_NOT_FOR_THE_COUNCILS_STAFF,
    Appointment,
    Intervention,
    LocalAuthority,
    Person,
)
from intervention.permissions import access_for
from intervention.stale import version_of
from tests.factories import AppointmentFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def history_version_url(obj) -> str:
    meta = obj._meta
    version = obj.history.first().history_id
    return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/history/{version}/"


def test_a_commissioner_cannot_make_herself_dfe_through_the_history_version_form(client, charlie, worcester_case):
    person = charlie.person
    client.force_login(charlie)
    response = client.post(history_version_url(person), {"name": person.name, "organisation": Organisation.DFE})
    assert response.status_code == 405
    person.refresh_from_db()
    assert person.organisation == Organisation.INDEPENDENT
    assert not access_for(charlie).sees_everything


def test_a_commissioner_cannot_move_her_case_through_the_history_version_form(
    client, charlie, hereford_case, worcestershire
):
    client.force_login(charlie)
    before = hereford_case.history.count()
    response = client.post(
        history_version_url(hereford_case),
        {"local_authority": worcestershire.pk, "opened_on": "2021-05-18", "service_area": "childrens_social_care"},
    )
    assert response.status_code == 405
    hereford_case.refresh_from_db()
    assert hereford_case.local_authority.name == "Herefordshire"
    assert hereford_case.history.count() == before


def test_an_old_version_is_shown_to_read_not_to_submit(client, charlie, hereford_case):
    client.force_login(charlie)
    response = client.get(history_version_url(hereford_case))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="local_authority"' not in body
    assert 'type="submit"' not in body.split('id="content-main"')[1]
    assert "Herefordshire" in body


def test_another_councils_history_version_is_not_found(client, charlie, worcester_case):
    client.force_login(charlie)
    assert client.get(history_version_url(worcester_case)).status_code == 404


def test_read_only_admins_write_nothing_through_the_history_version_form(client, dora, hereford_case):
    from reviews.models import Report

    report = Report.objects.create(
        intervention=hereford_case,
        kind="highlight",
        title="Highlight report",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 2, 11),
        created_by=dora,
    )
    client.force_login(dora)
    before = report.history.count()
    response = client.post(history_version_url(report), {"title": "Rewritten"})
    assert response.status_code == 405
    report.refresh_from_db()
    assert report.title == "Highlight report"
    assert report.history.count() == before


def test_a_former_commissioner_loses_the_admin_the_day_his_appointment_ends(client, hereford_case, worcester_case):
    former = UserFactory(username="former@commissioner.example", is_staff=True)
    PersonFactory(user=former, organisation=Organisation.INDEPENDENT)
    AppointmentFactory(
        person=former.person,
        intervention=hereford_case,
        starts_on=datetime.date(2021, 1, 1),
        ends_on=datetime.date(2022, 1, 1),
    )
    client.force_login(former)
    assert client.get("/admin/").status_code == 302
    response = client.post(
        history_version_url(former.person),
        {"name": "Former", "organisation": Organisation.COUNCIL, "local_authority": worcester_case.local_authority_id},
    )
    assert response.status_code in (302, 405)
    former.person.refresh_from_db()
    assert former.person.organisation == Organisation.INDEPENDENT


def test_a_staff_account_with_no_person_cannot_use_the_admin(client, herefordshire):
    loose = UserFactory(username="loose@casework.example", is_staff=True)
    client.force_login(loose)
    assert client.get("/admin/").status_code == 302
    response = client.post(
        f"/admin/intervention/localauthority/{herefordshire.pk}/change/",
        {"name": "Renamed", "gss_code": herefordshire.gss_code, "dfe_code": herefordshire.dfe_code},
    )
    assert response.status_code == 302
    assert LocalAuthority.objects.get(pk=herefordshire.pk).name == "Herefordshire"


def test_the_admin_link_follows_access_not_the_staff_flag(client, alice, dora):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)
    assert client.get("/admin/").status_code == 302
    client.force_login(dora)
    assert client.get("/admin/").status_code == 200


def test_dfe_cannot_move_a_case_to_another_council_in_the_admin(client, dora, hereford_case, worcestershire):
    client.force_login(dora)
    response = client.post(
        f"/admin/intervention/intervention/{hereford_case.pk}/change/",
        {
            "local_authority": worcestershire.pk,
            "opened_on": "2021-05-18",
            "service_area": hereford_case.service_area,
            "summary": "Moved?",
            "appointments-TOTAL_FORMS": 0,
            "appointments-INITIAL_FORMS": 0,
            "delivery_models-TOTAL_FORMS": 0,
            "delivery_models-INITIAL_FORMS": 0,
            "seen_version": version_of(Intervention, hereford_case.pk),
        },
    )
    assert response.status_code in (200, 302)
    assert Intervention.objects.get(pk=hereford_case.pk).local_authority.name == "Herefordshire"


def test_a_case_cannot_be_moved_by_any_code_path_that_validates(hereford_case, worcestershire):
    hereford_case.local_authority = worcestershire
    with pytest.raises(ValidationError) as refused:
        hereford_case.full_clean()
    assert "belongs to Herefordshire" in str(refused.value)


def test_an_appointment_cannot_be_moved_to_another_case(charlie, hereford_case, worcester_case):
    appointment = Appointment.objects.get(person=charlie.person)
    appointment.intervention = worcester_case
    with pytest.raises(ValidationError):
        appointment.full_clean()


@pytest.mark.parametrize(
    ("who", "role", "message"),
    [
        ("charlie", Role.DFE_CASE_LEAD, DFE_ROLE_NEEDS_DFE_STAFF.format(role="dfe case lead")),
        (
            "bob",
            Role.COUNCIL_OFFICER,
            COUNCIL_ROLE_NEEDS_THE_COUNCILS_STAFF.format(authority="Herefordshire", role="council officer"),
        ),
        (
            "alice",
            Role.COMMISSIONER,
            OVERSIGHT_ROLE_NOT_FOR_THE_COUNCILS_STAFF.format(authority="Herefordshire", role="commissioner"),
        ),
    ],
    ids=["only DfE staff hold DfE roles", "only the council's staff hold its roles", "nobody oversees their own"],
)
def test_an_appointment_fits_the_persons_organisation(request, hereford_case, who, role, message):
    person = request.getfixturevalue(who).person
    with pytest.raises(ValidationError) as refused:
        services.appoint(
            person=person, intervention=hereford_case, role=role, starts_on=datetime.date(2023, 1, 1), by=None
        )
    assert message in str(refused.value)
    assert not Appointment.objects.filter(person=person, role=role).exists()


def test_another_councils_view_on_site_answers_as_a_missing_one_does(client, charlie, worcester_case):
    client.force_login(charlie)
    content_type = ContentType.objects.get_for_model(Intervention)
    foreign = client.get(f"/admin/r/{content_type.pk}/{worcester_case.pk}/")
    missing = client.get(f"/admin/r/{content_type.pk}/999999/")
    assert foreign.status_code == missing.status_code == 404


def test_view_on_site_still_leads_to_ones_own_case(client, charlie, hereford_case):
    client.force_login(charlie)
    content_type = ContentType.objects.get_for_model(Intervention)
    response = client.get(f"/admin/r/{content_type.pk}/{hereford_case.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/interventions/{hereford_case.pk}/")


@pytest.mark.parametrize("parameter", ["priority", "action", "instruction"])
@pytest.mark.parametrize("value", ["abc", "1e5", "99999999999999999999"])
def test_a_nonsense_subject_on_the_progress_form_is_not_found(client, alice, hereford_case, parameter, value):
    client.force_login(alice)
    response = client.get(f"/interventions/{hereford_case.pk}/progress/new/", {parameter: value})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "intervention__local_authority__id__exact=99999999999999999999",
        "intervention__local_authority__id__exact=abc",
        "status=nonsense",
        "issued_on__gte=0001-13-45",
    ],
)
def test_a_nonsense_admin_filter_is_not_a_server_error(client, dora, hereford_case, query):
    client.force_login(dora)
    response = client.get(f"/admin/directions/instruction/?{query}")
    assert response.status_code in (200, 302)


def test_a_person_of_another_organisation_sees_only_themselves(client, charlie):
    other = PersonFactory(name="Someone Else")
    client.force_login(charlie)
    assert client.get(f"/admin/intervention/person/{other.pk}/change/").status_code == 302
    assert Person.objects.get(pk=other.pk).name == "Someone Else"


def test_no_admin_page_is_a_server_error_for_nonsense_in_the_address(client, administrator, hereford_case):
    from django.contrib import admin

    client.force_login(administrator)
    errors = []
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls = [f"{base}abc/change/", f"{base}abc/history/", f"{base}99999999999999999999/history/"]
        if model_admin.date_hierarchy:
            urls.append(f"{base}?{model_admin.date_hierarchy}__year=99999999999999999999")
        for url in urls:
            status = client.get(url).status_code
            if status >= 500:
                errors.append(f"{url}: {status}")
    assert errors == []
