"""A query built and compiled once, run again with other values.

Building a Django query with many subqueries or a UNION (filters, joins, annotations) and compiling it to
SQL can cost several times what the database takes to answer it. When only a few values change from one
request to the next (a case, a person, a time), the query is compiled once with stand-ins for those values
and each run swaps the real ones into the compiled parameters. The stand-ins are values no real record or
request has, and compiling checks that each is found exactly as many times as expected, so a stand-in can
never be mistaken for another of the query's parameters.

It lives in the case's app, below the others, because the permission module asks every request's access
this way (`intervention.permissions.access_for`); the reviews app's pages use it too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.db.models.query import get_related_populators


@dataclass(frozen=True)
class CompiledQuery:
    sql: str
    params: tuple[Any, ...]
    slots: dict[str, tuple[int, ...]]  # each stand-in's name: where it is in `params`
    compiler: Any  # turns the database's rows into Python values, as the queryset would have
    names: tuple[str, ...]  # the columns' names, for `dicts`

    @classmethod
    def of(cls, queryset: QuerySet[Any], db: Any, stand_ins: dict[str, tuple[Any, int]]) -> CompiledQuery:
        """`stand_ins`: each name's stand-in (as the database is sent it) and how many times the SQL holds it."""
        query = queryset.query
        compiler = query.get_compiler(connection=db)
        sql, params = compiler.as_sql()
        slots = {}
        for name, (stand_in, expected) in stand_ins.items():
            found = tuple(i for i, param in enumerate(params) if type(param) is type(stand_in) and param == stand_in)
            if len(found) != expected:
                raise RuntimeError(f"The stand-in for {name} is in the SQL {len(found)} times, not {expected}.")
            slots[name] = found
        # As ValuesIterable names a values() queryset's columns.
        if query.selected:
            names: tuple[str, ...] = tuple(query.selected)
        else:
            names = (*query.extra_select, *query.values_select, *query.annotation_select)
        return cls(sql=sql, params=tuple(params), slots=slots, compiler=compiler, names=names)

    def rows(self, db: Any, **values: Any) -> list[tuple[Any, ...]]:
        """The rows with `values` (as the database is sent them) in place of the stand-ins."""
        params = list(self.params)
        for name, positions in self.slots.items():
            for position in positions:
                params[position] = values[name]
        with db.cursor() as cursor:
            cursor.execute(self.sql, params)
            fetched = cursor.fetchall()
        return list(self.compiler.results_iter(results=[fetched], tuple_expected=True))

    def instances(self, db: Any, **values: Any) -> list[Any]:
        """The rows as the queryset's model instances, as iterating it gives them (Django's
        `ModelIterable`): with the objects its `select_related` names and its annotations, not its
        `prefetch_related` (the caller prefetches, if it needs to)."""
        compiler = self.compiler
        select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
        model = klass_info["model"]
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        init_list = [column[0].target.attname for column in select[start:end]]
        # Django 5.2 takes three arguments; the stubs describe a later release.
        populators = get_related_populators(klass_info, select, db.alias)  # type: ignore[call-arg]
        objects = []
        for row in self.rows(db, **values):
            obj = model.from_db(db.alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in (annotation_col_map or {}).items():
                setattr(obj, name, row[position])
            objects.append(obj)
        return objects

    def dicts(self, db: Any, **values: Any) -> list[dict[str, Any]]:
        """The rows as a `values()` queryset gives them."""
        return [dict(zip(self.names, row, strict=True)) for row in self.rows(db, **values)]
