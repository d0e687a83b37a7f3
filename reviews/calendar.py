"""The iCalendar feed of a person's deadlines (RFC 5545, with the icalendar package), at a secret
address of which only the token's hash is kept."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from intervention.services import save_with_history
from reviews.enums import DeadlineStatus
from reviews.models import CalendarFeed, Deadline
from reviews.models.deadlines import hash_feed_token, new_feed_token


def feed_for(user: Any, *, start: datetime.date) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//DfE//Children's services intervention casework//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Intervention deadlines")
    deadlines = (
        Deadline.objects.visible_to(user)
        # Cancelled ones, and those from before a case's record (nobody knows whether they were met).
        .exclude(status__in=[DeadlineStatus.CANCELLED, DeadlineStatus.HISTORICAL])
        .with_due_on()
        .filter(effective_due_on__gte=start)
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
