"""The case itself: local authorities, interventions, people and their appointments, inspections.

Every model here records something a person decided or wrote, so each keeps its full history
(django-simple-history records the acting user through HistoryRequestMiddleware or the
`_history_user` a service sets). Statutory records are never deleted: an intervention is closed,
an appointment ended.
"""

from __future__ import annotations

import datetime
import uuid
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.timezone import now as timezone_now
from simple_history.models import HistoricalRecords

from intervention.enums import (
    COUNCIL_ROLES,
    DFE_ROLES,
    FRAMEWORK_AREAS,
    Framework,
    Grade,
    InspectionKind,
    JudgementArea,
    LocalAuthorityKind,
    Organisation,
    Role,
    ServiceArea,
)
from intervention.paths import reverse_ids
from intervention.querysets import AppointmentQuerySet, InspectionQuerySet, InterventionQuerySet
from intervention.stages import Stage
from intervention.validators import sensible_date

# Messages the tests check.
END_BEFORE_START = "The end date must be the same as or after the start date"
CLOSED_BEFORE_OPENED = "The closed date must be the same as or after the opened date"
RECORDED_FROM_BEFORE_OPENED = "The date the case is recorded from must be the same as or after the opened date"
FIELDWORK_END_BEFORE_START = "The last day of fieldwork must be the same as or after the first day"
PUBLISHED_BEFORE_RECEIVED = "The publication date must be the same as or after the date the report was received"
AREA_NOT_IN_FRAMEWORK = "{area} is not a judgement in the {framework} framework"
COUNCIL_STAFF_NEED_AUTHORITY = "Council staff must belong to a local authority"
DFE_ROLE_NEEDS_DFE_STAFF = "Only DfE staff can be appointed as {role}"
COUNCIL_ROLE_NEEDS_THE_COUNCILS_STAFF = "Only {authority} staff can be appointed as {role} on its case"
OVERSIGHT_ROLE_NOT_FOR_THE_COUNCILS_STAFF = "{authority} staff cannot be appointed as {role} on its own case"
STAYS_WITH_ITS_OWNER = "This record belongs to {owner} and cannot be moved to another"
ONLY_COUNCIL_STAFF_HAVE_AUTHORITY = "Only council staff belong to a local authority"


def stage_kinds_in_force(intervention: Intervention) -> set[str]:
    """The kinds of instrument in force on the case. Instruments live in the directions app, which
    builds on this one, so they are reached through the reverse relation and not imported."""
    instruments = getattr(intervention, "instruments", None)
    if instruments is None:
        return set()
    today = timezone.localdate()
    return {instrument.kind for instrument in instruments.all() if instrument.in_force_on(today)}


class LocalAuthority(models.Model):
    """An English local authority with children's social care duties (reference data)."""

    name = models.CharField(max_length=100, unique=True)
    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    dfe_code = models.CharField("DfE code", max_length=3, unique=True)
    kind = models.CharField(max_length=30, choices=LocalAuthorityKind.choices)
    region_code = models.CharField(max_length=9)
    region_name = models.CharField(max_length=50)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name

    @property
    def council_name(self) -> str:
        """The name the documents use for the council, e.g. 'Herefordshire Council'."""
        if self.kind == LocalAuthorityKind.COUNTY:
            return f"{self.name} County Council"
        if self.kind == LocalAuthorityKind.LONDON_BOROUGH and self.name != "City of London":
            return f"London Borough of {self.name}"
        return f"{self.name} Council"


class Person(models.Model):
    """Someone named in the casework. Commissioners appear in documents before they have an account,
    and one person may serve several councils, so a person is separate from a user account."""

    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=20, choices=Organisation.choices)
    local_authority = models.ForeignKey(
        LocalAuthority,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text="For council staff: the council they work for. It decides which cases they see.",
    )
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="person"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.organisation == Organisation.COUNCIL and not self.local_authority_id:
            raise ValidationError({"local_authority": COUNCIL_STAFF_NEED_AUTHORITY})
        if self.organisation != Organisation.COUNCIL and self.local_authority_id:
            raise ValidationError({"local_authority": ONLY_COUNCIL_STAFF_HAVE_AUTHORITY})


