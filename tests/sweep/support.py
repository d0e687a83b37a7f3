"""What the sweep needs besides the data: a database fingerprint, a reader for a page's form, and a
client per role."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser

from django.db import connection
from django.test import Client

# Tables left out of the fingerprint, and why: a request's session (the session-timeout middleware
# stamps every request), and django-axes' record of sign-in attempts (the sweep signs in with
# force_login, which axes does not see, so nothing of the application is hidden by leaving them out).
UNFINGERPRINTED_PREFIXES = ("django_session", "axes_")


def fingerprint() -> dict[str, tuple[int, str]]:
    """Row count of every table and a hash of the rows of every non-history table (history tables are
    counted: a row there is a write too, but their timestamps make a hash pointless)."""
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith(UNFINGERPRINTED_PREFIXES):
                continue
            quoted = connection.ops.quote_name(table)
            if "historical" in table:
                cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 - table names from introspection
                result[table] = (cursor.fetchone()[0], "")
                continue
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 - table names from introspection
            rows = cursor.fetchall()
            result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


class FormReader(HTMLParser):
    """The fields a browser would send from a page's POST forms: the form with the most fields wins
    (the page's main form, not the sign-out button's)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list[tuple[str, str]] | None = None
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._form = []
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            self._form.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._form.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_data(html: str) -> dict[str, list[str]]:
    reader = FormReader()
    reader.feed(html)
    if not reader.forms:
        return {}
    fields = max(reader.forms, key=len)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def clients(users: dict) -> dict[str, Client]:
    result = {}
    for role, user in users.items():
        client = Client()
        if user is not None:
            if user.is_active:
                client.force_login(user)
            else:
                # force_login would refuse nothing, but an inactive account's session must count for
                # nothing: sign it in while active, then switch the account off.
                user.is_active = True
                user.save(update_fields=["is_active"])
                client.force_login(user)
                user.is_active = False
                user.save(update_fields=["is_active"])
        result[role] = client
    return result
