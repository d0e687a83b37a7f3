"""What Sentry would be sent: no person's details and no case's words (intervention.observability)."""

from sentry_sdk.scrubber import DEFAULT_DENYLIST, EventScrubber

from intervention.observability import PERSONAL_KEYS, scrub_event


def an_error_event():
    return {
        "request": {
            "url": "https://casework.example/interventions/7/progress/new/",
            "data": {"narrative": "A named child was placed out of area"},
            "cookies": {"sessionid": "secret"},
            "query_string": "email=alice@herefordshire.example",
            "headers": {"Cookie": "sessionid=secret", "User-Agent": "Firefox", "X-Forwarded-For": "10.0.0.9"},
        },
        "user": {"id": 12, "email": "alice@herefordshire.example", "ip_address": "10.0.0.9"},
        "extra": {"email": "alice@herefordshire.example", "version_id": 3},
    }


def test_an_error_reaches_sentry_without_the_persons_details_or_the_cases_words():
    event = scrub_event(an_error_event(), {})
    EventScrubber(denylist=DEFAULT_DENYLIST + PERSONAL_KEYS, recursive=True).scrub_event(event)
    sent = repr(event)
    for personal in ("alice@herefordshire.example", "named child", "10.0.0.9", "secret"):
        assert personal not in sent
    # What helps find the fault stays: the page, the user's id, the record's id.
    assert event["request"]["url"].endswith("/progress/new/")
    assert event["user"] == {"id": 12}
    assert event["extra"]["version_id"] == 3
