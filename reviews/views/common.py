"""What the reviews app's pages share: finding the case a person may see, and showing a service's
refusal as the form's error."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from intervention.middleware import bind_case_to_logs
from intervention.models import Intervention


def get_case(request: HttpRequest, pk: int) -> Intervention:
    """The case, if the person may see it; otherwise a 404 worded as for a case that does not exist.
    Its id goes on the request's log lines (and its tasks')."""
    case = get_object_or_404(Intervention.objects.visible_to(request.user).select_related("local_authority"), pk=pk)
    bind_case_to_logs(case.pk)
    return case


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def apply_service(form: Any, action: Any) -> bool:
    """Run a service; a refusal becomes the form's error, shown in the error summary."""
    try:
        action()
    except ValidationError as error:
        form.add_error(None, error_text(error))
        if getattr(error, "code", None) == "stale" and hasattr(form, "refused_as_stale"):
            form.refused_as_stale()
        return False
    return True
