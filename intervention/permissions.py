"""Who may see or change what. The one place that decides it.

Access comes from two sources, never from the URL alone:
- council membership: a person who works for a council (Person.local_authority) sees that council's
  cases and logs progress on them;
- appointments: a person appointed to an intervention (commissioner, adviser, DfE case lead, ...)
  holds that role's capabilities on that case while the appointment runs.
DfE staff see every intervention and record instruments; administrators can do everything.

Every view, admin queryset, file download and report asks this module, through `can_view`,
`can_change`, `has_capability` or the `visible_to(user)` queryset methods built on `intervention_filter`
(and, for reports, `report_filter`: who may read a draft).
"""

from __future__ import annotations

import datetime
import enum
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connections, router
from django.db.models import FilteredRelation, Q
from django.utils import timezone
from django.utils.functional import LazyObject, empty

from intervention.compiled import CompiledQuery
from intervention.enums import DFE_ROLES, OVERSEEING_ROLES, Organisation, Role


class Capability(enum.StrEnum):
    VIEW = "view"
    MANAGE_CASE = "manage_case"  # the case, its appointments, inspections and instruments
    ISSUE_INSTRUCTIONS = "issue_instructions"
    LOG_PROGRESS = "log_progress"
    HOLD_REVIEWS = "hold_reviews"


_OVERSEER = frozenset({Capability.VIEW, Capability.ISSUE_INSTRUCTIONS, Capability.HOLD_REVIEWS})
_COUNCIL = frozenset({Capability.VIEW, Capability.LOG_PROGRESS})
_DFE = frozenset({Capability.VIEW, Capability.MANAGE_CASE})

CAPABILITIES_BY_ROLE: Mapping[str, frozenset[Capability]] = {
    Role.COMMISSIONER: _OVERSEER,
    Role.IMPROVEMENT_ADVISER: _OVERSEER,
    Role.INTERVENTION_ADVISER: _OVERSEER,
    Role.DFE_CASE_LEAD: _DFE | {Capability.HOLD_REVIEWS},
    Role.DFE_CONTRACT_MANAGER: _DFE,
    Role.IMPROVEMENT_BOARD_CHAIR: frozenset({Capability.VIEW}),
    Role.DIRECTOR_OF_CHILDRENS_SERVICES: _COUNCIL,
    Role.COUNCIL_OFFICER: _COUNCIL,
}
ALL_CAPABILITIES = frozenset(Capability)
# The roles whose work is done in the admin screens: issuing instructions, holding reviews, recording
# instruments. Council officers and board chairs use the GOV.UK pages only.
ADMIN_ROLES = OVERSEEING_ROLES | DFE_ROLES


@dataclass(frozen=True)
class Access:
    """What one user may reach, worked out once per request."""

    authenticated: bool = False
    is_admin: bool = False
    is_dfe: bool = False
    person_id: int | None = None
    local_authority_id: int | None = None
    # Roles held today through appointments, by intervention id.
    roles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    # The local authorities of the interventions in `roles`.
    appointed_authority_ids: frozenset[int] = frozenset()

    @property
    def sees_everything(self) -> bool:
        return self.is_admin or self.is_dfe

    @property
    def is_council_member(self) -> bool:
        return self.local_authority_id is not None

    @property
    def may_use_admin(self) -> bool:
        """Admin access follows current access, not Django's `is_staff` flag: a commissioner whose
        appointment has ended loses the admin screens that day, with nothing for anyone to clear."""
        return self.sees_everything or any(role in ADMIN_ROLES for roles in self.roles.values() for role in roles)

    @property
    def oversees_any_case(self) -> bool:
        return any(CAPABILITIES_BY_ROLE[role] >= _OVERSEER for roles in self.roles.values() for role in roles)


NO_ACCESS = Access()


def model(name: str) -> Any:
    """One of the case's models, from the app registry: the models' querysets ask this module, so it
    does not import the models module back."""
    return apps.get_model("intervention", name)


def access_for(user: Any) -> Access:
    """The user's access, cached on the user object for the rest of the request."""
    user = _unwrapped(user)
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached: Access | None = getattr(user, "_intervention_access", None)
    if cached is not None:
        return cached

    # The person and the appointments they hold today in one query (every page pays for it): a row
    # per appointment, or one row with empty appointment columns for a person appointed to nothing.
    db = connections[router.db_for_read(model("Person"))]
    rows = _access_query(db).rows(db, user=user.pk, today=_day_as_sent(timezone.localdate(), db))
    person_id, organisation, local_authority_id = rows[0][:3] if rows else (None, None, None)
    roles: dict[int, set[str]] = {}
    authority_ids: set[int] = set()
    for *_, intervention_id, authority_id, role in rows:
        if intervention_id is not None:
            roles.setdefault(intervention_id, set()).add(role)
            authority_ids.add(authority_id)
    access = Access(
        authenticated=True,
        is_admin=user.is_superuser,
        is_dfe=organisation == Organisation.DFE,
        person_id=person_id,
        local_authority_id=local_authority_id if organisation == Organisation.COUNCIL else None,
        roles={pk: frozenset(r) for pk, r in roles.items()},
        appointed_authority_ids=frozenset(authority_ids),
    )
    user._intervention_access = access
    return access


