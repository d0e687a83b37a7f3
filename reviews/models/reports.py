"""Generated reports. A Report is the document being prepared (its kind, case, period and
classification); each generation is a ReportVersion, immutable once ready, with the PDF's SHA-256,
who asked for it and when. Regenerating makes a new version and the old one stays downloadable.
A signed-off version is rendered from the draft its signer approved, without the DRAFT marking,
and the report is then frozen. The council's own words for a cabinet report are a CabinetPaper; the
commissioner's own words in a report to the Minister are a MinisterialReportWords."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from directions.enums import ReportKind
from directions.models import Instrument
from intervention.enums import Role
from intervention.files import named_storage
from intervention.models import Intervention, LocalAuthority
from intervention.paths import reverse_ids
from intervention.permissions import Capability
from intervention.validators import sensible_date
from reviews.models.reviewing import Review

REPORT_PERIOD_BACKWARDS = "The end of the period must be the same as or after its start"
VERSION_IS_IMMUTABLE = "Version {number} of this report is ready and cannot be changed: generate a new version"
# What people are told when a version failed. The reason (an exception's text, a time limit) is for the
# logs and the admin only: it can name files, libraries and the machine's insides.
VERSION_FAILED = (
    "Version {number} could not be generated. Try again, or contact the service administrator if it fails again."
)


# Who signs each kind off when no reporting obligation of the case says who delivers it (the signatory
# is then the obligation's deliverer: reviews.services.signatories). An instrument was signed by its own
# signatory: its copy is not signed off here.
SIGN_OFF_ROLES: dict[str, str | None] = {
    ReportKind.CABINET: Role.DIRECTOR_OF_CHILDRENS_SERVICES,
    ReportKind.PROGRESS: Role.COMMISSIONER,
    ReportKind.HIGHLIGHT: Role.DFE_CASE_LEAD,
    ReportKind.MINISTERIAL_UPDATE: Role.COMMISSIONER,
    ReportKind.INSTRUMENT: None,
}


SIGN_OFF_ROLE_WORDS: dict[str, str] = {
    Role.DIRECTOR_OF_CHILDRENS_SERVICES: "director of children's services",
    Role.COMMISSIONER: "commissioner",
    Role.DFE_CASE_LEAD: "DfE case lead",
    Role.IMPROVEMENT_ADVISER: "improvement adviser",
    Role.INTERVENTION_ADVISER: "intervention adviser",
    Role.IMPROVEMENT_BOARD_CHAIR: "improvement board chair",
}

# The kinds whose drafts only their author, their signatory and DfE may read (reports to the Minister,
# and DfE's own highlight report): intervention.permissions.report_filter. The cabinet report is the
# council's own, and an instrument's copy is the instrument the council was given.
RESTRICTED_DRAFT_KINDS = frozenset({ReportKind.PROGRESS, ReportKind.MINISTERIAL_UPDATE, ReportKind.HIGHLIGHT})


class Classification(models.TextChoices):
    """The marking printed on every page: a Government Security Classification, or, for a council's
    own paper, the council's marking (its cabinet paper's "Classification", such as "Open")."""

    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"
    COUNCIL = "COUNCIL", "The council's own marking"


# By kind and audience: what is published on GOV.UK (the commissioner's progress report to the Minister,
# an issued notice or direction) is OFFICIAL; a council's cabinet paper carries the council's marking;
# DfE's internal highlight reports and the quarterly updates to the Minister are OFFICIAL-SENSITIVE.
DEFAULT_CLASSIFICATION: dict[str, str] = {
    ReportKind.CABINET: Classification.COUNCIL,
    ReportKind.PROGRESS: Classification.OFFICIAL,
    ReportKind.HIGHLIGHT: Classification.OFFICIAL_SENSITIVE,
    ReportKind.MINISTERIAL_UPDATE: Classification.OFFICIAL_SENSITIVE,
    ReportKind.INSTRUMENT: Classification.OFFICIAL,
}


class VersionStatus(models.TextChoices):
    GENERATING = "generating", "Generating"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def report_storage() -> Storage:
    """STORAGES["reports"]: object storage or disk (intervention.files). Reports have no public address
    and are served only through a permission check."""
    return named_storage("reports")


def report_path(instance: ReportVersion, filename: str) -> str:
    return f"case-{instance.report.intervention_id}/report-{instance.report_id}/{uuid.uuid4().hex}.pdf"


def published_report_path(instance: CabinetPaper, filename: str) -> str:
    """Never the uploader's name: the case, the report and a random id."""
    return f"case-{instance.report.intervention_id}/report-{instance.report_id}/appendix-{uuid.uuid4().hex}.pdf"


