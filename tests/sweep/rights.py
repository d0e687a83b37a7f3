"""The expected rights, written out from the capability table in docs/architecture.md ("Who may see and
change what"), not read from intervention.permissions: the sweep checks the code against this."""

from __future__ import annotations

VIEW, MANAGE, ISSUE, LOG, HOLD = "view", "manage_case", "issue_instructions", "log_progress", "hold_reviews"
EVERYTHING = frozenset({VIEW, MANAGE, ISSUE, LOG, HOLD})
OVERSEER = frozenset({VIEW, ISSUE, HOLD})  # commissioner, improvement adviser
COUNCIL = frozenset({VIEW, LOG})  # an officer of the case's council
DFE = frozenset({VIEW, MANAGE})  # DfE staff, on every case

# Capabilities each role holds on case A and on case B.
CAPABILITIES: dict[str, dict[str, frozenset[str]]] = {
    "anonymous": {},
    "officer_a": {"A": COUNCIL},
    "officer_b": {"B": COUNCIL},
    "commissioner_a": {"A": OVERSEER},
    "commissioner_b": {"B": OVERSEER},
    "adviser_a": {"A": OVERSEER},
    "chair_a": {"A": frozenset({VIEW})},  # improvement board chair: view only
    "dfe_lead": {"A": DFE | {HOLD}, "B": DFE},  # DfE case lead of A; DfE staff see and manage every case
    "no_role": {},
    "staff_no_role": {},
    "former_commissioner": {},  # her appointment to A ended: nothing
    "inactive": {},  # as anonymous
    "admin": {"A": EVERYTHING, "B": EVERYTHING},
}
SIGNED_OUT = frozenset({"anonymous", "inactive"})
DFE_OR_ADMIN = frozenset({"dfe_lead", "admin"})
# Who may use the admin at all (docs/architecture.md, "Who enters"): people who oversee a case today
# (commissioners, advisers), DfE staff and administrators. Council officers and board chairs use the
# service's pages; staff accounts with no role (or a role that has ended) get nothing.
ADMIN_USERS = frozenset({"commissioner_a", "commissioner_b", "adviser_a", "dfe_lead", "admin"})
# Who signs a progress report off: the case's commissioner (and nobody else, not even an administrator).
PROGRESS_REPORT_SIGNERS = {"A": frozenset({"commissioner_a"}), "B": frozenset({"commissioner_b"})}
# Whose the sweep's notice is on each case: the council officer told of the case's instruction.
NOTICE_OWNERS = {"A": "officer_a", "B": "officer_b"}
# Who reads a draft report to the Minister (docs/reports.md, "Who may read a report"): its author and its
# signatory (the sweep's commissioner wrote it and signs it) and DfE; not the council, the adviser or
# the board chair, though they see the case.
DRAFT_READERS = {
    "A": frozenset({"commissioner_a", "dfe_lead", "admin"}),
    "B": frozenset({"commissioner_b", "dfe_lead", "admin"}),
}


def has(role: str, case: str, capability: str) -> bool:
    return capability in CAPABILITIES[role].get(case, frozenset())


def may(role: str, right: str | None, case: str | None) -> bool:
    """Whether `role` holds `right` on case `case` ("A", "B", or None for pages of no case)."""
    if right is None:
        return False
    if role in SIGNED_OUT:
        return False
    if right == "signed_in":
        return True
    if right == "invite":  # inviting people to the service: DfE staff and administrators
        return role in DFE_OR_ADMIN
    if case is None:
        raise ValueError(f"{right} needs a case")
    if right == "dfe_staff":  # records of no case (an authority's Ofsted deadline): DfE and administrators
        return role in DFE_OR_ADMIN
    if right == "read_notes":
        # DfE's case notes (issue 16): DfE and administrators; the commissioner and advisers overseeing
        # the case (who read only what DfE shares); never the council or the board chair.
        return role in DFE_OR_ADMIN or has(role, case, ISSUE)
    if right == "own_token":  # an API token: its own person only (the sweep's tokens are the officers')
        return role == f"officer_{case.lower()}"
    if right == "manage_or_hold":
        return has(role, case, MANAGE) or has(role, case, HOLD)
    if right == "manage_or_issue":  # sending the council's email about an instruction again: DfE, the commissioner
        return has(role, case, MANAGE) or has(role, case, ISSUE)
    if right == "draft_cabinet":
        return has(role, case, MANAGE) or has(role, case, HOLD) or has(role, case, LOG)
    if right == "correct":
        # Correcting or withdrawing a value, an update or a file: the council, and those who oversee the case.
        return has(role, case, LOG) or has(role, case, ISSUE)
    if right == "log_or_issue":  # indicators: set up by the council or the commissioner (issue 15)
        return has(role, case, LOG) or has(role, case, ISSUE)
    if right == "notice_owner":  # a notice is read by the person told, and nobody else
        return role == NOTICE_OWNERS[case]
    if right == "sign_progress":
        return role in PROGRESS_REPORT_SIGNERS[case]
    if right == "read_draft":
        return role in DRAFT_READERS[case]
    if right == "read_draft_and_draft":
        return role in DRAFT_READERS[case] and (has(role, case, MANAGE) or has(role, case, HOLD))
    return has(role, case, right)


def may_admin(role: str, right: str | None, case: str | None) -> bool:
    """Admin rights: the same capabilities, for the people who may use the admin. Rights of records
    of no single case: "staff" (every admin user may view), "dfe" (DfE staff and administrators),
    "superuser" (administrators only)."""
    if role not in ADMIN_USERS or right is None:
        return False
    if right == "staff":
        return True
    if right == "dfe":
        return role in DFE_OR_ADMIN
    if right == "superuser":
        return role == "admin"
    if right == "issue_somewhere":
        return any(ISSUE in caps for caps in CAPABILITIES[role].values())
    if right == "view_authority":
        # Inspections belong to an authority: seen by whoever sees a case of it.
        return case is not None and has(role, case, VIEW)
    return may(role, right, case)
