"""When an obligation, an instrument, a dated clause or an inspection report changes, its case's
deadlines are materialised again, after commit, by the worker. An issued instrument's own deadlines
are also materialised at once, in the transaction that issued, revoked or changed it, so what a
person sees next never depends on whether the worker ran in between (issue 13)."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from directions.models import Clause, Instrument, ReportingObligation
from intervention.models import Inspection, Intervention
from intervention.queue import enqueue_after_commit
from reviews.services.deadlines import apply_recorded_from, materialise_clause, materialise_instrument


def _rematerialise(intervention_id: int) -> None:
    enqueue_after_commit("reviews.materialise_deadlines", intervention_id=intervention_id)


@receiver(post_save, sender=ReportingObligation)
def obligation_changed(sender, instance: ReportingObligation, raw: bool = False, **kwargs) -> None:
    if not raw:
        _rematerialise(instance.instrument.intervention_id)


@receiver(post_save, sender=Instrument)
def instrument_changed(sender, instance: Instrument, raw: bool = False, **kwargs) -> None:
    if not raw and instance.is_issued:
        materialise_instrument(instance)
        _rematerialise(instance.intervention_id)


@receiver(post_save, sender=Clause)
def clause_changed(sender, instance: Clause, raw: bool = False, **kwargs) -> None:
    if not raw and instance.due_on:
        if instance.instrument.is_issued:  # linked to its obligation or its parties corrected: now, not later
            materialise_clause(instance, today=timezone.localdate())
        _rematerialise(instance.instrument.intervention_id)


@receiver(post_save, sender=Inspection)
def inspection_changed(sender, instance: Inspection, raw: bool = False, **kwargs) -> None:
    if raw or instance.report_received_on is None:
        return
    for intervention_id in Intervention.objects.filter(local_authority=instance.local_authority_id).values_list(
        "pk", flat=True
    ):
        _rematerialise(intervention_id)


@receiver(post_save, sender=Intervention)
def case_changed(sender, instance: Intervention, raw: bool = False, **kwargs) -> None:
    """A case recorded from a date (entered after the fact): its deadlines before the date become
    historical, in the same transaction as the change (issue 13, item 12)."""
    if not raw:
        apply_recorded_from(intervention_id=instance.pk)
