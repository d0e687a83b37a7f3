"""Read-only pages of the instruments, for everyone entitled to see the case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from directions.enums import Part
from directions.models import Clause, Instrument


@login_required
def instrument_detail(request: HttpRequest, case_pk: int, pk: int) -> HttpResponse:
    instrument = get_object_or_404(
        Instrument.objects.visible_to(request.user)
        .select_related("intervention__local_authority", "revokes", "revoked_by", "terms_of_reference")
        .prefetch_related(
            Prefetch("clauses", queryset=Clause.objects.order_by("position", "pk")),
            "service_priorities",
            "reporting_obligations",
            "amendments",
        ),
        intervention_id=case_pk,
        pk=pk,
    )
    return render(
        request,
        "directions/instrument_detail.html",
        {
            "instrument": instrument,
            "intervention": instrument.intervention,
            "recitals": instrument.paragraphs(Part.RECITAL),
            "operative": instrument.paragraphs(Part.OPERATIVE),
            "terms": instrument.paragraphs(Part.TERMS_OF_REFERENCE),
            "terms_of_reference": getattr(instrument, "terms_of_reference", None),
        },
    )