class ListedVersions(NamedTuple):
    latest: ReportVersion | None
    ready: ReportVersion | None
    signed: ReportVersion | None


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user: object) -> ReportQuerySet:
        """The reports the user may read: of a case they may see, and, for a draft report to the Minister
        or DfE, only its author, its signatory and DfE (intervention.permissions.report_filter)."""
        from intervention.permissions import report_filter

        versions = ReportVersion.objects.filter(report=models.OuterRef("pk"))
        user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
        return self.alias(
            is_signed_off=models.Exists(versions.filter(is_final=True)),
            asked_for_a_version=models.Exists(versions.filter(requested_by_id=user_id)),
        ).filter(
            report_filter(
                user,
                restricted=models.Q(kind__in=RESTRICTED_DRAFT_KINDS),
                signed_off=models.Q(is_signed_off=True),
                sensitive=models.Q(classification=Classification.OFFICIAL_SENSITIVE),
                authors=models.Q(created_by_id=user_id) | models.Q(asked_for_a_version=True),
                signatory_role_field="signatory_role",
            )
        )

    def for_list(self) -> ReportQuerySet:
        """With the case and every version's summary (not its content), newest first: a fixed number of queries."""
        versions = ReportVersion.objects.defer("body_html").order_by("-number")
        return (
            self.select_related("intervention__local_authority", "created_by")
            .prefetch_related(models.Prefetch("versions", queryset=versions))
            .order_by("-created_at", "-pk")
        )


