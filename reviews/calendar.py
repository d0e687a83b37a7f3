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
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

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


PRODID = "-//DfE//Children's services intervention casework//EN"
CALENDAR_NAME = "Intervention deadlines"
FOLD_AT = 75  # octets: RFC 5545's longest content line, the line break excluded


def feed_for(user: Any, *, start: datetime.date, end: datetime.date | None = None) -> bytes:
    """The feed's iCalendar text, written line by line: the same text the icalendar package writes
    (its property order, escaping and folding), at a fraction of its cost per event, since a DfE
    member of staff's feed holds every case's deadlines in the window (thousands of events). The rows
    come as plain values, not model instances, for the same reason."""
    deadlines = (
        _feed_deadlines(user, start=start, end=end)
        .order_by("effective_due_on", "pk")
        .values_list(
            "pk",
            "effective_due_on",
            "status",
            "what",
            "delivered_by",
            "recipient",
            "intervention_id",
            "intervention__local_authority__name",
            "inspection__local_authority__name",
            "inspection__local_authority__dfe_code",
        )
    )
    stamp = timezone.now().astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{_text(PRODID)}", f"X-WR-CALNAME:{_text(CALENDAR_NAME)}"]
    urls: dict[Any, str] = {}
    days: dict[datetime.date, tuple[str, str, str]] = {}  # many deadlines fall on the same day
    for pk, due_on, status, what, delivered_by, recipient, case_id, case_authority, authority, dfe_code in deadlines:
        # A case's deadline is listed on its case's deadlines page; an inspection's on its authority's page.
        key = case_id if case_id is not None else f"authority {dfe_code}"
        url = urls.get(key)
        if url is None:
            path = (
                reverse("case_deadlines", args=[case_id])
                if case_id is not None
                else reverse("authority_detail", args=[dfe_code])
            )
            url = urls[key] = _fold(f"URL:{settings.SITE_URL}{path}")
        day = days.get(due_on)
        if day is None:
            day = days[due_on] = (
                f"{due_on:%Y%m%d}",
                f"{due_on + datetime.timedelta(days=1):%Y%m%d}",
                f"Due {due_on:%-d %B %Y}",
            )
        starts, ends, due = day
        met = " (met)" if status == DeadlineStatus.MET else ""
        description = due
        if delivered_by:
            description += f"\nFrom: {delivered_by}"
        if recipient:
            description += f"\nTo: {recipient}"
        summary = _fold(f"SUMMARY:{_text(f'{case_authority if case_id is not None else authority}: {what}{met}')}")
        lines.append(
            f"BEGIN:VEVENT\r\n{summary}\r\nDTSTART;VALUE=DATE:{starts}\r\nDTEND;VALUE=DATE:{ends}\r\n"
            f"DTSTAMP:{stamp}\r\nUID:deadline-{pk}@intervention-casework\r\n"
            f"{_fold(f'DESCRIPTION:{_text(description)}')}\r\nTRANSP:TRANSPARENT\r\n{url}\r\nEND:VEVENT"
        )
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


ESCAPED = re.compile(r"[\\;,\r\n]")


def _text(value: str) -> str:
    """RFC 5545 TEXT escaping, in the icalendar package's order (backslashes first)."""
    if ESCAPED.search(value) is None:
        return value
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _fold(line: str) -> str:
    """A content line folded as the icalendar package folds it: pieces under 75 octets, joined by a
    line break and a space, never splitting a backslash escape from what it escapes."""
    if line.isascii():  # one octet a character: cut by slicing
        if len(line) < FOLD_AT:
            return line
        pieces = []
        begin = 0
        while len(line) - begin >= FOLD_AT:
            cut = begin + FOLD_AT - 1
            if line[cut - 1] in "\\^":
                cut -= 1
            pieces.append(line[begin:cut])
            begin = cut
        pieces.append(line[begin:])
        return "\r\n ".join(pieces)
    pieces = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= FOLD_AT:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else ""
            pieces.append("".join(current))
            current = [carried] if carried else []
            size = len(carried.encode())
        current.append(char)
        size += width
    if current:
        pieces.append("".join(current))
    return "\r\n ".join(pieces)


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
