"""Lookups for ids that arrive from the address bar, where anything can be typed."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404


def get_by_id_or_404(queryset: QuerySet, pk: Any) -> Model:
    """The row with this id in the queryset, or a 404 for anything else: a missing row, a row
    outside the queryset, or text that is not an id (`?priority=abc` is a page not found, not an error)."""
    try:
        return queryset.get(pk=int(pk))
    except (TypeError, ValueError, OverflowError, queryset.model.DoesNotExist):
        raise Http404 from None
