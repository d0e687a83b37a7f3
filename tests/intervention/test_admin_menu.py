"""The admin's side menu (and its index) is built once for each person's access and reused
(`CaseworkAdminSite._build_app_dict`): it must list exactly what Django's own build lists for that
person, and follow their access when it changes."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.test import RequestFactory

from intervention.models import Appointment
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def request_by(user, path="/admin/"):
    request = RequestFactory().get(path)
    request.user = type(user).objects.get(pk=user.pk)  # a new request: access read afresh
    return request


def djangos_own(user, label=None):
    return AdminSite._build_app_dict(admin.site, request_by(user), label)


@pytest.mark.parametrize("who", ["administrator", "dora", "charlie"])
@pytest.mark.parametrize("label", [None, "directions", "auth"])
def test_the_menu_lists_what_djangos_own_build_lists(request, who, label):
    user = request.getfixturevalue(who)

    first = admin.site._build_app_dict(request_by(user), label)
    again = admin.site._build_app_dict(request_by(user), label)

    assert first == again == djangos_own(user, label)
    assert admin.site.get_app_list(request_by(user)) == admin.site.get_app_list(request_by(user))


def test_a_page_that_changes_its_menu_does_not_change_the_next_ones(dora):
    menu = admin.site._build_app_dict(request_by(dora))
    menu["directions"]["models"].clear()
    menu["directions"]["models"] = []

    assert admin.site._build_app_dict(request_by(dora))["directions"]["models"]


def test_the_menu_follows_a_new_appointment(charlie, worcester_case, dora):
    before = admin.site._build_app_dict(request_by(charlie))
    appointment = Appointment.objects.get(person=charlie.person)
    Appointment.objects.filter(pk=appointment.pk).update(ends_on=datetime.date(2023, 1, 1))

    assert admin.site._build_app_dict(request_by(charlie)) == djangos_own(charlie) == {}
    AppointmentFactory(person=charlie.person, intervention=worcester_case)
    assert admin.site._build_app_dict(request_by(charlie)) == before


def test_the_menu_is_built_once_for_each_access(dora, monkeypatch):
    from directions.models import Instrument

    instruments = admin.site._registry[Instrument]
    asked = []
    original = type(instruments).has_module_permission
    monkeypatch.setattr(
        type(instruments), "has_module_permission", lambda self, request: asked.append(1) or original(self, request)
    )
    getattr(admin.site, "_menus", {}).clear()  # built afresh for this test's people

    admin.site._build_app_dict(request_by(dora))
    built_once = len(asked)
    for _ in range(3):
        admin.site._build_app_dict(request_by(dora))

    assert built_once > 0
    assert len(asked) == built_once
