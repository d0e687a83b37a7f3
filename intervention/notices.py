"""Telling people that work has come their way: one function, `tell`, called by every service that hands
work from one person to another (a plan submitted or agreed, a due-date move asked for or decided, a report
ready to sign or signed off, an instruction issued or answered).

`tell` writes one `Notice` per person, in the caller's transaction, so the notice exists exactly when the
act does; its key (the hand-over's key and the person) makes it once, whatever retries happen. The email
is a promise in the same transaction (`intervention.queue.promise`, task `intervention.send_notice`, key
`notice:<id>`), one per notice: each person gets their own email, never a shared To: line, and it says no
more than the title and a link (the rest is behind sign-in). The outbox hands it to the worker, tries it
again with back-off, gives up after its attempts (shown in "Your work") and, through its sweep, sends what
a crash left unsent. `send_notice` claims the row before sending, so two deliveries send it once, and
records the outcome on it (sent_at, attempts, last_error); a claim older than the outbox's lease is a dead
worker's, and is taken over.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from intervention.enums import COUNCIL_ROLES, DFE_ROLES, OVERSEEING_ROLES, Organisation
from intervention.models import Intervention, Notice, Person
from intervention.queue import lease_for, promise, queue_for, stable_message_id

SEND_TASK = "intervention.send_notice"
# Who each side of a hand-over is, by the roles they hold on the case.
COUNCIL = COUNCIL_ROLES
OVERSEERS = OVERSEEING_ROLES  # the commissioner and the advisers: they agree, accept and return
DFE = DFE_ROLES


def people_on(intervention: Intervention, roles: Iterable[str], *, today: datetime.date | None = None) -> list[Person]:
    """The people holding any of `roles` on the case today, with their accounts. The council's roles
    include the council's own staff (membership counts as council officer, as in permissions.roles_on).
    One query."""
    roles = frozenset(roles)
    today = today or timezone.localdate()
    appointed = Q(
        appointments__intervention=intervention,
        appointments__role__in=sorted(roles),
        appointments__starts_on__lte=today,
    ) & (Q(appointments__ends_on__isnull=True) | Q(appointments__ends_on__gte=today))
    if roles & COUNCIL:
        appointed |= Q(organisation=Organisation.COUNCIL, local_authority_id=intervention.local_authority_id)
    return list(Person.objects.filter(appointed).select_related("user").distinct().order_by("pk"))


def people_in_role(intervention: Intervention, role: str) -> list[Person]:
    return people_on(intervention, {role})


def _address(person: Person) -> str:
    account = person.user
    return (person.email or (account.email if account is not None else "")).lower()


@transaction.atomic
def tell(
    people: Iterable[Person],
    *,
    about: Any,
    what: str,
    by: Any,
    key: str,
    intervention: Intervention | None = None,
    link: str = "",
    email: bool = True,
    asks: bool = False,
) -> list[Notice]:
    """Tell each person (not the one acting) that `what` happened to `about`, with a link to it (`link`,
    else its `get_absolute_url()`). Writes a
    notice per person with an active account, keyed `key:person`, so a second call for the same
    hand-over writes nothing; enqueues each new notice's email after commit (`email=False`: the act sends its
    own). `asks`: the notice asks them to act, and their work list shows the act while it waits (so the
    notice is not listed or counted as well). Returns the new notices."""
    from intervention.permissions import intervention_of

    case = intervention or intervention_of(about)
    assert case is not None, "a notice belongs to a case"
    link = link or about.get_absolute_url()
    acting = getattr(by, "pk", None)
    what = " ".join(what.split())[:300]
    made: list[Notice] = []
    seen: set[int] = set()
    for person in people:
        account = person.user
        if person.pk in seen or account is None or account.pk == acting or not account.is_active:
            continue
        seen.add(person.pk)
        notice = Notice(
            key=f"{key}:person:{person.pk}"[:200],
            person=person,
            intervention=case,
            what=what,
            link=link,
            by=by if acting else None,
            email=_address(person) if email else "",
            asks=asks,
        )
        try:
            with transaction.atomic():
                notice.save()
        except IntegrityError:
            continue  # told already: the same hand-over, again
        made.append(notice)
        if notice.email:
            promise(
                SEND_TASK, key=f"notice:{notice.pk}", intervention=case, about=f"Email: {what}", notice_id=notice.pk
            )
    return made


def email_text(notice: Notice) -> tuple[str, str]:
    """The subject and body: the title of the thing and a link, nothing more."""
    from django.template.loader import render_to_string

    subject = f"{notice.what}, {notice.intervention.local_authority.council_name}"[:300]
    body = render_to_string("intervention/email/notice.txt", {"notice": notice, "site_url": settings.SITE_URL})
    return subject, body


def send_notice(*, notice_id: int) -> bool:
    """Email one notice if nobody has. Claimed first, so two workers given the same id send it once (a
    claim older than the outbox's lease was a worker that died, and is taken over); a failure releases
    the claim for the retry and records the error."""
    from django.core.mail import EmailMessage

    now = timezone.now()
    unclaimed = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - lease_for(queue_for(SEND_TASK)))
    claimed = Notice.objects.filter(unclaimed, pk=notice_id, sent_at__isnull=True).exclude(email="")
    if not claimed.update(claimed_at=now):  # no history: Notice is operational and keeps none
        return False
    notice = Notice.objects.select_related("intervention__local_authority").get(pk=notice_id)
    subject, body = email_text(notice)
    try:
        headers = {"Message-ID": stable_message_id(f"notice-{notice_id}")}  # a resend folds with the first
        EmailMessage(subject, body, None, [notice.email], headers=headers).send()
    except Exception as error:
        Notice.objects.filter(pk=notice_id).update(  # no history: operational
            claimed_at=None, attempts=notice.attempts + 1, last_error=str(error)[:1000]
        )
        raise
    Notice.objects.filter(pk=notice_id).update(  # no history: operational
        sent_at=timezone.now(), attempts=notice.attempts + 1, last_error=""
    )
    return True


@transaction.atomic
def mark_read(*, notice: Notice, by: Any) -> Notice:
    """The person has seen it: it leaves their list of work. Only their own."""
    from intervention.permissions import access_for

    if access_for(by).person_id != notice.person_id:
        raise PermissionDenied("Only the person told can mark a notice read")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice
