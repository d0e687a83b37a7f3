"""Refusing a stale save: a form carries the version of the record it was read at, and saving over a
change someone else made since is refused, with what they changed, instead of overwriting it.

The version is the record's saved fields, hashed, with the id of its latest history row (where it keeps
history) in front, so the refusal can say who changed what since. Reading the row under a lock in the
saving transaction makes the compare and the save one step: a second save waits, then finds the first."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Model
from django.forms.models import BaseInlineFormSet, InlineForeignKeyField, ModelChoiceField, model_to_dict
from django.utils import timezone
from django.utils.functional import cached_property

from intervention.widgets import QuickHiddenInput

STALE = (
    "Someone else changed this record after you opened it, so your changes were not saved. "
    "What you typed is still in the form: check it against their changes, then save again."
)


def _fields(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@functools.cache
def _history(model: type[Model]) -> Any:
    """The model's history manager (None where it keeps none). simple-history makes the manager anew
    at every access, with a class of its own built by inspecting every queryset method; the model's
    own, with no record bound, holds nothing that changes, so it is made once."""
    return getattr(model, "history", None)


# Stands in for the records' ids in a query compiled once (_latest_history_sql): no record has an id
# below zero, and Django leaves out of a query an id too large for its column.
_STAND_IN = -(2**31) + 1


@functools.lru_cache(maxsize=128)
def _latest_history_sql(
    model: type[Model], alias: str, count: int | None
) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    """The SQL asking for a record's latest history row (`count` None), or for the latest of each of
    `count` records, compiled once for the model and database, and where in its parameters each id
    goes. Every change form asks it, and building and compiling the query cost more than the database
    took to answer it."""
    from django.db.models import Max

    history = _history(model)
    pk_name = model._meta.pk.attname
    stand_ins = [_STAND_IN + n for n in range(count or 1)]
    if count is None:
        rows = history.filter(**{pk_name: stand_ins[0]}).order_by("-history_id").values_list("history_id")[:1]
    else:
        rows = (
            history.filter(**{f"{pk_name}__in": stand_ins})
            .values(pk_name)
            .annotate(latest=Max("history_id"))
            .values_list(pk_name, "latest")
        )
    sql, params = rows.query.get_compiler(using=alias).as_sql()
    # (An id goes to PostgreSQL as an int of psycopg's own sizes: equal to the int it stands for.)
    positions = tuple(index for index, param in enumerate(params) if isinstance(param, int) and param in stand_ins)
    if [params[index] for index in positions] != stand_ins:
        raise RuntimeError(f"The ids' stand-ins are not each once in order in the SQL: {sql}")
    return sql, tuple(params), positions


def _latest_history_rows(model: type[Model], ids: list[Any], *, one: bool) -> list[tuple[Any, ...]]:
    """The rows of the query `_latest_history_sql` compiled, for these ids (distinct, not None)."""
    history = _history(model)
    alias = history.db
    sql, params, positions = _latest_history_sql(model, alias, None if one else len(ids))
    connection = connections[alias]
    field = history.model._meta.get_field(model._meta.pk.attname)
    sent = list(params)
    for position, pk in zip(positions, ids, strict=True):
        sent[position] = field.get_db_prep_value(field.get_prep_value(pk), connection, prepared=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, sent)
        return cursor.fetchall()


def _history_id(model: type[Model], pk: Any) -> int | None:
    if _history(model) is None:
        return None
    rows = _latest_history_rows(model, [pk], one=True)
    return rows[0][0] if rows else None


def version_of(model: type[Model], pk: Any, *, lock: bool = False) -> str:
    """The record's version as saved ("" for one that no longer exists). With lock, the row stays
    locked until the transaction ends, so nobody saves between this read and the caller's save."""
    rows = model._base_manager.filter(pk=pk)
    if lock:
        rows = rows.select_for_update()
    values = rows.values(*_fields(model)).first()
    if values is None:
        return ""
    return _version(_history_id(model, pk), values)


def _values(record: Model) -> dict[str, Any]:
    """The saved fields of a record just read, as `QuerySet.values()` gives them for its row."""
    return {name: getattr(record, name) for name in _fields(type(record))}


def _version(history_id: int | None, values: dict[str, Any]) -> str:
    """The latest history row's id, then a hash of the saved fields."""
    digest = hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"{history_id or 0}.{digest}"


def version_as_read(record: Model) -> str:
    """The version of a record the page has just read from the database, from its own fields: only
    its latest history row is asked for. A record not read from the database (an old version rebuilt
    from its history, say) is looked up as saved."""
    if record._state.adding or record._state.db is None:
        return version_of(type(record), record.pk)
    return _version(_history_id(type(record), record.pk), _values(record))


def versions_as_read(records: list[Model]) -> dict[Any, str]:
    """The versions of many records just read (an inline's rows), by id: one query for their
    latest history rows, whatever their number."""
    if not records:
        return {}
    model = type(records[0])
    latest: dict[Any, int] = {}
    ids = list(dict.fromkeys(record.pk for record in records if record.pk is not None))  # as `__in` sends them
    if _history(model) is not None and ids:
        latest = dict(_latest_history_rows(model, ids, one=False))
    return {record.pk: _version(latest.get(record.pk), _values(record)) for record in records}


@dataclass(frozen=True)
class Change:
    """One save by someone else since the form was read: who, when, and the fields it changed."""

    by: str
    at: Any
    fields: list[str]

    def __str__(self) -> str:
        when = timezone.localtime(self.at).strftime("%-d %B %Y at %-I:%M%p").replace("AM", "am").replace("PM", "pm")
        changed = ", ".join(self.fields) if self.fields else "no field you can see"
        return f"{self.by} changed {changed} on {when}."


def changes_since(model: type[Model], pk: Any, seen: str) -> list[Change]:
    """The saves made since the version `seen`, from the record's history (empty where it keeps none)."""
    history = _history(model)
    try:
        seen_history_id = int(seen.split(".", 1)[0])
    except ValueError:
        seen_history_id = 0
    if history is None:
        return []
    rows = list(
        history.filter(**{model._meta.pk.attname: pk}, history_id__gte=seen_history_id)
        .select_related("history_user")
        .order_by("history_id")
    )
    changes = []
    for previous, row in itertools.pairwise(rows):
        delta = row.diff_against(previous)
        labels = [
            str(getattr(model._meta.get_field(change.field), "verbose_name", change.field)) for change in delta.changes
        ]
        changes.append(Change(by=str(row.history_user or "Someone"), at=row.history_date, fields=labels))
    return changes


def refuse_stale(model: type[Model], pk: Any, seen: str) -> str:
    """Lock the record and raise ValidationError (code "stale") if it changed since `seen`. Returns the
    current version. Call inside the transaction that saves."""
    current = version_of(model, pk, lock=True)
    if seen != current:
        changes = changes_since(model, pk, seen)
        raise ValidationError(" ".join([STALE, *[str(change) for change in changes]]), code="stale")
    return current


SEEN_FIELD = "seen_version"


