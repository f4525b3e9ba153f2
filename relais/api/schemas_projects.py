"""Schemas of the projects API: projects, the action plan's tasks, workshop designs
(sequences), their sessions, enrolments and attendance."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from relais.api.schemas_base import MAX_ID, VERSION_DOC, InputSchema, _doc, _text, _values
from relais.projects.models import AttendanceStatus, ProjectStatus, TaskStatus

ProjectStatusValue = _values(ProjectStatus)
TaskStatusValue = _values(TaskStatus)
AttendanceValue = _values(AttendanceStatus)


class ProjectIn(InputSchema):
    title: str = _text("Intitulé.", 200)
    purpose: str = _text("Finalité du projet.", 4000)
    public: str = _text("Public visé (code data·inclusion, vide : tous publics).", 80, default="")
    public_detail: str = _text("Précisions sur le public.", 300, default="")
    commune_code: str = _text("Commune (code INSEE).", 5, default="")
    thematiques: list[str] = Field(default_factory=list, description="Thématiques data·inclusion.")
    starts_on: date | None = Field(None, description="Début prévu.")
    ends_on: date | None = Field(None, description="Fin prévue (pas avant le début).")


class ProjectPatchIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    title: str = _text("Intitulé.", 200, default=None)
    purpose: str = _text("Finalité du projet.", 4000, default=None)
    public: str = _text("Public visé.", 80, default=None)
    public_detail: str = _text("Précisions sur le public.", 300, default=None)
    commune_code: str = _text("Commune (code INSEE).", 5, default=None)
    thematiques: list[str] = Field(None, description="Thématiques data·inclusion.")
    starts_on: date | None = Field(None, description="Début prévu.")
    ends_on: date | None = Field(None, description="Fin prévue.")
    status: ProjectStatusValue = Field(
        None, description=_doc("Statut (selon les transitions permises)", ProjectStatus)
    )


class ObjectiveOut(Schema):
    id: int
    text: str
    indicator: str
    baseline: str
    target: str
    deadline: date | None
    smart_gaps: list[str] = Field(description="Ce qu'il reste à préciser (vérification SMART).")


class BudgetOut(Schema):
    total_expenses: Decimal
    total_resources: Decimal
    total_secured: Decimal
    balanced: bool
    gap: Decimal = Field(description="Produits moins charges (négatif : financement manquant).")


class ProjectOut(Schema):
    id: int
    title: str
    purpose: str
    public: str
    public_detail: str
    commune_code: str
    thematiques: list[str]
    starts_on: date | None
    ends_on: date | None
    status: ProjectStatusValue
    status_label: str
    version: int
    objectives: list[ObjectiveOut] | None = None
    budget: BudgetOut | None = None


class TaskIn(InputSchema):
    title: str = _text("Tâche.", 200)
    starts_on: date = Field(description="Début.")
    ends_on: date = Field(description="Fin (pas avant le début).")
    owner_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Responsable, membre de la structure."
    )
    owner_name: str = _text("Responsable hors Relais.", 200, default="")
    after_ids: list[int] = Field(
        default_factory=list,
        description="Tâches qui doivent être terminées avant (refusé si cela crée une boucle).",
    )


class TaskPatchIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    title: str = _text("Tâche.", 200, default=None)
    starts_on: date = Field(None, description="Début.")
    ends_on: date = Field(None, description="Fin.")
    owner_id: int | None = Field(None, ge=1, le=MAX_ID, description="Responsable.")
    owner_name: str = _text("Responsable hors Relais.", 200, default=None)
    status: TaskStatusValue = Field(None, description=_doc("Statut", TaskStatus))


class ShiftIn(InputSchema):
    days: int = Field(
        ge=-3650,
        le=3650,
        description="Décalage en jours (négatif : plus tôt) de la tâche et de toutes celles qui en dépendent.",
    )


class DependencyIn(InputSchema):
    predecessor_id: int = Field(ge=1, le=MAX_ID)
    successor_id: int = Field(ge=1, le=MAX_ID)


class TaskOut(Schema):
    id: int
    title: str
    starts_on: date
    ends_on: date
    duration_days: int
    owner_id: int | None
    owner_name: str
    status: TaskStatusValue
    version: int
    predecessor_ids: list[int]
    critical: bool = Field(description="Sur le chemin critique.")
    late: bool = Field(description="Fin passée, ni terminée ni annulée.")
    conflict: bool = Field(description="Commence avant la fin d'une tâche dont elle dépend.")
    slack_days: int


class SessionIn(InputSchema):
    starts_at: datetime
    ends_at: datetime
    place: str = _text("Lieu.", 200)
    facilitator_id: int = Field(ge=1, le=MAX_ID, description="Animateur, membre de la structure.")
    capacity: int = Field(ge=1, le=500, description="Nombre de places.")


class SessionOut(Schema):
    id: int
    workshop_id: int
    workshop_title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    facilitator_id: int
    capacity: int
    enrolled: int = Field(description="Personnes inscrites à l'atelier (désinscrites exclues).")
    version: int
    cancelled: bool = Field(False, description="Séance annulée (ni présence, ni place comptée).")
    cancelled_at: datetime | None = None
    cancellation_reason: str = ""


class SessionPatchIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    starts_at: datetime = Field(None, description="Début.")
    ends_at: datetime = Field(None, description="Fin (au plus 12 heures après le début).")
    place: str = _text("Lieu.", 200, default=None)
    facilitator_id: int = Field(
        None, ge=1, le=MAX_ID, description="Animateur, membre de la structure."
    )
    capacity: int = Field(
        None, ge=1, le=500, description="Nombre de places (pas moins que les inscrits)."
    )


class SessionReinstateIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)


class SessionCancelIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    reason: str = _text(
        "Motif de l'annulation (visible de toute la structure : ni nom ni donnée personnelle).",
        300,
    )


class WorkshopIn(InputSchema):
    title: str = _text("Intitulé.", 200)
    objectives: str = _text("Objectifs pédagogiques.", 3000)
    duration_hours: Decimal = Field(
        description="Durée totale en heures (plus de 0, au plus 2 000)."
    )
    content: str = _text("Contenu.", 6000, default="")
    methods: str = _text("Méthodes pédagogiques.", 3000, default="")
    materials: str = _text("Supports et matériel.", 3000, default="")
    evaluation: str = _text("Modalités d'évaluation.", 3000, default="")
    project_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Projet collectif de la structure (facultatif)."
    )
    required_abilities: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Habiletés requises ou travaillées (codes du vocabulaire du module emploi).",
    )
    required_level: int = Field(
        2, ge=1, le=4, description="Niveau à partir duquel une habileté est acquise (1 à 4)."
    )


class WorkshopPatchIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    title: str = _text("Intitulé.", 200, default=None)
    objectives: str = _text("Objectifs pédagogiques.", 3000, default=None)
    duration_hours: Decimal = Field(None, description="Durée totale en heures.")
    content: str = _text("Contenu.", 6000, default=None)
    methods: str = _text("Méthodes pédagogiques.", 3000, default=None)
    materials: str = _text("Supports et matériel.", 3000, default=None)
    evaluation: str = _text("Modalités d'évaluation.", 3000, default=None)
    project_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Projet collectif (null : aucun)."
    )
    required_abilities: list[str] = Field(None, max_length=100, description="Habiletés requises.")
    required_level: int = Field(None, ge=1, le=4, description="Niveau requis (1 à 4).")


class WorkshopOut(Schema):
    id: int
    title: str
    project_id: int | None
    objectives: str
    content: str
    duration_hours: Decimal
    methods: str
    materials: str
    evaluation: str
    required_abilities: list[str]
    required_level: int
    version: int
    session_count: int
    enrolled: int = Field(description="Personnes inscrites (désinscrites exclues).")
    sessions: list[SessionOut] | None = Field(
        None, description="Séances, annulées comprises (dans la consultation d'un atelier)."
    )


class EnrolIn(InputSchema):
    person_ids: list[int] = Field(
        min_length=1, max_length=100, description="Personnes à inscrire (toutes ou aucune)."
    )
    consent_confirmed: bool = Field(description="Chaque personne a donné son accord (obligatoire).")


class EnrolmentOut(Schema):
    id: int
    person_id: int
    step_id: int | None
    consent_on: date


class EnrolmentDetailOut(EnrolmentOut):
    rating: int | None
    withdrawn: bool = Field(description="Désinscrit·e de l'atelier (gardé dans l'historique).")
    withdrawn_at: datetime | None
    withdrawal_reason: str


class WithdrawIn(InputSchema):
    reason: str = _text("Motif de la désinscription.", 300)


class AttendanceRow(Schema):
    enrolment_id: int = Field(ge=1, le=MAX_ID)
    status: AttendanceValue = Field(description=_doc("Présence", AttendanceStatus))


class AttendanceIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC + " (version de la séance)")
    rows: list[AttendanceRow] = Field(description="Une ligne par participant inscrit.")


class AttendanceOut(Schema):
    session_id: int
    version: int
    rows: list[dict]