def access_query(user: Any, today: datetime.date) -> Any:
    """The person and the appointments they hold on the day: a row per appointment, or one row with
    empty appointment columns for a person appointed to nothing."""
    return (
        model("Person")
        .objects.filter(user=user)
        .annotate(
            current=FilteredRelation(
                "appointments",
                condition=Q(appointments__starts_on__lte=today)
                & (Q(appointments__ends_on__isnull=True) | Q(appointments__ends_on__gte=today)),
            )
        )
        .values_list(
            "pk",
            "organisation",
            "local_authority_id",
            "current__intervention_id",
            "current__intervention__local_authority_id",
            "current__role",
        )
    )


# Stand-ins compiled into the access query in place of the user's id and the day: no user has a
# negative id, and no appointment is dated 1901.
_USER_STAND_IN = -918_273_647
_DAY_STAND_IN = datetime.date(1901, 2, 3)


def _day_as_sent(day: datetime.date, db: Any) -> Any:
    """The day as the database is sent it for an appointment's dates (a string, for SQLite)."""
    return model("Appointment")._meta.get_field("starts_on").get_db_prep_value(day, db)


@functools.lru_cache(maxsize=8)
def _access_query(db: Any) -> CompiledQuery:
    """The access query compiled once per database connection: every request asks it, and building
    and compiling it cost several times what the database takes to answer it."""
    stand_ins = {"user": (_USER_STAND_IN, 1), "today": (_day_as_sent(_DAY_STAND_IN, db), 2)}
    return CompiledQuery.of(access_query(_USER_STAND_IN, _DAY_STAND_IN), db, stand_ins)


def _unwrapped(user: Any) -> Any:
    """The user itself, not the lazy stand-in `request.user` is: an admin page asks for access some
    hundreds of times, and each read of an attribute through the stand-in costs a few calls and a
    caught exception. The stand-in loads the user as its own first read would; one middleware's
    stand-in may wrap another's (the second factor's wraps the session's)."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def forget_access(user: Any) -> None:
    """Drop the cached access, after the user's appointments or membership change."""
    if hasattr(user, "_intervention_access"):
        del user._intervention_access


def intervention_filter(user: Any, prefix: str = "") -> Q:
    """A filter for interventions the user may see; `prefix` reaches them from another model
    (for example "intervention__" on Appointment)."""
    access = access_for(user)
    if not access.authenticated:
        return Q(pk__in=[])
    if access.sees_everything:
        return Q()
    condition = Q(**{f"{prefix}pk__in": sorted(access.roles)})
    if access.local_authority_id is not None:
        condition |= Q(**{f"{prefix}local_authority_id": access.local_authority_id})
    return condition


def authority_filter(user: Any, prefix: str = "") -> Q:
    """A filter for records that belong to a local authority rather than a case (inspections):
    visible where the user may see a case of that authority or works for it."""
    access = access_for(user)
    if not access.authenticated:
        return Q(pk__in=[])
    if access.sees_everything:
        return Q()
    ids = set(access.appointed_authority_ids)
    if access.local_authority_id is not None:
        ids.add(access.local_authority_id)
    return Q(**{f"{prefix}local_authority_id__in": sorted(ids)})


def report_filter(
    user: Any,
    *,
    restricted: Q,
    signed_off: Q,
    sensitive: Q,
    authors: Q,
    signatory_role_field: str,
    prefix: str = "intervention__",
) -> Q:
    """A filter for the reports the user may read (docs/reports.md, "Who may read a report"). The report
    model says which rows are which: `restricted` (a kind whose drafts are not for the council: the
    reports to the Minister and DfE's highlight report), `signed_off`, `sensitive` (OFFICIAL-SENSITIVE),
    `authors` (the user started it or asked for a version) and the field holding its signatory's role.
    - Nobody reads a report of a case they may not see.
    - DfE staff and administrators read every report.
    - A restricted report, until it is signed off: its author and its signatory only.
    - A restricted report signed off as OFFICIAL-SENSITIVE: also the commissioner and advisers on the case.
    - Anything else (the cabinet report, an instrument's copy, a signed-off OFFICIAL report): everyone
      who may see the case."""
    access = access_for(user)
    case = intervention_filter(user, prefix=prefix)
    if not access.authenticated or access.sees_everything:
        return case
    signatory = Q(pk__in=[])
    overseen: list[int] = []
    for intervention_id, roles in sorted(access.roles.items()):
        signatory |= Q(**{f"{prefix}pk": intervention_id, f"{signatory_role_field}__in": sorted(roles)})
        if roles & OVERSEEING_ROLES:
            overseen.append(intervention_id)
    overseers = Q(**{f"{prefix}pk__in": overseen})
    return case & (~restricted | authors | signatory | (signed_off & (~sensitive | overseers)))


