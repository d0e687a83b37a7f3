"""What every page's header needs from the reviews app: how much work waits for the person."""

from __future__ import annotations

from django.http import HttpRequest

from reviews.services.work import work_count


def your_work(request: HttpRequest) -> dict[str, object]:
    """The count beside "Your work" in the service navigation: one query, after the access the page
    has already worked out (intervention.context_processors.service)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = work_count(user)
    return {"your_work_count": count, "your_work_label": f"Your work ({count})"}
