"""Deadline pages: a case's deadlines, everyone's next 90 days, marking met, changing a date, and
the calendar feed. Thin: services decide, intervention.permissions filters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_POST

from directions.enums import EVENT_CADENCES, InstrumentStatus
from directions.models import ReportingObligation
from intervention.models import Inspection, Intervention, LocalAuthority
from intervention.permissions import Capability, capabilities_on, sees_authority
from intervention.queue import failed_items
from reviews import calendar, services
from reviews.enums import DeadlineStatus
from reviews.forms.deadlines import AuthorityFilterForm, BulkMetForm, MarkMetForm, OverrideForm
from reviews.models import CalendarFeed, Deadline
from reviews.querysets import TABLE_FIELDS, overdue_q, upcoming_q
from reviews.services.deadlines import (
    may_update_deadline,
    unaddressed_authority_reminders,
    unaddressed_reason,
    unaddressed_reminders,
)

OVERVIEW_DAYS = 90
PER_PAGE = 50


def may_update(user, intervention: Intervention) -> bool:
    capabilities = capabilities_on(user, intervention)
    return Capability.MANAGE_CASE in capabilities or Capability.HOLD_REVIEWS in capabilities


def _page(request: HttpRequest, queryset, param: str, *, count: int | None = None):
    paginator = Paginator(queryset, PER_PAGE)
    if count is not None:
        paginator.count = count  # counted with the page's other lists, in one query
    return paginator.get_page(request.GET.get(param))


def _case_deadlines_page(
    request: HttpRequest, intervention: Intervention, bulk_form: BulkMetForm | None
) -> HttpResponse:
    """Upcoming first, then overdue, then those before the case's record (historical), then met and
    cancelled; each list paginated on its own. Past open and historical deadlines carry a checkbox
    for marking several met at once, for those who may."""
    today = timezone.localdate()
    # Not `for_list()`'s case and authority for each row: every row is this case's, and the rows show neither.
    deadlines = Deadline.objects.filter(intervention=intervention).with_due_on().only(*TABLE_FIELDS)
    soonest, latest = ("effective_due_on", "pk"), ("-effective_due_on", "-pk")
    lists = {  # each list's rows, the page number's parameter, and its order
        "upcoming": (Q(status=DeadlineStatus.OPEN, effective_due_on__gte=today), "page", soonest),
        "overdue": (Q(status=DeadlineStatus.OPEN, effective_due_on__lt=today), "overdue_page", soonest),
        "historical": (Q(status=DeadlineStatus.HISTORICAL), "historical_page", soonest),
        "met": (Q(status=DeadlineStatus.MET), "met_page", latest),
        "cancelled": (Q(status=DeadlineStatus.CANCELLED), "cancelled_page", soonest),
    }
    # Five lists, one count: each paginator would otherwise count its own list.
    counts = deadlines.order_by().aggregate(**{name: Count("pk", filter=rows) for name, (rows, *_) in lists.items()})
    pages = {
        name: _page(request, deadlines.filter(rows).order_by(*order), param, count=counts[name])
        for name, (rows, param, order) in lists.items()
    }
    may = may_update(request.user, intervention)
    authority_deadlines = _page(
        request,
        Deadline.objects.filter(
            intervention__isnull=True, inspection__local_authority=intervention.local_authority_id
        ).for_list(),
        "authority_page",
    )
    if may and bulk_form is None:
        bulk_form = BulkMetForm(choosable=[])
    return render(
        request,
        "reviews/case_deadlines.html",
        {
            "intervention": intervention,
            "today": today,
            **pages,
            "may_update": may,
            "bulk_form": bulk_form if may else None,
            "selected": bulk_form.selected_ids() if may and bulk_form else set(),
            # Ofsted deadlines of the council that belong to no intervention (none was open when the
            # report arrived): the duty is the council's all the same, so its case pages show them.
            "authority_deadlines": authority_deadlines,
            "may_update_authority_deadlines": any(
                may_update_deadline(request.user, d) for d in authority_deadlines.object_list
            ),
            "unaddressed": (
                [(n, unaddressed_reason(n)) for n in unaddressed_reminders(intervention)]
                if Capability.MANAGE_CASE in capabilities_on(request.user, intervention)
                else []
            ),
            # Promised emails and reports the worker gave up on (intervention.queue), with the last error.
            "failed_promises": (
                list(failed_items(intervention=intervention)[:20])
                if Capability.MANAGE_CASE in capabilities_on(request.user, intervention)
                else []
            ),
            "waiting": ReportingObligation.objects.filter(
                instrument__intervention=intervention,
                instrument__status=InstrumentStatus.ISSUED,
                instrument__revoked_on__isnull=True,
                cadence__in=EVENT_CADENCES,
                event_on__isnull=True,
            ),
        },
    )


@login_required
def case_deadlines(request: HttpRequest, pk: int) -> HttpResponse:
    # Not `for_list()`'s instruments (the case's stage): the page does not show the stage.
    cases = Intervention.objects.visible_to(request.user).select_related("local_authority")
    intervention = get_object_or_404(cases, pk=pk)
    return _case_deadlines_page(request, intervention, None)


@login_required
def case_deadlines_met(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a selection of a case's deadlines met with one note; each still gets its own history row
    (reviews.services.mark_deadlines_met). A GET shows the case's deadlines page, where the form is."""
    intervention = get_object_or_404(Intervention.objects.visible_to(request.user).for_list(), pk=pk)
    if not may_update(request.user, intervention):
        raise PermissionDenied
    if request.method != "POST":
        return _case_deadlines_page(request, intervention, None)
    choosable = list(
        Deadline.objects.filter(
            intervention=intervention, status__in=[DeadlineStatus.OPEN, DeadlineStatus.HISTORICAL]
        ).select_related("intervention__local_authority")
    )
    form = BulkMetForm(request.POST, choosable=choosable)
    if form.is_valid():
        try:
            met = services.mark_deadlines_met(
                deadlines=form.chosen(),
                met_on=form.cleaned_data["met_on"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Marked {len(met)} deadline{'s' if len(met) != 1 else ''} as met")
            return redirect("case_deadlines", pk=intervention.pk)
    return _case_deadlines_page(request, intervention, form)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Every case's deadlines in the next 90 days first, then everything overdue, then those before
    their case's record (never overdue), for the cases the user sees; each list paginated."""
    today = timezone.localdate()
    visible = Deadline.objects.visible_to(request.user)
    authorities = list(
        LocalAuthority.objects.filter(
            Q(pk__in=Intervention.objects.visible_to(request.user).values("local_authority"))
            | Q(pk__in=visible.filter(intervention__isnull=True).values("inspection__local_authority"))
        ).values_list("pk", "name")
    )
    form = AuthorityFilterForm(request.GET or None, authorities=authorities)
    chosen = form.cleaned_data.get("authority") if form.is_valid() else ""
    if chosen:
        visible = visible.filter(
            Q(intervention__local_authority_id=chosen)
            | Q(intervention__isnull=True, inspection__local_authority=chosen)
        )
    overdue = (
        visible.overdue(on=today)
        .select_related("intervention__local_authority", "inspection__local_authority")
        .shown()
        .order_by("effective_due_on", "pk")
    )
    upcoming = (
        visible.upcoming(on=today, days=OVERVIEW_DAYS)
        .select_related("intervention__local_authority", "inspection__local_authority")
        .shown()
        .order_by("effective_due_on", "pk")
    )
    historical = (
        visible.filter(status=DeadlineStatus.HISTORICAL)
        .with_due_on()
        .select_related("intervention__local_authority", "inspection__local_authority")
        .shown()
        .order_by("-effective_due_on", "pk")
    )
    # Three lists, one count: each paginator would otherwise count its own list.
    counts = (
        visible.filter(status__in=[DeadlineStatus.OPEN, DeadlineStatus.HISTORICAL])
        .with_due_on()
        .order_by()
        .aggregate(
            overdue=Count("pk", filter=overdue_q(on=today)),
            upcoming=Count("pk", filter=upcoming_q(on=today, days=OVERVIEW_DAYS)),
            historical=Count("pk", filter=Q(status=DeadlineStatus.HISTORICAL)),
        )
    )
    return render(
        request,
        "reviews/overview.html",
        {
            "form": form,
            "overdue": _page(request, overdue, "overdue_page", count=counts["overdue"]),
            "upcoming": _page(request, upcoming, "page", count=counts["upcoming"]),
            "historical": _page(request, historical, "historical_page", count=counts["historical"]),
            "days": OVERVIEW_DAYS,
            "today": today,
            # The overview only lists: marking met and moving dates happen on each case's page.
            "may_update": False,
        },
    )


def _deadline_for_update(request: HttpRequest, pk: int) -> Deadline:
    deadline = get_object_or_404(
        Deadline.objects.visible_to(request.user).select_related(
            "intervention__local_authority", "inspection__local_authority"
        ),
        pk=pk,
    )
    if not may_update_deadline(request.user, deadline):
        raise PermissionDenied
    return deadline


def _deadline_form(request: HttpRequest, pk: int, form_class, template: str, apply) -> HttpResponse:
    deadline = _deadline_for_update(request, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            apply(deadline, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(deadline.get_absolute_url())
    return render(
        request,
        template,
        {"deadline": deadline, "intervention": deadline.intervention, "authority": deadline.authority, "form": form},
    )


@login_required
def authority_detail(request: HttpRequest, dfe_code: str) -> HttpResponse:
    """A council's own page, for a council with or without a case: its inspections, each with its
    Ofsted deadlines (30 and 70 working days after the report arrives). Those that belong to no
    intervention are marked met here, by DfE. Seen by DfE, the council's own people and those
    appointed to one of its cases; anyone else gets the same 404 as a council that does not exist."""
    authority = get_object_or_404(LocalAuthority, dfe_code=dfe_code)
    if not sees_authority(request.user, authority):
        raise Http404
    cases = list(Intervention.objects.visible_to(request.user).filter(local_authority=authority).order_by("-opened_on"))
    visible_cases = {case.pk for case in cases}
    deadlines = (
        Deadline.objects.filter(inspection__local_authority=authority)
        .filter(Q(intervention__isnull=True) | Q(intervention__in=visible_cases))
        .for_list()
    )
    by_inspection: dict[int, list[Deadline]] = {}
    for deadline in deadlines:
        assert deadline.inspection_id is not None  # filtered on the inspection's authority
        by_inspection.setdefault(deadline.inspection_id, []).append(deadline)
    inspections = [
        (
            inspection,
            by_inspection.get(inspection.pk, []),
            _may_update_all(request, by_inspection.get(inspection.pk, [])),
        )
        for inspection in Inspection.objects.filter(local_authority=authority).order_by("-fieldwork_ends_on")
    ]
    return render(
        request,
        "reviews/authority.html",
        {
            "authority": authority,
            "cases": cases,
            "inspections": inspections,
            "today": timezone.localdate(),
            "unaddressed": [
                (notification, unaddressed_reason(notification))
                for notification in unaddressed_authority_reminders(authority)
                if may_update_deadline(request.user, notification.deadline)
            ],
        },
    )


def _may_update_all(request: HttpRequest, deadlines: list[Deadline]) -> bool:
    return bool(deadlines) and all(may_update_deadline(request.user, deadline) for deadline in deadlines)


@login_required
def mark_met(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(deadline: Deadline, data: dict) -> None:
        services.mark_deadline_met(deadline=deadline, met_on=data["met_on"], note=data["note"], by=request.user)
        messages.success(request, f"Marked as met: {deadline.what}")

    return _deadline_form(request, pk, MarkMetForm, "reviews/deadline_met.html", apply)


@login_required
def override(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(deadline: Deadline, data: dict) -> None:
        services.override_deadline_date(
            deadline=deadline, due_on=data["due_on"], reason=data["reason"], by=request.user
        )
        messages.success(request, f"Date changed to {data['due_on']:%-d %B %Y}: {deadline.what}")

    return _deadline_form(request, pk, OverrideForm, "reviews/deadline_override.html", apply)


# The address made by the last POST, shown once by the next GET. Kept in the session (on the server),
# never in a URL or a cookie.
NEW_FEED_URL = "new_calendar_feed_url"


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated  # login_required
    feed = CalendarFeed.objects.filter(user=request.user).first()
    new_feed_url = request.session.pop(NEW_FEED_URL, None)
    return render(request, "reviews/calendar.html", {"feed": feed, "new_feed_url": new_feed_url})


@login_required
@require_POST
def rotate_calendar(request: HttpRequest) -> HttpResponse:
    """Make the person's calendar address, or a new one in place of the old, which stops working."""
    assert request.user.is_authenticated  # login_required
    replacing = CalendarFeed.objects.filter(user=request.user).exists()
    token = calendar.make_feed_token(user=request.user)
    request.session[NEW_FEED_URL] = request.build_absolute_uri(reverse("calendar_feed", args=[token]))
    if replacing:
        messages.success(
            request,
            "Your calendar address has changed. The old address no longer works: subscribe again with the new one.",
        )
    else:
        messages.success(request, "Your calendar address has been made.")
    return redirect("calendar_settings")


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in: calendar programs cannot sign in. The secret address is the key, and it can be rotated.
    Answers conditional GETs (304 when the person's deadlines have not changed). Private and revalidated
    on every poll: it lists the deadlines of the person's cases, so no shared cache may keep it."""
    feed = calendar.feed_for_token(token)
    if feed is None or not feed.user.is_active:
        raise Http404
    today = timezone.localdate()
    stamp = calendar.feed_stamp(feed.user, today=today)
    etag = quote_etag(stamp.etag)
    last_modified = http_date(stamp.last_modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=int(stamp.last_modified.timestamp()))
    if response is None:
        body = calendar.cached_feed_for(feed.user, today=today, stamp=stamp)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    return response