def refuse_a_move(record: models.Model, owner_field: str) -> None:
    """A case stays with its council, and a record with its case: moving one would hand it, with its
    history and evidence, to another council's people. Nothing offers a move; this refuses a crafted one."""
    if record._state.adding or record.pk is None:
        return
    column = f"{owner_field}_id"
    stored = type(record)._default_manager.filter(pk=record.pk).values_list(column, flat=True).first()
    if stored is not None and stored != getattr(record, column):
        owner_model = type(record)._meta.get_field(owner_field).related_model
        assert owner_model is not None  # owner_field is a foreign key
        owner = owner_model._default_manager.get(pk=stored)
        raise ValidationError({owner_field: STAYS_WITH_ITS_OWNER.format(owner=owner)})


class Intervention(models.Model):
    """One intervention in one council's service: the case."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="interventions")
    service_area = models.CharField(
        max_length=30, choices=ServiceArea.choices, default=ServiceArea.CHILDRENS_SOCIAL_CARE
    )
    opened_on = models.DateField(validators=[sensible_date])
    closed_on = models.DateField(null=True, blank=True, validators=[sensible_date])
    closure_reason = models.TextField("why it was closed", blank=True, editable=False)
    recorded_from = models.DateField(
        null=True,
        blank=True,
        validators=[sensible_date],
        help_text=(
            "For a case entered after the fact: deadlines due before this date are kept as historical "
            "(whether they were met is not known), are never overdue and send no reminders."
        ),
    )
    summary = models.TextField(blank=True, help_text="Why DfE intervened, in a sentence or two.")
    history = HistoricalRecords()

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["local_authority__name", "-opened_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("opened_on")),
                name="intervention_closed_after_opened",
            )
        ]

    def __str__(self) -> str:
        return f"{self.local_authority.name}: {self.get_service_area_display().lower()} ({self.opened_on.year})"

    def get_absolute_url(self) -> str:
        return reverse_ids("intervention_detail", self.pk)

    def clean(self) -> None:
        refuse_a_move(self, "local_authority")
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": CLOSED_BEFORE_OPENED})
        if self.recorded_from and self.opened_on and self.recorded_from < self.opened_on:
            raise ValidationError({"recorded_from": RECORDED_FROM_BEFORE_OPENED})

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def stage(self) -> Stage:
        """Closed, or the strongest kind of instrument in force (a direction outranks a notice)."""
        if not self.is_open:
            return Stage.CLOSED
        kinds = stage_kinds_in_force(self)
        if Stage.STATUTORY_DIRECTION.code in kinds:
            return Stage.STATUTORY_DIRECTION
        if Stage.IMPROVEMENT_NOTICE.code in kinds:
            return Stage.IMPROVEMENT_NOTICE
        return Stage.NO_INSTRUMENT


class Appointment(models.Model):
    """A person's role on an intervention, for a period. Roles decide what a person may do."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appointments")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="appointments")
    role = models.CharField(max_length=40, choices=Role.choices)
    starts_on = models.DateField(validators=[sensible_date])
    ends_on = models.DateField(null=True, blank=True, validators=[sensible_date])
    history = HistoricalRecords()

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["intervention", "starts_on", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="appointment_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name}, {self.get_role_display().lower()}"

    def clean(self) -> None:
        refuse_a_move(self, "intervention")
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": END_BEFORE_START})
        if self.person_id and self.intervention_id and self.role:
            self.check_role_fits_person()

    def check_role_fits_person(self) -> None:
        """DfE's roles are held by DfE staff, the council's by that council's staff, and nobody
        oversees their own council: otherwise an appointment would hand one organisation's powers to another."""
        person, authority, role = self.person, self.intervention.local_authority, Role(self.role).label
        of_this_council = person.organisation == Organisation.COUNCIL and person.local_authority_id == authority.pk
        if self.role in DFE_ROLES and person.organisation != Organisation.DFE:
            raise ValidationError({"role": DFE_ROLE_NEEDS_DFE_STAFF.format(role=role.lower())})
        if self.role in COUNCIL_ROLES and not of_this_council:
            message = COUNCIL_ROLE_NEEDS_THE_COUNCILS_STAFF.format(authority=authority.name, role=role.lower())
            raise ValidationError({"role": message})
        if self.role not in DFE_ROLES | COUNCIL_ROLES and of_this_council:
            message = OVERSIGHT_ROLE_NOT_FOR_THE_COUNCILS_STAFF.format(authority=authority.name, role=role.lower())
            raise ValidationError({"role": message})

    def is_active_on(self, day: datetime.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class Inspection(models.Model):
    """An Ofsted activity in a local authority: an inspection, focused visit or monitoring visit."""

    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(max_length=30, choices=InspectionKind.choices)
    framework = models.CharField(max_length=20, choices=Framework.choices)
    fieldwork_starts_on = models.DateField(validators=[sensible_date])
    fieldwork_ends_on = models.DateField(validators=[sensible_date])
    lead_inspector = models.CharField(max_length=200, blank=True)
    report_received_on = models.DateField(
        null=True,
        blank=True,
        help_text="The council's 30 and 70 working-day deadlines run from this date.",
        validators=[sensible_date],
    )
    published_on = models.DateField(null=True, blank=True, validators=[sensible_date])
    history = HistoricalRecords()

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["local_authority__name", "-fieldwork_starts_on"]

    def __str__(self) -> str:
        return f"{self.local_authority.name}: {self.get_kind_display()} ({self.fieldwork_starts_on:%B %Y})"

    def clean(self) -> None:
        refuse_a_move(self, "local_authority")
        errors = {}
        if self.fieldwork_starts_on and self.fieldwork_ends_on and self.fieldwork_ends_on < self.fieldwork_starts_on:
            errors["fieldwork_ends_on"] = FIELDWORK_END_BEFORE_START
        if self.report_received_on and self.published_on and self.published_on < self.report_received_on:
            errors["published_on"] = PUBLISHED_BEFORE_RECEIVED
        if errors:
            raise ValidationError(errors)

    @property
    def overall_grade(self) -> str | None:
        for judgement in self.judgements.all():
            if judgement.area == JudgementArea.OVERALL_EFFECTIVENESS:
                return judgement.get_grade_display()
        return None


class Judgement(models.Model):
    """One graded judgement of an inspection. Which areas exist depends on the framework."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="judgements")
    area = models.CharField(max_length=40, choices=JudgementArea.choices)
    grade = models.CharField(max_length=30, choices=Grade.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "area"], name="one_judgement_per_area")]

    def __str__(self) -> str:
        return f"{self.get_area_display()}: {self.get_grade_display()}"

    def clean(self) -> None:
        if not self.inspection_id or not self.area:
            return
        framework = self.inspection.framework
        if self.area not in FRAMEWORK_AREAS.get(framework, ()):
            raise ValidationError(
                {
                    "area": AREA_NOT_IN_FRAMEWORK.format(
                        area=JudgementArea(self.area).label, framework=Framework(framework).label
                    )
                }
            )


class Finding(models.Model):
    """Something an inspection report says must improve, in the report's own words."""

    class Kind(models.TextChoices):
        NEEDS_TO_IMPROVE = "needs_to_improve", "What needs to improve"
        PRIORITY_ACTION = "priority_action", "Area for priority action"

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.NEEDS_TO_IMPROVE)
    position = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["inspection", "kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "kind", "position"], name="one_finding_per_position")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class AlternativeDeliveryModel(models.Model):
    """A children's services trust or council-owned company that takes over the service."""

    class LegalForm(models.TextChoices):
        TRUST = "trust", "Children's services trust"
        COUNCIL_OWNED_COMPANY = "council_owned_company", "Council-owned company"
        PARTNERSHIP = "partnership", "Partnership with another council"

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="delivery_models")
    name = models.CharField(max_length=200)
    legal_form = models.CharField(max_length=30, choices=LegalForm.choices)
    goes_live_on = models.DateField(null=True, blank=True, validators=[sensible_date])
    ends_on = models.DateField(null=True, blank=True, validators=[sensible_date])
    history = HistoricalRecords()

    class Meta:
        ordering = ["intervention", "goes_live_on"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.goes_live_on and self.ends_on and self.ends_on < self.goes_live_on:
            raise ValidationError({"ends_on": END_BEFORE_START})


class WorkerHeartbeat(models.Model):
    """When beat last woke the worker. Operational, not a decision, so it keeps no history:
    the health page reads it to tell whether Celery beat and the worker are running."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class ExtraBankHoliday(models.Model):
    """A one-off bank holiday proclaimed after the `holidays` package's release (as the Queen's
    funeral was in 2022). Working-day deadlines skip these as well as the package's days."""

    date = models.DateField(unique=True, validators=[sensible_date])
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%-d %B %Y})"


