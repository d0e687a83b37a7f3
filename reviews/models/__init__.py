"""The reviews app's models, one module per part of the work: deadlines, progress, evidence,
indicators, reviews and reports."""

from reviews.models.deadlines import CalendarFeed, Deadline, Notification
from reviews.models.evidence import EvidenceFile
from reviews.models.progress import (
    ImprovementPlan,
    Indicator,
    Measurement,
    PlanAction,
    PlanObjective,
    ProgressUpdate,
)

__all__ = [
    "CalendarFeed",
    "Deadline",
    "EvidenceFile",
    "ImprovementPlan",
    "Indicator",
    "Measurement",
    "Notification",
    "PlanAction",
    "PlanObjective",
    "ProgressUpdate",
]

# Setting up a case's work (agreed plans, due-date moves, imports), reviews and reports.
from reviews.models.imports import ImportBatch, ImportKind, ImportStatus
from reviews.models.planning import DueDateMove, PlanAgreement
from reviews.models.reports import (
    CabinetPaper,
    Classification,
    CouncilSections,
    MinisterialReportWords,
    Report,
    ReportKind,
    ReportVersion,
    VersionStatus,
)
from reviews.models.reviewing import Assessment, Recommendation, Review, ReviewKind, ReviewStatus

__all__ += [
    "Assessment",
    "CabinetPaper",
    "Classification",
    "CouncilSections",
    "DueDateMove",
    "ImportBatch",
    "ImportKind",
    "ImportStatus",
    "MinisterialReportWords",
    "PlanAgreement",
    "Recommendation",
    "Report",
    "ReportKind",
    "ReportVersion",
    "Review",
    "ReviewKind",
    "ReviewStatus",
    "VersionStatus",
]
