"""What the bench measures with: the case and the people (a council officer, the case's commissioner,
DfE staff), their signed-in clients, and every page a person uses, with who uses it.

A page is (name, role, kind, url). Roles: "dfe", "officer", "commissioner" (signed in); "dfe feed"
and "officer feed" (a calendar program: no sign-in, the secret address); "api" (a bearer token).
Kinds: "page", "admin" (the admin's query budget) and "export"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

DASHBOARD_FILTERS = "red=true&overdue=yes&stage=direction&sort=oldest_overdue"
API_LISTS = ["interventions", "deadlines", "instructions", "indicators", "reports"]


@dataclass
class Subjects:
    """The heaviest kind of case, a direction in force, with its council officer, its commissioner and
    a DfE member of staff, and a record of each kind the case pages show."""

    case: Any
    officer: Any
    commissioner: Any
    dfe: Any
    instruction: Any
    priority: Any
    indicator: Any
    instrument: Any
    obligation: Any
    feeds: dict[str, str]
    api_secret: str


def choose_subjects() -> Subjects:
    from django.utils import timezone

    from directions.models import Instruction, Instrument, ReportingObligation, ServicePriority
    from intervention.enums import Organisation, Role
    from intervention.models import Appointment, Intervention, Person
    from intervention.services import create_api_token
    from reviews.calendar import make_feed_token
    from reviews.models import Indicator

    today = timezone.localdate()
    # The heaviest kind of case, a direction in force (the 19th case generated is the first); a small
    # dataset may have none, and then its first open case.
    case = (
        Intervention.objects.open()
        .filter(instruments__kind="statutory_direction", instruments__revoked_on__isnull=True)
        .order_by("pk")
        .first()
    ) or Intervention.objects.open().order_by("pk")[0]
    officer = Person.objects.filter(
        organisation=Organisation.COUNCIL, local_authority=case.local_authority, user__isnull=False
    ).order_by("pk")[0]
    commissioner = (
        Appointment.objects.filter(intervention=case, role=Role.COMMISSIONER)
        .active_on(today)
        .select_related("person__user")
        .order_by("pk")[0]
        .person
    )
    dfe = Person.objects.filter(organisation=Organisation.DFE, appointments__isnull=True).order_by("pk")[0]
    priority = ServicePriority.objects.filter(instrument__intervention=case).order_by("pk")[0]
    instruction = (
        Instruction.objects.filter(intervention=case, status="complied").order_by("pk").first()
        or Instruction.objects.filter(intervention=case).order_by("pk")[0]
    )
    # A new calendar address and API token each run (the old address stops working; tokens are cheap).
    feeds = {"dfe feed": make_feed_token(user=dfe.user), "officer feed": make_feed_token(user=officer.user)}
    _, api_secret = create_api_token(name="make bench", by=dfe.user)
    return Subjects(
        case=case,
        officer=officer.user,
        commissioner=commissioner.user,
        dfe=dfe.user,
        instruction=instruction,
        priority=priority,
        indicator=Indicator.objects.filter(service_priority=priority).order_by("pk")[0],
        instrument=Instrument.objects.filter(intervention=case).order_by("-issued_on")[0],
        obligation=ReportingObligation.objects.filter(instrument__intervention=case).order_by("pk")[0],
        feeds=feeds,
        api_secret=api_secret,
    )


def pages(s: Subjects) -> list[tuple[str, str, str, str]]:
    """(name, role, kind, url) of every page a person uses (URLs from */urls*.py)."""
    case = s.case.pk
    common_word = "social"
    return [
        # National pages, as DfE staff.
        ("Interventions list", "dfe", "page", "/interventions/"),
        ("Deadlines", "dfe", "page", "/deadlines/"),
        ("Reports", "dfe", "page", "/reports/"),
        ("Dashboard", "dfe", "page", "/dashboard/"),
        ("Dashboard, three filters", "dfe", "page", f"/dashboard/?{DASHBOARD_FILTERS}"),
        ("Search, common word", "dfe", "page", f"/search/?q={common_word}"),
        ("Search, rare word", "dfe", "page", "/search/?q=zygote"),
        ("Your work (DfE)", "dfe", "page", "/your-work/"),
        ("Calendar feed (DfE)", "dfe feed", "page", f"/calendar/{s.feeds['dfe feed']}.ics"),
        # A case's pages, as its council officer.
        ("Case overview", "officer", "page", f"/interventions/{case}/"),
        ("Instructions list", "officer", "page", f"/interventions/{case}/instructions/"),
        ("Instruction", "officer", "page", f"/interventions/{case}/instructions/{s.instruction.pk}/"),
        ("Priority", "officer", "page", f"/interventions/{case}/priorities/{s.priority.pk}/"),
        ("Indicator", "officer", "page", f"/interventions/{case}/indicators/{s.indicator.pk}/"),
        ("Progress form", "officer", "page", f"/interventions/{case}/progress/new/?priority={s.priority.pk}"),
        ("Case reports", "officer", "page", f"/interventions/{case}/reports/"),
        ("Case deadlines", "officer", "page", f"/interventions/{case}/deadlines/"),
        ("Your work", "officer", "page", "/your-work/"),
        ("Your work (commissioner)", "commissioner", "page", "/your-work/"),
        ("Calendar feed (officer)", "officer feed", "page", f"/calendar/{s.feeds['officer feed']}.ics"),
        # Tables to take away.
        ("Export: dashboard CSV", "dfe", "export", "/dashboard/export.csv"),
        ("Export: deadlines CSV", "dfe", "export", "/deadlines/export.csv"),
        ("Export: case deadlines CSV", "officer", "export", f"/interventions/{case}/deadlines/export.csv"),
        ("Export: case instructions CSV", "officer", "export", f"/interventions/{case}/instructions/export.csv"),
        ("Export: case indicators CSV", "officer", "export", f"/interventions/{case}/indicators/export.csv"),
        # The read-only API's lists, with a DfE member of staff's token.
        *((f"API: {name}", "api", "page", f"/api/v1/{name}/") for name in API_LISTS),
        # The admin screens: the case's commissioner, and DfE staff who reach every case.
        ("Admin: instruments", "commissioner", "admin", "/admin/directions/instrument/"),
        ("Admin: instrument", "commissioner", "admin", f"/admin/directions/instrument/{s.instrument.pk}/change/"),
        ("Admin: instructions", "commissioner", "admin", "/admin/directions/instruction/"),
        ("Admin: instruction", "commissioner", "admin", f"/admin/directions/instruction/{s.instruction.pk}/change/"),
        ("Admin: interventions (DfE)", "dfe", "admin", "/admin/intervention/intervention/"),
        ("Admin: intervention (DfE)", "dfe", "admin", f"/admin/intervention/intervention/{case}/change/"),
        ("Admin: instruments (DfE)", "dfe", "admin", "/admin/directions/instrument/"),
        ("Admin: instrument (DfE)", "dfe", "admin", f"/admin/directions/instrument/{s.instrument.pk}/change/"),
        ("Admin: instructions (DfE)", "dfe", "admin", "/admin/directions/instruction/"),
        ("Admin: instructions search (DfE)", "dfe", "admin", f"/admin/directions/instruction/?q={common_word}"),
        ("Admin: instruction (DfE)", "dfe", "admin", f"/admin/directions/instruction/{s.instruction.pk}/change/"),
        ("Admin: obligations (DfE)", "dfe", "admin", "/admin/directions/reportingobligation/"),
        ("Admin: obligation (DfE)", "dfe", "admin", f"/admin/directions/reportingobligation/{s.obligation.pk}/change/"),
        ("Admin: priority (DfE)", "dfe", "admin", f"/admin/directions/servicepriority/{s.priority.pk}/change/"),
    ]


def clients(s: Subjects) -> dict[str, Any]:
    """A django.test.Client for each role: signed in, anonymous (feeds) or with the API token."""
    from django.test import Client

    signed_in: dict[str, Any] = {}
    for role, user in (("dfe", s.dfe), ("officer", s.officer), ("commissioner", s.commissioner)):
        client = Client()
        client.force_login(user)
        signed_in_fully(client, user)
        signed_in[role] = client
    signed_in["dfe feed"] = signed_in["officer feed"] = Client()
    signed_in["api"] = Client(headers={"Authorization": f"Bearer {s.api_secret}"})
    return signed_in


def signed_in_fully(client: Any, user: Any) -> None:
    """Past the second step, as django-otp's `login(request, device)` marks it, with the person's
    authenticator (set up for them if they have none): the pages, not the sign-in, are measured."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from intervention.two_factor import SESSION_PENDING, is_required_for

    session = client.session
    if not is_required_for(user) or session.get(DEVICE_ID_SESSION_KEY):
        return
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[SESSION_PENDING] = False
    session.save()


def rows_in(response: Any) -> int:
    """The records of a downloaded CSV, less its header row (a cell may hold a line break)."""
    import csv
    import io

    body = b"".join(response.streaming_content) if response.streaming else response.content
    return max(0, sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8-sig")))) - 1)


def getter(client: Any, url: str) -> Callable[[], Any]:
    return lambda: client.get(url)


def headers(s: Subjects, cookies: dict[str, str]) -> dict[str, dict[str, str]]:
    """The HTTP headers each role sends, for the load test over a real socket."""
    found = {role: {"Cookie": cookie} for role, cookie in cookies.items()}
    found["dfe feed"] = found["officer feed"] = {}
    found["api"] = {"Authorization": f"Bearer {s.api_secret}"}
    return found
