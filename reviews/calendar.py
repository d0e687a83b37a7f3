"""The iCalendar feed of a person's deadlines (RFC 5545, with the icalendar package), at a secret
address of which only the token's hash is kept.

The feed covers a window (the past three months and the next 18), so its size does not follow the years
of records. Calendar programs poll it, so each poll first asks one cheap question (`feed_stamp`): how
many of the person's deadlines are in the window and when the latest of them changed. That stamp, with
what the person may see and the window, is the feed's ETag and its cache key: an unchanged feed is a 304,
or the cached body, and a changed deadline (or a changed appointment) gives a new key."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from icalendar import Calendar, Event

from intervention.dates import add_months
from intervention.permissions import access_for
from intervention.services import save_with_history
from reviews.enums import DeadlineStatus
from reviews.models import CalendarFeed, Deadline
from reviews.models.deadlines import hash_feed_token, new_feed_token

# The feed's window: deadlines due from this many months ago to this many ahead.
WINDOW_MONTHS_PAST = 3
WINDOW_MONTHS_AHEAD = 18
# A cached feed is dropped after a day at most; a new stamp makes a new key long before that.
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class FeedStamp:
    """What a poll learns cheaply: the feed's validator (ETag) and when it last changed."""

    etag: str
    last_modified: datetime.datetime


def window(*, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last due dates the feed lists."""
    return add_months(today, -WINDOW_MONTHS_PAST), add_months(today, WINDOW_MONTHS_AHEAD)


def _feed_deadlines(user: Any, *, start: datetime.date, end: datetime.date | None = None) -> Any:
    deadlines = (
        Deadline.objects.visible_to(user)
        # Cancelled ones, and those from before a case's record (nobody knows whether they were met).
        .exclude(status__in=[DeadlineStatus.CANCELLED, DeadlineStatus.HISTORICAL])
        .with_due_on()
        .filter(effective_due_on__gte=start)
    )
    return deadlines if end is None else deadlines.filter(effective_due_on__lte=end)


def feed_stamp(user: Any, *, today: datetime.date) -> FeedStamp:
    """One aggregate query. The ETag changes when a deadline in the window changes (each save moves its
    `updated_at`), when one enters or leaves it (the count, the window's dates), and when what the person
    may see changes (their access is part of it). Last-Modified is the latest change, or the start of
    today, since the window moves each day."""
    start, end = window(today=today)
    latest = _feed_deadlines(user, start=start, end=end).aggregate(changed=Max("updated_at"), count=Count("pk"))
    access = access_for(user)
    seen = (
        access.sees_everything,
        access.local_authority_id,
        sorted(access.roles),
        sorted(access.appointed_authority_ids),
    )
    changed = latest["changed"]
    text = f"{user.pk}|{start}|{end}|{latest['count']}|{changed.isoformat() if changed else '-'}|{seen}"
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    last_modified = max(changed, midnight) if changed else midnight
    return FeedStamp(etag=hashlib.sha256(text.encode()).hexdigest()[:32], last_modified=last_modified)


def cached_feed_for(user: Any, *, today: datetime.date, stamp: FeedStamp) -> bytes:
    """The feed for this stamp: from the cache, or built and cached. The key holds the stamp, so a
    changed deadline is never served from a stale entry."""
    key = f"calendar-feed:{user.pk}:{stamp.etag}"
    body: bytes | None = cache.get(key)
    if body is None:
        start, end = window(today=today)
        body = feed_for(user, start=start, end=end)
        cache.set(key, body, CACHE_SECONDS)
    return body


def feed_for(user: Any, *, start: datetime.date, end: datetime.date | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//DfE//Children's services intervention casework//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Intervention deadlines")
    deadlines = (
        _feed_deadlines(user, start=start, end=end)
        .select_related("intervention__local_authority", "inspection__local_authority")
        .order_by("effective_due_on", "pk")
    )
    stamp = timezone.now()
    for deadline in deadlines:
        event = Event()
        event.add("uid", f"deadline-{deadline.pk}@intervention-casework")
        event.add("dtstamp", stamp)
        event.add("dtstart", deadline.due_on)
        event.add("dtend", deadline.due_on + datetime.timedelta(days=1))
        met = " (met)" if deadline.status == DeadlineStatus.MET else ""
        event.add("summary", f"{deadline.authority.name}: {deadline.what}{met}")
        description = [f"Due {deadline.due_on:%-d %B %Y}"]
        if deadline.delivered_by:
            description.append(f"From: {deadline.delivered_by}")
        if deadline.recipient:
            description.append(f"To: {deadline.recipient}")
        event.add("description", "\n".join(description))
        event.add("url", f"{settings.SITE_URL}{deadline.get_absolute_url()}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed whose address has this token, or None."""
    return CalendarFeed.objects.select_related("user").filter(token_hash=hash_feed_token(token)).first()


@transaction.atomic
def make_feed_token(*, user: Any) -> str:
    """Give the person a new calendar address and return its token. An address they had stops working at
    once. Only the token's hash is stored: this is the one time the token can be shown."""
    token = new_feed_token()
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        feed, reason = CalendarFeed(user=user), "Calendar address made"
    else:
        reason = "Calendar address rotated"
    feed.token_hash = hash_feed_token(token)
    feed.rotated_at = timezone.now()
    save_with_history(feed, by=user, reason=reason)
    return token
