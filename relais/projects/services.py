"""Writes on a collective project: its sheet, status, and the parts of its sheet (needs,
SMART objectives, partners, meetings, team, risks, SWOT, journal, impact indicators).
The action plan is in `relais.projects.plan`, the budget in `relais.projects.budget`,
workshops in `relais.projects.workshops`.

Rules decided here (the issue left them open): an objective without indicator, starting
value, target or deadline is accepted and flagged (`Objective.smart_gaps`, the same check
as pathway goals); a project follows `PROJECT_TRANSITIONS`; once finished or abandoned only
its evaluation (SWOT, measurements, journal) can still be written.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models, transaction

from relais.accounts.models import Organisation, User
from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.core.versioning import update_versioned
from relais.diagnostics.domains import barriers
from relais.projects import needs as observed_needs
from relais.projects.checks import (
    check_date,
    check_range,
    check_version,
    ensure_writer,
    locked_project,
    validated,
)
from relais.projects.models import (
    CONTRIBUTION_LABELS,
    Indicator,
    Measurement,
    Meeting,
    Objective,
    Partner,
    Project,
    ProjectLogEntry,
    ProjectMember,
    ProjectNeed,
    ProjectStatus,
    ProjectTransition,
    Risk,
    SwotItem,
)

PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectStatus.DESIGN: frozenset({ProjectStatus.RUNNING, ProjectStatus.ABANDONED}),
    ProjectStatus.RUNNING: frozenset({ProjectStatus.CLOSED, ProjectStatus.ABANDONED}),
    ProjectStatus.CLOSED: frozenset({ProjectStatus.RUNNING}),
    ProjectStatus.ABANDONED: frozenset({ProjectStatus.DESIGN}),
}


def allowed_transitions(status: str) -> list[str]:
    allowed = PROJECT_TRANSITIONS.get(status, frozenset())
    return [s for s in ProjectStatus.values if s in allowed]


def _project_fields(
    *,
    title: str,
    purpose: str,
    public: str,
    public_detail: str,
    commune_code: str,
    thematiques: list[str],
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> dict:
    values = {
        "title": clean_text(title),
        "purpose": clean_text(purpose),
        "public": (public or "").strip(),
        "public_detail": clean_text(public_detail),
        "commune_code": (commune_code or "").strip(),
        "thematiques": sorted(set(thematiques or [])),
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    validated(Project, values)
    check_range(starts_on, ends_on, what="La fin prévue")
    return values


@transaction.atomic
def project_create(
    *,
    organisation: Organisation,
    actor: User,
    title: str,
    purpose: str,
    public: str = "",
    public_detail: str = "",
    commune_code: str = "",
    thematiques: list[str] | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Project:
    ensure_writer(actor, organisation.pk)
    values = _project_fields(
        title=title,
        purpose=purpose,
        public=public,
        public_detail=public_detail,
        commune_code=commune_code,
        thematiques=thematiques or [],
        starts_on=starts_on,
        ends_on=ends_on,
    )
    return Project.objects.create(
        organisation=organisation, created_by=actor, updated_by=actor, **values
    )


@transaction.atomic
def project_update(*, project: Project, actor: User, expected_version: int, **fields) -> Project:
    """The sheet's fields (those of `project_create`); status through `project_change_status`."""
    current = locked_project(project, actor)
    check_version(current, expected_version)
    changes = _project_fields(**fields)
    return update_versioned(
        current, expected_version=expected_version, actor=actor, changes=changes
    )


@transaction.atomic
def project_change_status(
    *, project: Project, actor: User, expected_version: int, status: str, reason: str = ""
) -> Project:
    current = locked_project(project, actor, allow_finished=True)
    check_version(current, expected_version)
    if status not in ProjectStatus.values:
        raise DomainError("Statut de projet inconnu.", field="status")
    if status not in PROJECT_TRANSITIONS[current.status]:
        raise DomainError(
            f"Un projet « {ProjectStatus(current.status).label.lower()} » ne peut pas passer "
            f"à « {ProjectStatus(status).label.lower()} ».",
            field="status",
        )
    ProjectTransition.objects.create(
        project=current,
        from_status=current.status,
        to_status=status,
        actor=actor,
        reason=clean_text(reason)[:300],
    )
    return update_versioned(
        current, expected_version=expected_version, actor=actor, changes={"status": status}
    )


# --- Needs, objectives --------------------------------------------------------------------


