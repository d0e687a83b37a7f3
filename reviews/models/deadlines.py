"""Deadlines the scheduler materialises from the rules, the notifications sent about them, and
each person's calendar feed."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from directions.enums import Deliverer
from directions.models import Clause, ReportingObligation
from intervention.models import Inspection, Intervention, LocalAuthority
from intervention.paths import reverse_ids
from intervention.permissions import Capability
from intervention.validators import sensible_date
from reviews.enums import CabinetRequirement, DeadlineStatus, NotificationKind, OfstedRequirement
from reviews.querysets import DeadlineQuerySet

OVERRIDE_NEEDS_REASON = "Say why the date is being changed"
MET_NEEDS_NOTE = "Say how the deadline was met"


class Deadline(models.Model):
    """One dated occurrence of a reporting obligation, a dated clause, or an Ofsted requirement.

    The computed date is kept; a person may override it with a reason, and both are shown.
    Deadlines are never deleted: a met one stays met; one that no longer applies is cancelled."""

    # Empty only for an Ofsted deadline of an authority with no intervention open: the duty falls on
    # the council whatever its intervention status, so it belongs to the inspection (issue 13).
    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, null=True, blank=True, related_name="deadlines"
    )
    obligation = models.ForeignKey(
        ReportingObligation, on_delete=models.PROTECT, null=True, blank=True, related_name="deadlines"
    )
    clause = models.ForeignKey(Clause, on_delete=models.PROTECT, null=True, blank=True, related_name="deadlines")
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, null=True, blank=True, related_name="deadlines"
    )
    ofsted_requirement = models.CharField(max_length=30, choices=OfstedRequirement.choices, blank=True)
    counted_from = models.DateField(
        null=True, blank=True, help_text="For an Ofsted deadline: the date of receipt its days were counted from."
    )
    cabinet_paper = models.ForeignKey(
        "reviews.CabinetPaper",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        help_text="For a cabinet report: the last day it can be published, or notice of a key decision "
        "given, before its meeting.",
    )
    cabinet_requirement = models.CharField(max_length=20, choices=CabinetRequirement.choices, blank=True)
    what = models.CharField(max_length=300)
    delivered_by = models.CharField(max_length=100, blank=True)
    deliverer = models.CharField(
        "role that delivers it",
        max_length=20,
        choices=Deliverer.choices,
        blank=True,
        help_text="Reminders go to the people holding this role on the case.",
    )
    recipient = models.CharField("to", max_length=100, blank=True)
    computed_on = models.DateField(help_text="The date the rule gives.")
    override_on = models.DateField(
        null=True, blank=True, help_text="A date set by a person instead.", validators=[sensible_date]
    )
    override_reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.OPEN)
    met_on = models.DateField(null=True, blank=True, validators=[sensible_date])
    met_note = models.TextField(blank=True)
    cancelled_reason = models.TextField(blank=True)
    rule_note = models.TextField(
        blank=True,
        help_text="Where the rule now gives another date than one a person set or met: shown until someone confirms.",
    )
    met_by_review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, null=True, blank=True, related_name="deadlines_met"
    )
    met_by_report = models.ForeignKey(
        "reviews.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="deadlines_met"
    )
    # Moved by every save: the calendar feed's cheap "has anything changed" question (reviews.calendar).
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = DeadlineQuerySet.as_manager()

    change_capability = Capability.HOLD_REVIEWS

    class Meta:
        ordering = ["computed_on", "pk"]
        constraints = [
            # Re-running the scheduler, or two schedulers at once, can never duplicate a deadline.
            models.UniqueConstraint(
                fields=["obligation", "computed_on"],
                condition=Q(obligation__isnull=False),
                name="one_deadline_per_obligation_date",
            ),
            models.UniqueConstraint(
                fields=["clause"], condition=Q(clause__isnull=False), name="one_deadline_per_clause"
            ),
            models.UniqueConstraint(
                fields=["inspection", "ofsted_requirement"],
                condition=Q(inspection__isnull=False),
                name="one_deadline_per_ofsted_requirement",
            ),
            models.UniqueConstraint(
                fields=["cabinet_paper", "cabinet_requirement"],
                condition=Q(cabinet_paper__isnull=False),
                name="one_deadline_per_cabinet_requirement",
            ),
            models.CheckConstraint(
                condition=Q(intervention__isnull=False) | Q(inspection__isnull=False),
                name="deadline_of_a_case_or_an_inspection",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "computed_on"], name="deadline_status_date"),
            # The deadline pages and the reminder sweep ask for open deadlines by the date they are
            # due (the override, else the computed date), in that order: one index range, not a
            # scan of every deadline ever materialised.
            models.Index(
                Coalesce("override_on", "computed_on"), "id", name="open_deadline_due_on", condition=Q(status="open")
            ),
            # A case's open deadlines by due date (the dashboard's overdue count, oldest overdue and next
            # due, for each case): a short range per case, not every deadline the case has had.
            models.Index(
                "intervention",
                Coalesce("override_on", "computed_on"),
                "id",
                name="open_deadline_case_due",
                condition=Q(status="open"),
            ),
            # The calendar feed's window (every status but cancelled and historical, due from three
            # months ago to eighteen ahead), asked on each poll: a range of the window's deadlines, not
            # a scan of every deadline of every year.
            models.Index(Coalesce("override_on", "computed_on"), name="deadline_due_on"),
        ]

    def __str__(self) -> str:
        return f"{self.what}: {self.due_on:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        """The page that lists it: its case's deadlines, or (with no case) its authority's page."""
        if self.intervention_id is not None:
            return reverse_ids("case_deadlines", self.intervention_id)
        return reverse("authority_detail", args=[self.authority.dfe_code])

    @property
    def case(self) -> Intervention | None:
        return self.intervention

    @property
    def authority(self) -> LocalAuthority:
        """The council whose deadline it is: its case's, or (with no case) its inspection's."""
        if self.intervention is not None:
            return self.intervention.local_authority
        assert self.inspection is not None  # the check constraint: a case or an inspection
        return self.inspection.local_authority

    @property
    def due_on(self) -> datetime.date:
        return self.override_on or self.computed_on

    def is_overdue_on(self, day: datetime.date) -> bool:
        return self.status == DeadlineStatus.OPEN and self.due_on < day

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())

    @property
    def state_label(self) -> str:
        if self.status == DeadlineStatus.MET:
            return "Met"
        if self.status == DeadlineStatus.CANCELLED:
            return "Cancelled"
        if self.status == DeadlineStatus.HISTORICAL:
            return "Before the record"
        return "Overdue" if self.is_overdue else "Due"

    def clean(self) -> None:
        errors = {}
        if self.override_on and not self.override_reason.strip():
            errors["override_reason"] = OVERRIDE_NEEDS_REASON
        if self.status == DeadlineStatus.MET and not (self.met_note.strip() and self.met_on):
            errors["met_note"] = MET_NEEDS_NOTE
        if errors:
            raise ValidationError(errors)


class Notification(models.Model):
    """A reminder or overdue notice, written in the same transaction that decides to send it.
    The unique key makes the decision once, whatever retries, restarts or parallel sweeps happen;
    the email goes out after commit. Operational, not a decision, so it keeps no history: the row
    itself is the record of what was sent, to whom and when."""

    key = models.CharField(max_length=200, unique=True)
    deadline = models.ForeignKey(Deadline, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    recipients = models.TextField(help_text="Comma-separated email addresses.")
    copied = models.TextField(blank=True, help_text="Comma-separated email addresses copied in (DfE, on overdue).")
    unaddressed = models.BooleanField(
        "nobody to send to",
        default=False,
        help_text="Nobody holds the role that delivers the deadline on the case: not sent to them, "
        "and shown to the DfE case lead on the case's deadlines page.",
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    skipped = models.BooleanField(default=False, help_text="Superseded by a later reminder; never sent.")
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.key

    @property
    def recipient_list(self) -> list[str]:
        return [address for address in self.recipients.split(",") if address]

    @property
    def copied_list(self) -> list[str]:
        return [address for address in self.copied.split(",") if address]


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def hash_feed_token(token: str) -> str:
    """SHA-256 of the token, in hex. Enough for a token of 256 random bits: there is nothing to guess
    from, so no salt or slow hash is needed, and the hash can be looked up directly."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A person's secret iCalendar address for their cases' deadlines. Only the hash of its token is
    kept, so the address is shown once, when it is made (reviews.calendar.make_feed_token); making a
    new one replaces the token and the old address stops working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField("token's SHA-256", max_length=64, unique=True, editable=False)
    rotated_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
