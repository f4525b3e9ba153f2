"""The demo caseload, person by person: organisation, référent, situation and where the
pathway stands today. Spread so that each référent's home page shows every column and
every alert of the caseload, and each organisation has pathways at every stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from relais.demo.accompaniment.profiles import Situation
from relais.pathways.models import ExitCategory


class State:
    INTAKE_ONLY = "intake_only"  # record opened at reception, nothing else yet
    DIAGNOSTIC_ONLY = "diagnostic_only"  # diagnostic done, pathway to build
    NEW = "new"  # pathway just started, contract signed
    NEW_DRAFT = "new_draft"  # pathway just started, contract drawn up, not signed yet
    OK = "ok"  # up to date: no alert
    WORSEN = "worsen"  # up to date, but the situation gets worse diagnostic after diagnostic
    REVIEW_OVERDUE = "review_overdue"
    STEP_OVERDUE = "step_overdue"
    CONTRACT_TO_RENEW = "contract_to_renew"
    NO_CONTACT_30 = "no_contact_30"
    NO_CONTACT_60 = "no_contact_60"
    CLOSED = "closed"  # options: exit (category), exit_ago (days)
    RETURNED = "returned"  # a closed pathway (lost contact), then a new one


ACTIVE_STATES = (
    State.NEW,
    State.NEW_DRAFT,
    State.OK,
    State.WORSEN,
    State.REVIEW_OVERDUE,
    State.STEP_OVERDUE,
    State.CONTRACT_TO_RENEW,
    State.NO_CONTACT_30,
    State.NO_CONTACT_60,
    State.RETURNED,
)

# Référents by short name (see relais.demo.accounts.USERS).
REFERENTS = {
    "julien": "referent@relais.localhost",
    "marie": "responsable.ccas@relais.localhost",
    "karim": "responsable.plie@relais.localhost",
    "sophie": "referente.plie@relais.localhost",
    "thomas": "encadrant.aci@relais.localhost",
    "nadia": "responsable.aci@relais.localhost",
}


@dataclass(frozen=True)
class Entry:
    organisation: str
    referent: str | None
    profile: str
    state: str
    options: dict = field(default_factory=dict)


def _e(organisation: str, referent: str | None, profile: str, state: str, **options) -> Entry:
    return Entry(organisation, referent, profile, state, options)


P = Situation
S = State
X = ExitCategory

CAST: tuple[Entry, ...] = (
    # --- CCAS de Villeurbanne (22) ------------------------------------------------------
    _e("ccas", "julien", P.RSA, S.OK, reviews=3, diagnostics=3),
    _e("ccas", "julien", P.RSA, S.REVIEW_OVERDUE, reviews=1),
    _e("ccas", "julien", P.PARENT, S.OK, reviews=2, diagnostics=2),
    _e("ccas", "julien", P.PARENT, S.CONTRACT_TO_RENEW, reviews=1),
    _e("ccas", "julien", P.NEWCOMER, S.STEP_OVERDUE, reviews=1),
    _e("ccas", "julien", P.EVICTION, S.OK, reviews=1, anchor=8, urgent_now=True),
    _e("ccas", "julien", P.VIOLENCE, S.NEW, anchor=12),
    _e("ccas", "julien", P.HOMELESS, S.NEW_DRAFT, anchor=4),
    _e("ccas", "julien", P.RSA, S.NO_CONTACT_60, reviews=1, anchor=95),
    _e("ccas", "julien", P.EVICTION, S.CLOSED, exit=X.MOVED, exit_ago=70, reviews=1),
    _e("ccas", "julien", P.PARENT, S.CLOSED, exit=X.TRANSITION_EMPLOYMENT, exit_ago=25, reviews=2),
    _e("ccas", "julien", P.NEWCOMER, S.NO_CONTACT_30, reviews=1),
    _e("ccas", "julien", P.SENIOR, S.CLOSED, exit=X.DEATH, exit_ago=110, reviews=3),
    _e("ccas", "julien", P.HEALTH, S.DIAGNOSTIC_ONLY),
    _e("ccas", "julien", P.VIOLENCE, S.OK, reviews=1, scheme_detail="Accompagnement social global"),
    _e("ccas", "julien", P.EVICTION, S.CLOSED, exit=X.ENDED_BY_PERSON, exit_ago=40, reviews=1),
    _e("ccas", "marie", P.VIOLENCE, S.OK, reviews=3, diagnostics=3),
    _e("ccas", "marie", P.HOMELESS, S.RETURNED, override="down"),
    _e("ccas", "marie", P.RSA, S.WORSEN, reviews=2, diagnostics=3, urgent_now=True, health=True),
    _e("ccas", "marie", P.HEALTH, S.STEP_OVERDUE, reviews=2),
    _e("ccas", "marie", P.NEWCOMER, S.CONTRACT_TO_RENEW, reviews=2),
    _e("ccas", None, P.RSA, S.INTAKE_ONLY),
    # --- PLIE Lyon Métropole (22) -------------------------------------------------------
    _e("plie", "julien", P.SENIOR, S.OK, reviews=2, diagnostics=2),
    _e("plie", "julien", P.SENIOR, S.REVIEW_OVERDUE, reviews=2),
    _e("plie", "julien", P.HEALTH, S.CONTRACT_TO_RENEW, reviews=1),
    _e("plie", "julien", P.YOUTH, S.STEP_OVERDUE, reviews=1),
    _e("plie", "julien", P.NEWCOMER, S.OK, reviews=3, diagnostics=3),
    _e("plie", "julien", P.SENIOR, S.CLOSED, exit=X.REORIENTED, exit_ago=20, reviews=2),
    _e("plie", "julien", P.JUSTICE, S.NO_CONTACT_60, reviews=2, anchor=75),
    _e("plie", "julien", P.YOUTH, S.CLOSED, exit=X.POSITIVE, exit_ago=60, reviews=2),
    _e("plie", "julien", P.HEALTH, S.WORSEN, reviews=1, diagnostics=2, override="up"),
    _e("plie", "sophie", P.SENIOR, S.OK, reviews=1),
    _e("plie", "sophie", P.YOUTH, S.OK, reviews=2, diagnostics=2),
    _e("plie", "sophie", P.YOUTH, S.NO_CONTACT_30, reviews=2),
    _e("plie", "sophie", P.NEWCOMER, S.STEP_OVERDUE, reviews=2),
    _e("plie", "sophie", P.HEALTH, S.REVIEW_OVERDUE, reviews=0),
    _e("plie", "sophie", P.PARENT, S.CONTRACT_TO_RENEW, reviews=2),
    _e("plie", "sophie", P.SENIOR, S.CLOSED, exit=X.TRANSITION_EMPLOYMENT, exit_ago=35, reviews=2),
    _e("plie", "sophie", P.JUSTICE, S.CLOSED, exit=X.OTHER, exit_ago=90, reviews=1),
    _e("plie", "sophie", P.PARENT, S.OK, reviews=3, diagnostics=2),
    _e("plie", "sophie", P.NEWCOMER, S.CLOSED, exit=X.END_OF_RIGHTS, exit_ago=15, reviews=3),
    _e("plie", "sophie", P.SENIOR, S.NEW_DRAFT, anchor=9),
    _e("plie", "sophie", P.YOUTH, S.WORSEN, reviews=1, diagnostics=2),
    _e("plie", "karim", P.SENIOR, S.OK, reviews=1),
    # --- Les Jardins du Rhône — ACI (16) ------------------------------------------------
    _e("aci", "thomas", P.IAE, S.OK, reviews=2, diagnostics=2),
    _e("aci", "thomas", P.IAE, S.REVIEW_OVERDUE, reviews=1),
    _e("aci", "thomas", P.IAE, S.STEP_OVERDUE, reviews=1),
    _e("aci", "thomas", P.IAE, S.CONTRACT_TO_RENEW, reviews=2),
    _e("aci", "thomas", P.JUSTICE, S.OK, reviews=1),
    _e("aci", "thomas", P.IAE, S.CLOSED, exit=X.SUSTAINABLE_EMPLOYMENT, exit_ago=45, reviews=3),
    _e("aci", "thomas", P.IAE, S.CLOSED, exit=X.HEALTH, exit_ago=12, reviews=2),
    _e("aci", "thomas", P.IAE, S.CLOSED, exit=X.LOST_CONTACT, exit_ago=50, reviews=1),
    _e("aci", "thomas", P.IAE, S.NO_CONTACT_30, reviews=1),
    _e("aci", "thomas", P.NEWCOMER, S.OK, reviews=2, diagnostics=3),
    _e("aci", "thomas", P.JUSTICE, S.STEP_OVERDUE, reviews=1),
    _e("aci", "thomas", P.RSA, S.WORSEN, reviews=1, diagnostics=2),
    _e("aci", "thomas", P.IAE, S.NEW, anchor=6),
    _e("aci", "thomas", P.IAE, S.CLOSED, exit=X.INCARCERATION, exit_ago=100, reviews=1),
    _e("aci", "nadia", P.IAE, S.OK, reviews=1),
    _e("aci", "nadia", P.HEALTH, S.REVIEW_OVERDUE, reviews=1),
)