@transaction.atomic
def need_add(
    *,
    project: Project,
    actor: User,
    barrier_code: str = "",
    observed_need: str = "",
    text: str = "",
) -> ProjectNeed:
    current = locked_project(project, actor)
    barrier_code = (barrier_code or "").strip()
    observed_need = (observed_need or "").strip()
    text = clean_text(text)
    if barrier_code and barrier_code not in barriers():
        raise DomainError("Frein inconnu.", field="barrier_code")
    if observed_need and not observed_needs.is_known(observed_need, current.organisation_id):
        raise DomainError("Besoin observé inconnu pour ce territoire.", field="observed_need")
    if not (barrier_code or observed_need or text):
        raise DomainError(
            "Choisissez un frein, un besoin observé, ou décrivez le besoin.", field="text"
        )
    values = validated(
        ProjectNeed,
        {"barrier_code": barrier_code, "observed_need": observed_need, "text": text},
        project=current,
    )
    return ProjectNeed.objects.create(project=current, **values)


def check_objective_deadline(deadline: dt.date | None, project: Project) -> None:
    check_date(deadline, "deadline", "L'échéance")
    if deadline is not None and project.starts_on and deadline < project.starts_on:
        raise DomainError(
            f"L'échéance ne peut pas précéder le début du projet ({project.starts_on:%d/%m/%Y}).",
            field="deadline",
        )


def _objective_fields(project: Project, **fields) -> dict:
    values = {k: clean_text(v) for k, v in fields.items() if k != "deadline"}
    values["deadline"] = fields.get("deadline")
    validated(Objective, values, project=project)
    check_objective_deadline(values["deadline"], project)
    return values


@transaction.atomic
def objective_create(
    *,
    project: Project,
    actor: User,
    text: str,
    indicator: str = "",
    baseline: str = "",
    target: str = "",
    deadline: dt.date | None = None,
) -> Objective:
    """Accepted even when not yet measurable: `Objective.smart_gaps` flags what is missing."""
    current = locked_project(project, actor)
    values = _objective_fields(
        current, text=text, indicator=indicator, baseline=baseline, target=target, deadline=deadline
    )
    return Objective.objects.create(project=current, updated_by=actor, **values)


@transaction.atomic
def objective_update(
    *, objective: Objective, actor: User, expected_version: int, **fields
) -> Objective:
    project = locked_project(objective.project, actor)
    current = Objective.objects.select_for_update().get(pk=objective.pk)
    check_version(current, expected_version)
    values = _objective_fields(project, **fields)
    return update_versioned(current, expected_version=expected_version, actor=actor, changes=values)


# --- Partners, meetings, team -------------------------------------------------------------


@transaction.atomic
def partner_add(
    *,
    project: Project,
    actor: User,
    organisation: Organisation | None = None,
    name: str = "",
    contributions: list[str] | None = None,
    contribution_detail: str = "",
    stakes: str = "",
) -> Partner:
    current = locked_project(project, actor)
    name = clean_text(name)
    if organisation is None and not name:
        raise DomainError(
            "Choisissez une structure de l'annuaire ou nommez le partenaire.", field="name"
        )
    if organisation is not None:
        name = ""
        if current.partners.filter(organisation=organisation).exists():
            raise DomainError(
                f"{organisation.name} est déjà partenaire du projet.", field="organisation"
            )
    unknown = [c for c in contributions or [] if c not in CONTRIBUTION_LABELS]
    if unknown:
        raise DomainError("Apport inconnu.", field="contributions")
    values = validated(
        Partner,
        {
            "name": name,
            "contributions": list(dict.fromkeys(contributions or [])),
            "contribution_detail": clean_text(contribution_detail),
            "stakes": clean_text(stakes),
        },
        project=current,
    )
    return Partner.objects.create(project=current, organisation=organisation, **values)


@transaction.atomic
def meeting_add(
    *,
    project: Project,
    actor: User,
    kind: str,
    held_on: dt.date,
    participants: str = "",
    minutes: str = "",
) -> Meeting:
    current = locked_project(project, actor, allow_finished=True)
    check_date(held_on, "held_on", "La date de la réunion")
    values = validated(
        Meeting,
        {
            "kind": kind,
            "held_on": held_on,
            "participants": clean_text(participants),
            "minutes": (minutes or "").strip(),
        },
        project=current,
    )
    return Meeting.objects.create(project=current, **values)