class Report(models.Model):
    intervention = models.ForeignKey(Intervention, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=30, choices=ReportKind.choices)
    title = models.CharField(max_length=300)
    period_start = models.DateField(null=True, blank=True, validators=[sensible_date])
    period_end = models.DateField(null=True, blank=True, validators=[sensible_date])
    classification = models.CharField(max_length=20, choices=Classification.choices)
    review = models.ForeignKey(
        Review,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text="The review the report is about (progress and cabinet reports).",
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, null=True, blank=True, related_name="reports")
    commentary = models.TextField(
        blank=True, help_text="Risks and other points in the author's words (highlight reports and updates)."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_created")
    created_at = models.DateTimeField(default=timezone.now)
    signatory_role = models.CharField(
        "signed off by",
        max_length=30,
        choices=Role.choices,
        blank=True,
        help_text="The role that signs it off: the deliverer of the reporting obligation that requires it, else the "
        "kind's. Set when it is started and each time a version is generated.",
    )
    # The words of its latest generated version, as plain text, for search (reviews.services.search):
    # the versions keep their own history, so this copy keeps none.
    text = models.TextField("text of the latest version", blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["text"])

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at"], name="report_newest_first"),
            models.Index(fields=["intervention", "kind"], name="report_case_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse_ids("report_detail", self.pk)

    @property
    def case(self) -> Intervention:
        return self.intervention

    @property
    def sign_off_role(self) -> str | None:
        """The role recorded as signing it off (reviews.services.signatories decides it), else the kind's."""
        if SIGN_OFF_ROLES[self.kind] is None:
            return None
        return self.signatory_role or SIGN_OFF_ROLES[self.kind]

    @property
    def sign_off_role_label(self) -> str:
        """The role in words that read inside a sentence ("signed off by the DfE case lead")."""
        return SIGN_OFF_ROLE_WORDS.get(self.sign_off_role or "", "")

    def latest_version(self) -> ReportVersion | None:
        """From prefetched versions when there are any (for_list), else one query."""
        versions = list(self.versions.all())
        return versions[0] if versions else None

    def latest_ready_version(self) -> ReportVersion | None:
        return next((v for v in self.versions.all() if v.status == VersionStatus.READY), None)

    def signed_off_version(self) -> ReportVersion | None:
        return next((v for v in self.versions.all() if v.is_final), None)

    def listed_versions(self) -> ListedVersions:
        """The latest, the latest ready and the signed-off version, from one pass over the (prefetched)
        versions: a list of reports shows all three on every row."""
        versions = list(self.versions.all())
        return ListedVersions(
            latest=versions[0] if versions else None,
            ready=next((v for v in versions if v.status == VersionStatus.READY), None),
            signed=next((v for v in versions if v.is_final), None),
        )

    @property
    def marking(self) -> str:
        """The marking as printed: the council's own for its cabinet paper, else the classification."""
        if self.classification == Classification.COUNCIL:
            paper = getattr(self, "cabinet_paper", None) if self.kind == ReportKind.CABINET else None
            return (paper.council_classification.strip() if paper else "") or "Open"
        return self.classification

    @property
    def period_label(self) -> str:
        if not (self.period_start and self.period_end):
            return ""
        return f"{self.period_start:%-d %B %Y} to {self.period_end:%-d %B %Y}"

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": REPORT_PERIOD_BACKWARDS})


class ReportVersion(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.GENERATING)
    is_final = models.BooleanField("signed off", default=False)
    based_on = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_off_as",
        help_text="For a signed-off version: the draft its signer approved.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_versions_requested"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(
        blank=True,
        help_text="Why generation failed, for the logs and the admin: the service's pages say only that it failed.",
    )
    body_html = models.TextField(blank=True, help_text="The report's content, as rendered: the HTML version.")
    marking = models.CharField(
        max_length=50, blank=True, help_text="The classification marking printed on this version, as it was generated."
    )
    file = models.FileField(upload_to=report_path, storage=report_storage, max_length=200, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_versions_signed_off",
    )
    signer_name = models.CharField(max_length=200, blank=True)
    signer_role = models.CharField(max_length=100, blank=True)
    signed_off_on = models.DateField(null=True, blank=True, validators=[sensible_date])
    declaration = models.TextField(
        blank=True, help_text="For a signed-off version: what its signer declared, in the words they ticked."
    )
    declared_at = models.DateTimeField("declared", null=True, blank=True)
    # The content is kept once, on the row: the history records who asked and what happened to it.
    history = HistoricalRecords(excluded_fields=["body_html"])

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="unique_report_version_number"),
            models.UniqueConstraint(
                fields=["report"], condition=models.Q(is_final=True), name="one_signed_off_version_per_report"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report}, version {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A ready version is what someone downloaded, signed or sent: no code path may rewrite it.
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("status", "sha256", "body_html", "file").first()
            if (
                stored is not None
                and stored[0] == VersionStatus.READY
                and (self.status, self.sha256, self.body_html, self.file.name) != stored
            ):
                raise ValidationError(VERSION_IS_IMMUTABLE.format(number=self.number))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("report_version_html", kwargs={"pk": self.report_id, "number": self.number})

    @property
    def case(self) -> Intervention:
        return self.report.intervention

    @property
    def download_url(self) -> str:
        return reverse_ids("report_version_download", self.report_id, self.number)

    @property
    def status_url(self) -> str:
        return reverse("report_version_status", kwargs={"pk": self.report_id, "number": self.number})

    @property
    def shown_marking(self) -> str:
        """This version's marking; the report's, for a version generated before versions kept their own."""
        return self.marking or self.report.marking

    @property
    def is_ready(self) -> bool:
        return self.status == VersionStatus.READY

    @property
    def is_stalled(self) -> bool:
        """Judged from its own run, never from how long it has waited: a worker started it and has run
        far past the time limit that kills it (the worker died with it). A version still waiting in the
        queue, behind other work or a queue that is down, is generating: the outbox will run it."""
        if self.status != VersionStatus.GENERATING or self.started_at is None:
            return False
        limit = datetime.timedelta(seconds=settings.REPORT_TIME_LIMIT_SECONDS * 2 + 60)
        return self.started_at < timezone.now() - limit

    @property
    def shown_status(self) -> str:
        if self.is_stalled:
            return VersionStatus.FAILED
        return self.status

    @property
    def is_failed(self) -> bool:
        return self.shown_status == VersionStatus.FAILED

    @property
    def failure_message(self) -> str:
        """What the service's pages say about a failed version, without the technical reason."""
        return VERSION_FAILED.format(number=self.number)

    @property
    def is_generating(self) -> bool:
        return self.shown_status == VersionStatus.GENERATING


class CabinetPaper(models.Model):
    """The council's own words in its cabinet report, editable until the report is signed off. The
    rest (the key considerations) is filled from the case: inspections, instruments, reviews."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="cabinet_paper")
    meeting = models.CharField(max_length=100, default="Cabinet")
    meeting_date = models.DateField(null=True, blank=True, validators=[sensible_date])
    report_by = models.TextField(blank=True, help_text="One a line, e.g. Cabinet member children and young people.")
    report_author = models.CharField(max_length=200, blank=True)
    council_classification = models.CharField(
        "classification", max_length=50, default="Open", help_text="The council's: Open, or Exempt with the reason."
    )
    decision_type = models.CharField(max_length=50, default="Non-key")
    wards_affected = models.CharField(max_length=200, default="(All Wards);")
    purpose = models.TextField(blank=True)
    recommendations = models.TextField(blank=True, help_text="One a line. They are lettered a), b), …")
    alternative_options = models.TextField(blank=True)
    further_considerations = models.TextField(
        blank=True, help_text="Optional paragraphs added after the key considerations filled from the case."
    )
    community_impact = models.TextField(blank=True)
    environmental_impact = models.TextField(blank=True)
    equality_duty = models.TextField(blank=True)
    risk_management = models.TextField(blank=True)
    consultees = models.TextField(blank=True)
    appendices = models.TextField(blank=True, help_text="One a line.")
    published_report = models.FileField(
        "published report (PDF)",
        upload_to=published_report_path,
        storage=report_storage,
        max_length=200,
        blank=True,
        help_text="Appendix 1, when the report it presents was not signed off in this service.",
    )
    ofsted_report_url = models.URLField("address of the Ofsted inspection report", max_length=500, blank=True)
    direction_url = models.URLField("address of the statutory direction", max_length=500, blank=True)
    revised_direction_url = models.URLField("address of the revised statutory direction", max_length=500, blank=True)
    published_report_url = models.URLField("address of the published report", max_length=500, blank=True)
    background_papers = models.TextField(blank=True)
    reviewers = models.JSONField(
        default=dict, blank=True, help_text="Report reviewers: for each area, the name and the date they reviewed it."
    )
    history = HistoricalRecords()

    change_capability = Capability.LOG_PROGRESS

    def __str__(self) -> str:
        return f"Cabinet paper: {self.report}"

    @property
    def is_key_decision(self) -> bool:
        """The decision type is free text, as councils write it: "Key" or "Key decision" is a key
        decision, which needs 28 clear days' public notice before the meeting."""
        return self.decision_type.strip().lower().removesuffix(" decision") == "key"

    @property
    def case(self) -> Intervention:
        return self.report.intervention


# The themes a commissioner's findings are set out under, as published commissioners' reports on
# children's services group them (Herefordshire, Sandwell, Slough, Doncaster): (key, heading).
FINDING_THEMES: list[tuple[str, str]] = [
    ("leadership", "Leadership and governance"),
    ("practice", "Practice quality"),
    ("workforce", "Workforce"),
    ("partnerships", "Partnerships"),
    ("finance", "Finance and resources"),
    ("capacity", "The council's capacity and capability to improve"),
]

# How published reports address the Minister: by role (the seed cabinet paper's words).
MINISTER = "Minister of State for Children and Families"


class MinisterialReportWords(models.Model):
    """The commissioner's own words in a report to the Minister (the progress report and the quarterly
    written update): the conclusion, the numbered recommendations, the findings under each theme and
    the review date recommended. Editable until the report is signed off; the rest of the report (the
    ratings, the narratives, the figures) comes from the case.

    `version` counts saves, so a form opened before someone else saved is refused, not overwritten."""

    report = models.OneToOneField(Report, on_delete=models.PROTECT, related_name="ministerial_words")
    addressed_to = models.CharField("to", max_length=200, default=MINISTER)
    conclusion = models.TextField(blank=True)
    recommendations = models.TextField(blank=True, help_text="One a line. They are numbered 1, 2, 3.")
    review_date = models.DateField("review date recommended", null=True, blank=True, validators=[sensible_date])
    findings_leadership = models.TextField(blank=True)
    findings_practice = models.TextField(blank=True)
    findings_workforce = models.TextField(blank=True)
    findings_partnerships = models.TextField(blank=True)
    findings_finance = models.TextField(blank=True)
    findings_capacity = models.TextField(blank=True)
    nothing_leadership = models.BooleanField(default=False)
    nothing_practice = models.BooleanField(default=False)
    nothing_workforce = models.BooleanField(default=False)
    nothing_partnerships = models.BooleanField(default=False)
    nothing_finance = models.BooleanField(default=False)
    nothing_capacity = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    change_capability = Capability.HOLD_REVIEWS

    def __str__(self) -> str:
        return f"The commissioner's words: {self.report}"

    @property
    def case(self) -> Intervention:
        return self.report.intervention

    @property
    def recommendation_list(self) -> list[str]:
        return [line.strip() for line in self.recommendations.splitlines() if line.strip()]

    def findings(self, theme: str) -> str:
        return str(getattr(self, f"findings_{theme}"))

    def nothing_to_report(self, theme: str) -> bool:
        return bool(getattr(self, f"nothing_{theme}"))


STALE_COUNCIL_SECTIONS = "Someone else changed the council's standing sections while you were editing them"


class CouncilSections(models.Model):
    """A council's standing sections of its cabinet papers, in its own words, entered once and printed
    in each of its cabinet reports: a council without a section's words gets the heading and "To be
    completed", which blocks sign-off."""

    local_authority = models.OneToOneField(LocalAuthority, on_delete=models.PROTECT, related_name="cabinet_sections")
    legal_implications = models.TextField(blank=True)
    resource_implications = models.TextField(blank=True, help_text="Financial and resource implications.")
    version = models.PositiveIntegerField(default=0, help_text="Counts saves, so a stale form is refused.")
    history = HistoricalRecords()

    change_capability = Capability.LOG_PROGRESS

    class Meta:
        verbose_name = "council's cabinet paper sections"
        verbose_name_plural = "councils' cabinet paper sections"

    def __str__(self) -> str:
        return f"Cabinet paper sections: {self.local_authority}"
