"""The admin site: who may enter it, and the one admin view that reaches any model by content type.

Django lets in any active user with `is_staff`. Here entry follows current access
(`permissions.Access.may_use_admin`): DfE staff, administrators, and people holding an appointment whose
work is done in the admin screens today. The flag is left as it is and means nothing.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, get_script_prefix, path

from intervention import permissions


class SoundChangeList(ChangeList):
    def get_filters(self, request: HttpRequest) -> Any:
        # Django turns a bad filter value into "?e=1" (its page for a filter it cannot apply),
        # except a year too large for a date (`?opened_on__year=99999999999999999999`), which
        # overflows and would be a server error.
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class SoundInput:
    """What every model admin on this site has, the project's own and third parties' alike: a
    changelist that answers a nonsense filter as Django answers any bad filter."""

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SoundChangeList


def _copied_app(app: dict[str, Any]) -> dict[str, Any]:
    return {**app, "models": [{**model, "perms": dict(model["perms"])} for model in app["models"]]}


class CaseworkAdminSite(admin.AdminSite):
    site_header = "Children's services intervention casework"
    site_title = "Intervention casework admin"
    index_title = "Casework administration"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SoundInput):
            admin_class = type(admin_class.__name__, (SoundInput, admin_class), {"__module__": admin_class.__module__})
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request: HttpRequest) -> bool:
        return permissions.access_for(request.user).may_use_admin  # none for an inactive user

    MENUS_KEPT = 256

    def _build_app_dict(self, request: HttpRequest, label: Any = None) -> Any:
        """The side menu of every admin page (and the index): which models the person may reach, what
        they may do with each, and their addresses. Every model admin here answers from the person's
        access (`permissions.access_for`, read afresh each request), so the menu is built once for each
        access and address prefix and copied out after: building it cost half a millisecond of every
        admin page. `tests/intervention/test_admin_menu.py` holds it equal to Django's own."""
        access = permissions.access_for(request.user)
        key = (
            access.authenticated,
            access.is_admin,
            access.is_dfe,
            access.person_id,
            access.local_authority_id,
            tuple(sorted((pk, tuple(sorted(roles))) for pk, roles in access.roles.items())),
            tuple(sorted(access.appointed_authority_ids)),
            get_script_prefix(),
            label,
        )
        menus: dict[Any, Any] = self.__dict__.setdefault("_menus", {})
        built = menus.get(key)
        if built is None:
            built = super()._build_app_dict(request, label)
            if len(menus) >= self.MENUS_KEPT:
                menus.clear()  # a bound on memory; the menus are rebuilt as people come back
            menus[key] = built
        # A copy each time: Django sorts the lists it is given, and a page may change what it draws.
        return {name: _copied_app(app) for name, app in built.items()}

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # Django's "view on site" redirects for any object of any model, visible or not, and answers
        # 404 only for a missing one: which case an id belongs to would show. Ours asks the model's
        # admin, scoped like every other admin view, and answers 404 alike for both.
        ours: list[URLResolver | URLPattern] = [
            path("r/<int:content_type_id>/<path:object_id>/", self.admin_view(self.view_on_site), name="view_on_site")
        ]
        return ours + [url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"]

    def view_on_site(self, request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
        try:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
        except ContentType.DoesNotExist:
            raise Http404 from None
        model_admin: Any = self._registry.get(model) if model is not None else None  # None: a model since removed
        obj = model_admin.get_object(request, object_id) if model_admin is not None else None
        if obj is None or not model_admin.has_view_permission(request, obj):
            raise Http404
        return shortcut(request, content_type_id, object_id)
