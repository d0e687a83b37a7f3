"""Two people editing the same record at once, on every admin change form (issue 19's "two-client edit
races on every edit form"): both open the form; the first saves a change; the second's save, made on
what they saw before it, is refused with the stale-save message, and the first person's change stands.

The same race is run on every GOV.UK page that edits a record: each page of the access sweep that writes,
whose form shows a saved record's words back. Such a form must carry the version it was read at, and the
second save must write nothing. The admin forms come from the sweep's table of admin models and the pages
from its list of URLs, so a model or page added later is raced too."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import models, transaction
from django.test import Client

from intervention.stale import SEEN_FIELD, STALE
from tests.sweep.support import changed_tables, fingerprint, form_data
from tests.sweep.test_access_sweep import ADMIN, PAGES, Page, _admin_record, _url, completion, entitled
from tests.sweep.world import build_world

REFUSED = STALE.split(",")[0]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def _text_field(model: type[models.Model], data: dict[str, list[str]]) -> str | None:
    """A free-text field of the record that the form shows and the first person can change: free text
    (not a code, an email address or an identifier, which have rules of their own), long text first."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if type(field) in (models.CharField, models.TextField)
        and not field.choices
        and not field.unique
        and field.editable
        and (field.max_length is None or field.max_length >= 60)
        and field.name in data
    ]
    fields.sort(key=lambda field: not isinstance(field, models.TextField))
    return fields[0].name if fields else None


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _race(world, model: type[models.Model], obj: models.Model) -> str | None:
    """Run the race on one record's change form; the failure, if any."""
    label = model._meta.label
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
    first, second = _signed_in(world.users["admin"]), _signed_in(world.users["admin"])
    first_form = form_data(first.get(url).content.decode())
    second_form = form_data(second.get(url).content.decode())
    if SEEN_FIELD not in second_form:
        return f"{label}: the change form carries no version, so a stale save cannot be refused"
    field = _text_field(model, first_form)
    if field is None and not hasattr(model, "history"):
        return f"{label}: no free-text field to change and no history: the race cannot be run"
    if field is not None:
        first_form[field] = [f"{first_form[field][0]} (changed first)".lstrip()]
    saved = first.post(url, first_form | {"_save": ["Save"]})
    if saved.status_code != 302:
        errors = re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', saved.content.decode(), re.S)
        return f"{label}: the first person's save did not go through ({saved.status_code}): {errors} ({field})"
    stands = model._base_manager.get(pk=obj.pk)
    refused = second.post(url, second_form | {"_save": ["Save"]})
    if refused.status_code != 200 or REFUSED not in refused.content.decode():
        return f"{label}: the second save, made on an older version, was not refused ({refused.status_code})"
    after = model._base_manager.get(pk=obj.pk)
    if field is not None and getattr(after, field) != getattr(stands, field):
        return f"{label}: the second save overwrote the first person's {field}"
    if field is not None and not getattr(after, field).endswith("(changed first)"):
        return f"{label}: the first person's change to {field} was not kept"
    return None


@pytest.mark.django_db
def test_every_admin_change_form_refuses_a_save_over_someone_elses_change(world):
    raced, failures = [], []
    for model, row in ADMIN.items():
        if row.change is None:
            continue
        obj = _admin_record(world, row, "A")
        if obj is None:
            continue
        raced.append(model._meta.label)
        failure = _race(world, model, obj)
        if failure:
            failures.append(failure)
    assert not failures, "\n".join(failures)
    assert {"directions.Instruction", "intervention.Intervention", "intervention.Person"} <= set(raced)


# The hidden fields the service's edit forms carry the record's version in.
VERSION_FIELDS = {SEEN_FIELD, "version", "revision", "council_version", "seen", "fingerprint"}
# Forms that show back words from a saved record without editing it, and why they need no version.
SHOWS_WORDS_WITHOUT_EDITING = {
    "calendar_settings": "one's own calendar choices: only the person themself changes them",
    "invite": "a new invitation; the words shown are the person's own choices",
    "downloads": "asks for a new download of a table; it changes no saved record",
}


def _edits_a_record(data: dict[str, list[str]]) -> bool:
    """The form shows a saved record's words back for changing (a create form starts empty)."""
    ignored = {"csrfmiddlewaretoken", *VERSION_FIELDS}
    return any(
        value.strip() and len(value) > 3 for name, values in data.items() if name not in ignored for value in values
    )


def _race_page(world, page: Page, raced: list[str]) -> str | None:
    url, _ = _url(world, page, "A")
    role = entitled(page)
    first, second = _signed_in(world.users[role]), _signed_in(world.users[role])
    opened = first.get(url)
    if opened.status_code != 200:
        return None
    first_form = form_data(opened.content.decode())
    second_form = form_data(second.get(url).content.decode())
    if not _edits_a_record(second_form) or page.name in SHOWS_WORDS_WITHOUT_EDITING:
        return None  # a form that starts empty adds a record: there is nothing of anyone's to overwrite
    if not VERSION_FIELDS & set(second_form):
        return f"{page.name} ({url}): edits a saved record but its form carries no version"
    saved = first.post(url, first_form | completion(page))
    if saved.status_code != 302:
        return None  # the form does not save as it came (a file to choose): its own tests race it
    raced.append(page.name)
    before = fingerprint()
    refused = second.post(url, second_form | completion(page))
    written = changed_tables(before, fingerprint())
    # Refused: the form again with the error, or (for an act already done, such as a withdrawal)
    # back to the record with a message; either way, nothing written, and the person told.
    if written:
        return f"{page.name} ({url}): a save over someone else's newer one went through, writing {written}"
    shown = second.get(refused["Location"]) if refused.status_code == 302 else refused
    if not re.search(r"govuk-error-summary|govuk-notification-banner", shown.content.decode()):
        return f"{page.name} ({url}): the second save wrote nothing, but the person was not told why"
    return None


@pytest.mark.django_db
def test_every_page_that_edits_a_record_refuses_a_save_over_someone_elses_change(world):
    failures: list[str] = []
    raced: list[str] = []
    for page in PAGES:
        if page.post is None or page.get_only_by_post or page.query:
            continue
        failure = _race_page(world, page, raced)
        if failure:
            failures.append(failure)
    assert not failures, "\n".join(failures)
    # Fourteen pages when written; these are raced whatever is added.
    assert {"plan_edit", "plan_action", "review_details", "report_classification", "update_correct"} <= set(raced)