def sees_authority(user: Any, authority: Any) -> bool:
    """An authority's own page (its inspections, its Ofsted deadlines of no case): whoever sees its
    inspections (`authority_filter`): DfE, its own staff, and people appointed to one of its cases."""
    access = access_for(user)
    if not access.authenticated:
        return False
    return access.sees_everything or authority.pk in access.appointed_authority_ids | {access.local_authority_id}


def roles_on(user: Any, intervention: Any) -> frozenset[str]:
    """The roles the user holds on the case today, council membership counting as council officer."""
    access = access_for(user)
    roles = set(access.roles.get(intervention.pk, ()))
    if access.local_authority_id is not None and access.local_authority_id == intervention.local_authority_id:
        roles.add(Role.COUNCIL_OFFICER)
    return frozenset(roles)


def capabilities_on(user: Any, intervention: Any) -> frozenset[Capability]:
    access = access_for(user)
    if access.is_admin:
        return ALL_CAPABILITIES
    capabilities: set[Capability] = set(_DFE) if access.is_dfe else set()
    for role in roles_on(user, intervention):
        capabilities |= CAPABILITIES_BY_ROLE[role]
    if not intervention.is_open:
        # A closed case is a record: it can still be read, and only DfE may reopen or correct it.
        capabilities &= _DFE
    return frozenset(capabilities)


def has_capability(user: Any, intervention: Any, capability: Capability) -> bool:
    return capability in capabilities_on(user, intervention)


def intervention_of(obj: Any) -> Any:
    """The case a record belongs to, or None for records that belong to no single case."""
    if isinstance(obj, model("Intervention")):
        return obj
    if hasattr(obj, "case"):
        return obj.case
    return getattr(obj, "intervention", None)


def can_view(user: Any, obj: Any) -> bool:
    Inspection, Judgement, LocalAuthority, Person = map(model, ("Inspection", "Judgement", "LocalAuthority", "Person"))
    access = access_for(user)
    if not access.authenticated:
        return False
    if access.sees_everything or isinstance(obj, LocalAuthority):
        return True
    if isinstance(obj, Person):
        return bool(obj.pk == access.person_id)
    if isinstance(obj, Judgement):
        obj = obj.inspection
    if isinstance(obj, Inspection) or (hasattr(obj, "inspection") and not hasattr(obj, "intervention")):
        inspection = obj if isinstance(obj, Inspection) else obj.inspection
        return inspection.local_authority_id == access.local_authority_id or (
            inspection.local_authority_id in access.appointed_authority_ids
        )
    intervention = intervention_of(obj)
    if intervention is None:
        return False
    return Capability.VIEW in capabilities_on(user, intervention)


def can_change(user: Any, obj: Any) -> bool:
    """Change rights: the record's `change_capability` (MANAGE_CASE unless it says otherwise)
    on its case; reference data and records of no case need DfE or an administrator."""
    access = access_for(user)
    if not access.authenticated:
        return False
    if access.is_admin:
        return True
    if isinstance(obj, model("LocalAuthority")):
        return False
    intervention = intervention_of(obj)
    if intervention is None:
        return access.is_dfe
    capability = getattr(type(obj), "change_capability", Capability.MANAGE_CASE)
    return has_capability(user, intervention, capability)


def case_note_filter(user: Any, prefix: str = "") -> Q:
    """DfE's restricted case notes (issue 16): DfE staff and administrators read every note; a
    commissioner or adviser reads a note DfE shared with them, on a case they oversee today; the council,
    the board chair and everyone else read none, whatever else they see of the case."""
    access = access_for(user)
    if not access.authenticated:
        return Q(pk__in=[])
    if access.sees_everything:
        return Q()
    overseen = sorted(pk for pk, roles in access.roles.items() if roles & OVERSEEING_ROLES)
    return Q(**{f"{prefix}intervention_id__in": overseen, f"{prefix}shared_with_commissioner": True})


def reads_case_notes(user: Any, intervention: Any) -> bool:
    """Whether the case's notes page is for the user at all: DfE staff, administrators, and the
    commissioner or adviser overseeing the case (who then read only the notes shared with them)."""
    access = access_for(user)
    if not can_view(user, intervention):
        return False
    return access.sees_everything or bool(access.roles.get(intervention.pk, frozenset()) & OVERSEEING_ROLES)


def writes_case_notes(user: Any, intervention: Any) -> bool:
    """Only DfE staff (and administrators) write and change the notes, on any case they may see, open or
    closed: a note is DfE's record of its own work, not a change to the case."""
    access = access_for(user)
    return access.sees_everything and can_view(user, intervention)
