"""What every page's header needs from the reviews app: how much work waits for the person."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject, lazy

from reviews.services.work import work_count


def your_work(request: HttpRequest) -> dict[str, object]:
    """The count beside "Your work" in the service navigation: one query (after the access the page has
    already worked out, intervention.context_processors.service), made only when a page shows it, so the
    admin's pages, which do not, pay nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counted: list[int] = []

    def count() -> int:
        if not counted:
            counted.append(work_count(user))
        return counted[0]

    return {
        "your_work_count": SimpleLazyObject(count),
        "your_work_label": lazy(lambda: f"Your work ({count()})", str)(),
    }
