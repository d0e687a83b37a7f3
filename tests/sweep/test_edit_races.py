"""Two people editing the same record at once, on every admin change form (issue 19's "two-client edit
races on every edit form"): both open the form; the first saves a change; the second's save, made on
what they saw before it, is refused with the stale-save message, and the first person's change stands.

The forms come from the access sweep's table of admin models, so a model registered in the admin later
is raced too. The service's own edit pages (VersionedForm) have their races in their own tests."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import models, transaction
from django.test import Client

from intervention.stale import SEEN_FIELD, STALE
from tests.sweep.support import form_data
from tests.sweep.test_access_sweep import ADMIN, _admin_record
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
