"""Each person's work: what is waiting for them, and marking a notice read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from intervention import notices
from intervention.models import Notice
from intervention.permissions import access_for
from reviews.services import work


@login_required
def your_work(request: HttpRequest) -> HttpResponse:
    groups = work.work_for(request.user)
    return render(
        request,
        "reviews/work/your_work.html",
        {"groups": [group for group in groups if group.items], "total": sum(len(group.items) for group in groups)},
    )


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of the person's own notices read (another person's is a 404), then open the thing it is
    about if asked, else return to the work page."""
    notice = get_object_or_404(Notice, pk=pk, person_id=access_for(request.user).person_id or -1)
    notices.mark_read(notice=notice, by=request.user)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    messages.success(request, f"Marked as read: {notice.what}")
    return redirect("your_work")
