"""Sign-in bookkeeping: the session timeouts (intervention.middleware), the second step
(intervention.two_factor) and the account's list of sessions (intervention.accounts)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from intervention.middleware import SESSION_SEEN_AT, SESSION_SIGNED_IN_AT


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs) -> None:
    now = int(time.time())
    request.session[SESSION_SIGNED_IN_AT] = now
    request.session[SESSION_SEEN_AT] = now


@receiver(user_logged_in)
def start_second_step(sender, request, user, **kwargs) -> None:
    from intervention import accounts, two_factor

    two_factor.start_sign_in(request, user)
    accounts.record_session(request, user)


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs) -> None:
    from intervention import accounts

    if request is not None and hasattr(request, "session"):
        accounts.forget_session(request.session.session_key)