class ExternalIdentity(models.Model):
    """An account's identity at a single sign-on provider: the provider's issuer and its subject
    identifier for the person. Linked once, on the first sign-in whose email matches the account;
    later sign-ins are matched by issuer and subject, never by email again (an email address can be
    reissued to someone else, a subject cannot). Who the person is and what they may do stays with
    the account's `Person` and appointments (intervention.sso)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_identities")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    # The configured provider's short name at the time of linking, for people reading the history.
    provider = models.CharField(max_length=50)
    linked_at = models.DateTimeField(auto_now_add=True)
    # Unlinking ends the link rather than deleting it: the row and its history say it was there, and
    # who ended it. Only a link not ended counts at sign-in.
    ended_at = models.DateTimeField("unlinked", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "external identities"
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"],
                condition=models.Q(ended_at__isnull=True),
                name="one_account_per_external_identity",
            ),
            models.UniqueConstraint(
                fields=["user", "issuer"],
                condition=models.Q(ended_at__isnull=True),
                name="one_identity_per_provider_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"

    @property
    def is_linked(self) -> bool:
        return self.ended_at is None


class CaseNoteKind(models.TextChoices):
    WORKING_NOTE = "working_note", "Working note"
    CALL = "call", "Call or meeting"
    MINISTERIAL_STEER = "ministerial_steer", "Ministerial steer"


class CaseNoteQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> CaseNoteQuerySet:
        """DfE's restricted notes: DfE staff read every one, a commissioner or adviser only those DfE
        shared with them on a case they oversee, the council and the board chair none
        (intervention.permissions.case_note_filter)."""
        from intervention.permissions import case_note_filter

        return self.filter(case_note_filter(user))


class CaseNote(models.Model):
    """A DfE-only note on a case: a case lead's working note, a call with the Director of Children's
    Services, a ministerial steer. Never shown to the council or the board chair; a commissioner or
    adviser reads it only when DfE shares it with them. Kept with its history, never deleted."""

    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="case_notes")
    kind = models.CharField(max_length=30, choices=CaseNoteKind.choices, default=CaseNoteKind.WORKING_NOTE)
    title = models.CharField(max_length=200)
    text = models.TextField()
    shared_with_commissioner = models.BooleanField(
        "shared with the commissioner",
        default=False,
        help_text="The commissioner and advisers on the case can read it. The council never can.",
    )
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes")
    written_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = CaseNoteQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        refuse_a_move(self, "intervention")


class ApiToken(models.Model):
    """A person's key to the read-only API (`Authorization: Bearer <token>`). Only the SHA-256 of the
    token is kept, so it is shown once, when it is made; revoking it stops it at once, and so does
    switching the person's account off. The token sees what its person sees."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What it is for, so you know which to revoke.")
    token_hash = models.CharField("token's SHA-256", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField("last used", null=True, blank=True)
    revoked_at = models.DateTimeField("revoked", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash", "last_used_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Notice(models.Model):
    """One person told that work has come their way (a plan to agree, a report to sign, an answer to an
    instruction), written in the same transaction as the act that hands the work over
    (intervention.notices.tell). Shown on their "Your work" page until they mark it read, and emailed
    after commit: the row records the email's outcome (claimed, sent, attempts, last error) the way a
    deadline reminder does, so the email is sent once whatever retries or restarts happen. Operational,
    not a decision, so it keeps no history: the row is the record of who was told what and when."""

    key = models.CharField(max_length=200, unique=True, help_text="The hand-over and the person: decided once.")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="notices")
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="notices")
    what = models.CharField(max_length=300, help_text="One line, in plain English: no case text but a title.")
    link = models.CharField(max_length=500, help_text="The page of the thing, as a path on this service.")
    asks = models.BooleanField(
        "asks them to act",
        default=False,
        help_text="The notice asks for an act (agree, sign, respond) that their work list shows while it waits, "
        "so the list counts the act, not the notice too. Otherwise it is for information, listed until read.",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="notices_sent"
    )
    created_at = models.DateTimeField(default=timezone_now)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.EmailField(blank=True, help_text="Where the email goes: empty when it is not emailed.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["person", "read_at"], name="notice_person_unread")]

    def __str__(self) -> str:
        return f"{self.what} (to {self.person})"

    def get_absolute_url(self) -> str:
        return self.link


class CaseVisit(models.Model):
    """When a person last opened a case's page: the case page shows what others changed since.
    Operational, so no history."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_visits")
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="visits")
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "intervention"], name="one_visit_per_person_case")]

    def __str__(self) -> str:
        return f"{self.user} saw case {self.intervention_id} at {self.seen_at:%Y-%m-%d %H:%M}"


@cache
def download_storage() -> Storage:
    # STORAGES["downloads"] (intervention.files): object storage or a folder, with no public address;
    # only the person who asked may fetch it.
    from intervention.files import named_storage

    return named_storage("downloads")


def download_path(instance: PreparedDownload, filename: str) -> str:
    """Never a name anyone typed: the person's id and a random one."""
    return f"user-{instance.requested_by_id}/{uuid.uuid4().hex}.{instance.file_format}"


class PreparedDownload(models.Model):
    """A table too big to build while a person waits (every indicator value nationally, issue 16):
    asked for on a page, built by the worker with the asker's own access, and downloaded by the person
    who asked and nobody else. Not a decision, so no history: a copy of records that keep their own."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        BUILDING = "building", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    class Kind(models.TextChoices):
        INDICATOR_VALUES = "indicator_values", "Every indicator value"

    kind = models.CharField(max_length=40, choices=Kind.choices)
    file_format = models.CharField(max_length=4, choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")])
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="prepared_downloads"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A ready file is kept until then; the worker removes it from storage and marks the row expired
    # (reviews.services.exports.expire_downloads), so copies of case data do not pile up.
    expires_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=download_path, storage=download_storage, max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True, help_text="What went wrong, for the administrator.")

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.file_format}) for {self.requested_by}"

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if self.status == self.Status.READY else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class Invitation(models.Model):
    """DfE inviting someone to the service by email: who they are, where they work and, for a
    commissioner or adviser, the appointment. The emailed link works once, until `expires_at`; only a
    hash of its secret is kept, so the table cannot be read for live links."""

    email = models.EmailField()
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=20, choices=Organisation.choices)
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, null=True, blank=True)
    intervention = models.ForeignKey(
        Intervention, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent")
    invited_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-invited_at"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def status(self) -> str:
        from django.utils import timezone

        if self.accepted_at:
            return "Accepted"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Sent"


class AccountSession(models.Model):
    """A signed-in session of an account, so that the account page can list them and "sign out
    everywhere else" and deactivation can end them in the session store. Operational: no history."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    signed_in_at = models.DateTimeField(auto_now_add=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-signed_in_at"]

    def __str__(self) -> str:
        return f"{self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"


class OutboxState(models.TextChoices):
    PENDING = "pending", "Waiting to be sent to the worker"
    RUNNING = "running", "Being worked on"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class OutboxItem(models.Model):
    """A side effect a person's action promised (an email, a report to generate), written in the same
    transaction as the action, so the promise is kept exactly when the action is. It is handed to the
    worker after commit and, whatever happened then (the broker down, a worker killed), by the sweep
    every minute (`intervention.queue`). Operational, not a decision, so it keeps no history: the row
    itself records what was promised, each attempt's outcome, and when it finished."""

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, blank=True)
    key = models.CharField(
        "idempotency key", max_length=200, unique=True, help_text="The same promise made twice is kept once."
    )
    queue = models.CharField(max_length=50, default="celery")
    intervention = models.ForeignKey(
        Intervention, null=True, blank=True, on_delete=models.PROTECT, related_name="outbox_items"
    )
    about = models.CharField(max_length=300, blank=True, help_text="What it is, in words, for the people shown it.")
    state = models.CharField(max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=8)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.key}): {self.state}"

    @property
    def is_failed(self) -> bool:
        return self.state == OutboxState.FAILED

    @property
    def is_finished(self) -> bool:
        return self.state in (OutboxState.DONE, OutboxState.FAILED)