@transaction.atomic
def member_add(
    *, project: Project, actor: User, role: str, user: User | None = None, name: str = ""
) -> ProjectMember:
    current = locked_project(project, actor)
    name = clean_text(name)
    if user is None and not name:
        raise DomainError("Choisissez un professionnel ou indiquez un nom.", field="name")
    if user is not None and not (
        user.memberships.filter(is_active=True, organisation_id=current.organisation_id).exists()
    ):
        raise DomainError("Ce professionnel n'est pas membre de la structure.", field="user")
    values = validated(
        ProjectMember, {"role": clean_text(role), "name": "" if user else name}, project=current
    )
    return ProjectMember.objects.create(project=current, user=user, **values)


# --- Running and evaluating ---------------------------------------------------------------


@transaction.atomic
def risk_add(
    *,
    project: Project,
    actor: User,
    description: str,
    probability: int,
    impact: int,
    mitigation: str = "",
    owner_name: str = "",
) -> Risk:
    current = locked_project(project, actor)
    for field, value in (("probability", probability), ("impact", impact)):
        if value not in (1, 2, 3):
            raise DomainError("Choisissez une valeur de 1 (faible) à 3 (forte).", field=field)
    values = validated(
        Risk,
        {
            "description": clean_text(description),
            "probability": probability,
            "impact": impact,
            "mitigation": clean_text(mitigation),
            "owner_name": clean_text(owner_name),
        },
        project=current,
    )
    return Risk.objects.create(project=current, **values)


@transaction.atomic
def swot_add(*, project: Project, actor: User, quadrant: str, text: str) -> SwotItem:
    current = locked_project(project, actor, allow_finished=True)
    values = validated(SwotItem, {"quadrant": quadrant, "text": clean_text(text)}, project=current)
    return SwotItem.objects.create(project=current, **values)


@transaction.atomic
def log_add(*, project: Project, actor: User, written_on: dt.date, text: str) -> ProjectLogEntry:
    current = locked_project(project, actor, allow_finished=True)
    check_date(written_on, "written_on", "La date")
    values = validated(
        ProjectLogEntry, {"written_on": written_on, "text": (text or "").strip()}, project=current
    )
    return ProjectLogEntry.objects.create(project=current, author=actor, **values)


@transaction.atomic
def indicator_add(
    *,
    project: Project,
    actor: User,
    name: str,
    baseline: Decimal,
    target: Decimal,
    unit: str = "",
    objective: Objective | None = None,
) -> Indicator:
    current = locked_project(project, actor)
    if objective is not None and objective.project_id != current.pk:
        raise DomainError("Cet objectif n'appartient pas à ce projet.", field="objective")
    values = validated(
        Indicator,
        {
            "name": clean_text(name),
            "unit": clean_text(unit),
            "baseline": baseline,
            "target": target,
        },
        project=current,
    )
    return Indicator.objects.create(project=current, objective=objective, **values)


@transaction.atomic
def measurement_add(
    *, indicator: Indicator, actor: User, measured_on: dt.date, value: Decimal, comment: str = ""
) -> Measurement:
    locked_project(indicator.project, actor, allow_finished=True)
    check_date(measured_on, "measured_on", "La date de mesure")
    if Measurement.objects.filter(indicator=indicator, measured_on=measured_on).exists():
        raise DomainError(
            f"Une mesure est déjà enregistrée le {measured_on:%d/%m/%Y} pour cet indicateur.",
            field="measured_on",
        )
    values = validated(
        Measurement,
        {"measured_on": measured_on, "value": value, "comment": clean_text(comment)},
        indicator=indicator,
    )
    return Measurement.objects.create(indicator=indicator, **values)


# The parts a user may remove from the sheet (a typing error, a partner who withdrew).
REMOVABLE: dict[str, type[models.Model]] = {
    "besoin": ProjectNeed,
    "objectif": Objective,
    "partenaire": Partner,
    "reunion": Meeting,
    "equipe": ProjectMember,
    "risque": Risk,
    "afom": SwotItem,
}


@transaction.atomic
def part_remove(*, project: Project, actor: User, kind: str, part_id: int) -> None:
    current = locked_project(project, actor, allow_finished=kind == "afom")
    model = REMOVABLE.get(kind)
    if model is None:
        raise DomainError("Élément inconnu.")
    deleted, _ = model.objects.filter(project=current, pk=part_id).delete()
    if not deleted:
        raise DomainError("Cet élément n'existe plus.")
