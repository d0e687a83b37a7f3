"""Sign-in bookkeeping for the session timeouts (see intervention.middleware)."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from intervention.middleware import SESSION_SEEN_AT, SESSION_SIGNED_IN_AT


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs) -> None:
    now = int(time.time())
    request.session[SESSION_SIGNED_IN_AT] = now
    request.session[SESSION_SEEN_AT] = now