class RefusesStaleSave(forms.ModelForm):
    """A model form that carries the version it was read at and refuses a save over a newer one.
    After a refusal the form carries the current version, so a second, deliberate save goes through.
    Mixed in before a model form: `type("F", (RefusesStaleSave, TheForm), {})`."""

    seen_version = forms.CharField(widget=QuickHiddenInput, required=False)
    # A row of an inline formset is checked only when its values differ from the row as saved now
    # (Django saves only those): a row whose values still match is not saved, so nothing is overwritten.
    only_when_changed = False

    def __init__(self, *args: Any, seen_version: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            # An inline's formset reads every row's version at once and passes it in. Otherwise it is
            # read when the hidden field is drawn (Django calls a callable initial value): a page for
            # someone who may only read the record never draws it, and need not ask for it.
            self.initial[SEEN_FIELD] = seen_version or functools.partial(version_as_read, self.instance)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or self.cleaned_data
        if self.instance.pk is None or self.instance._state.adding or SEEN_FIELD not in self.fields:
            return cleaned
        if self.only_when_changed and not self.has_changed():
            return cleaned
        try:
            refuse_stale(type(self.instance), self.instance.pk, cleaned.get(SEEN_FIELD) or "")
        except ValidationError:
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict: copied to change it
            data[self.add_prefix(SEEN_FIELD)] = version_of(type(self.instance), self.instance.pk)
            self.data = data
            raise
        return cleaned


class RefusesStaleRowSave(RefusesStaleSave):
    """The same for each row of an admin inline formset: a row someone else changed since the page was
    read is refused with the row's own error (saving the page would write the old values back over
    theirs, even where this person typed nothing); what was typed in every row is kept for the next
    try. The version is not a change of its own, so a row nobody changed is still not saved (nor
    given a history row)."""

    only_when_changed = True

    @cached_property
    def changed_data(self) -> list[str]:
        return [name for name in super().changed_data if name != SEEN_FIELD]


class StaleRowsFormSet(BaseInlineFormSet):
    """An inline formset whose rows' versions are worked out from the rows it read, with one query
    for their history, not two a row."""

    def add_fields(self, form: Any, index: int | None) -> None:
        assert self.model is not None
        pk_name = self.model._meta.pk.name
        # A row read to be shown (not sent back) gets the hidden id and parent fields made for the
        # first row: Django makes both anew for each row (the id's a dropdown of the model's records,
        # with querysets of its own), and they differ only in the id shown, which the row's initial
        # values give. A form sent back gets fields of its own, as Django makes them.
        shared = self.__dict__.get("_row_fields")
        shows_row = not self.is_bound and not form.is_bound and index is not None
        if shows_row and shared is not None:
            form.fields.update(shared)
            form.initial[pk_name] = self._row_pk(index)
            return
        super().add_fields(form, index)
        # The row's id and its parent, hidden in every row: drawn in Python, not through a template.
        for name in (pk_name, self.fk.name):
            field = form.fields.get(name)
            if field is not None and type(field.widget) is forms.HiddenInput:
                field.widget = QuickHiddenInput(attrs=field.widget.attrs)
        made = (form.fields.get(pk_name), form.fields.get(self.fk.name))
        if shows_row and type(made[0]) is ModelChoiceField and type(made[1]) is InlineForeignKeyField:
            self._row_fields = {pk_name: made[0], self.fk.name: made[1]}
            form.initial[pk_name] = self._row_pk(index)

    @cached_property
    def forms(self) -> list[Any]:
        """Django's, with the first row's form made already (`rows_alike`) kept as it is."""
        first = self.__dict__.get("_first_row")
        return [
            first if index == 0 and first is not None else self._construct_form(index, **self.get_form_kwargs(index))  # type: ignore[attr-defined]  # Django's own, not in the stubs
            for index in range(self.total_form_count())
        ]

    def __getitem__(self, index: Any) -> Any:
        # A template's `formset.prefix` tries `formset["prefix"]` first, which made every row's form
        # to find that a list has no such item: the same TypeError, without the forms.
        if not isinstance(index, int | slice):
            raise TypeError(f"list indices must be integers or slices, not {type(index).__name__}")
        return self.forms[index]  # as Django's

    def rows_alike(self) -> Any:
        """The first row's form, standing for every row's, when the rows' forms would differ in their
        values alone (`row_as_read` gives each row's): a formset not sent back, of stored rows only,
        whose rows share their fields (RowsShareFields, and the id and parent fields above), of a form
        class that does nothing in making a row but take its values. None otherwise. A page that only
        draws the rows need not make a form for each (a case's dozens of appointments)."""
        if "_first_row" not in self.__dict__:
            self._first_row = self._first_row_standing_for_all()
        return self._first_row

    def _first_row_standing_for_all(self) -> Any:
        count = self.initial_form_count()
        if self.is_bound or self.initial or count == 0 or self.total_form_count() != count:
            return None
        if not _makes_rows_from_values(self.form) or set(self.get_form_kwargs(0)) - {"seen_version"}:
            return None
        made = self.__dict__.get("forms")  # the rows' forms, if something made them already
        construct = self._construct_form  # type: ignore[attr-defined]  # Django's own, not in the stubs
        form = made[0] if made else construct(0, **self.get_form_kwargs(0))
        shared = self.__dict__.get("_row_fields") or {}
        pk_name = self.model._meta.pk.name  # type: ignore[union-attr]  # a model formset has a model
        if set(shared) != {pk_name, self.fk.name} or form.use_required_attribute:
            return None
        for name, field in [*shared.items(), *self.form.base_fields.items()]:
            if form.fields.get(name) is not field:
                return None
        return form

    def row_as_read(self, index: int) -> tuple[Model, dict[str, Any]]:
        """Row `index`'s record, and the initial values its form would have, as the formset
        (_construct_form, add_fields, get_form_kwargs) and the form (ModelForm, RefusesStaleSave)
        give them; for a formset whose `rows_alike` is a form. The form class is told of the row
        (`row_shown`), as making its form would."""
        instance = self.get_queryset()[index]
        remote = self.fk.remote_field
        assert remote is not None and remote.field_name is not None
        fk_value = self.instance.pk  # as BaseInlineFormSet._construct_form gives each row its parent
        if remote.field_name != remote.model._meta.pk.name:
            fk_value = getattr(self.instance, remote.field_name)
            fk_value = getattr(fk_value, "pk", fk_value)
        setattr(instance, self.fk.attname, fk_value)
        opts = self.form._meta
        initial = model_to_dict(instance, opts.fields, opts.exclude)
        if issubclass(self.form, RefusesStaleSave) and instance.pk is not None:
            seen_version = self.get_form_kwargs(index).get("seen_version")
            initial[SEEN_FIELD] = seen_version or functools.partial(version_as_read, instance)
        initial[self.model._meta.pk.name] = self._row_pk(index)  # type: ignore[union-attr]  # it has a model
        row_shown = getattr(self.form, "row_shown", None)
        if row_shown is not None:
            row_shown(self.rows_alike().fields, instance)
        return instance, initial

    def is_multipart(self) -> bool:
        first = self.rows_alike()  # as Django's, which asks the first row's form
        return first.is_multipart() if first is not None else super().is_multipart()

    @property
    def media(self) -> Any:
        first = self.rows_alike()  # as Django's, which asks the first row's form
        return first.media if first is not None else super().media

    def _row_pk(self, index: int | None) -> Any:
        """The id Django's own hidden field for the row would show: the row's, or none for an extra one."""
        rows = self.get_queryset()
        return rows[index].pk if index is not None and index < len(rows) else None

    @cached_property
    def empty_form(self) -> Any:
        """The blank row the page's script copies to add one: made once for the formset. Django makes
        it anew at each use, and an admin page uses it some five times an inline (its media, its column
        headings, its row), each a form with its fields. Nothing it is made from changes once the
        formset exists (its prefix, its parent, the form class), and drawing it changes nothing."""
        return super().empty_form

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        if self.is_bound or index is None or index >= self.initial_form_count():
            return kwargs
        if not issubclass(self.form, RefusesStaleSave):
            return kwargs
        rows = self.get_queryset()  # evaluated once: the forms' own instances come from the same list
        if not hasattr(self, "_seen_versions"):
            self._seen_versions = versions_as_read(list(rows))
        kwargs["seen_version"] = self._seen_versions.get(rows[index].pk, "")
        return kwargs


def _makes_rows_from_values(form_class: type[forms.BaseForm]) -> bool:
    """Whether making the form for a stored row does nothing but take its values: Django's forms,
    RefusesStaleSave, and a form whose own making only tells its fields of the row, which its
    `row_shown` does too."""
    for klass in form_class.__mro__:
        if "__init__" not in klass.__dict__ or klass in (RefusesStaleSave, object):
            continue
        if not klass.__module__.startswith("django.forms.") and "row_shown" not in klass.__dict__:
            return False
    return True


def refusing_stale_saves(form_class: type[forms.ModelForm], *, rows: bool = False) -> type[forms.ModelForm]:
    """The form class with RefusesStaleSave (RefusesStaleRowSave for an inline's rows) mixed in (once)."""
    mixin = RefusesStaleRowSave if rows else RefusesStaleSave
    if issubclass(form_class, mixin):
        return form_class
    return type(form_class.__name__, (mixin, form_class), {"__module__": form_class.__module__})
