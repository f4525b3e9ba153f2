"""Schemas of the pathways API (pathways, goals, steps with their workflow, reviews, exit),
and how each record is shown (`pathway_out`, `goal_out`, `step_out`, `review_out`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Schema
from pydantic import Field

from relais.api.routers.people import user_ref
from relais.api.schemas_base import (
    MAX_ID,
    VERSION_DOC,
    InputSchema,
    UserRef,
    _doc,
    _text,
    _values,
)
from relais.diagnostics.domains import Domain
from relais.pathways import selectors
from relais.pathways.models import (
    Exit,
    ExitCategory,
    Goal,
    GoalResult,
    GoalStatus,
    Pathway,
    PathwayStatus,
    Review,
    Scheme,
    Step,
    StepKind,
    StepOwner,
    StepStatus,
)
from relais.pathways.steps import allowed_step_transitions

DomainOrBlankValue = _values(Domain, blank=True)
SchemeValue = _values(Scheme)
PathwayStatusValue = _values(PathwayStatus)
GoalStatusValue = _values(GoalStatus)
StepKindValue = _values(StepKind)
StepOwnerValue = _values(StepOwner)
StepStatusValue = _values(StepStatus)
InitialStepStatusValue = Literal["planned", "in_progress", "done"]
GoalResultValue = _values(GoalResult)
ExitCategoryValue = _values(ExitCategory)
ContractStateValue = Literal["none", "draft", "signed", "to_renew"]

REFERENT_ID_DOC = (
    "Référent du parcours : un référent ou responsable actif de la structure. Par défaut à la "
    "création : vous-même si vous l'êtes, sinon le référent de la personne."
)


class PathwayIn(InputSchema):
    scheme: SchemeValue = Field(description=_doc("Dispositif", Scheme))
    scheme_detail: str = _text("Précision (obligatoire pour `other`).", 150, default="")
    referent_id: int | None = Field(None, ge=1, le=MAX_ID, description=REFERENT_ID_DOC)
    started_on: date | None = Field(
        None, description="Début du parcours (par défaut : aujourd'hui)."
    )
    review_every_months: int = Field(3, description="Rythme des bilans en mois, de 1 à 24.")


class PathwayPatchIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    scheme: SchemeValue = Field(None, description=_doc("Dispositif", Scheme))
    scheme_detail: str = _text("Précision sur le dispositif.", 150, default=None)
    referent_id: int = Field(None, ge=1, le=MAX_ID, description="Référent du parcours.")
    started_on: date = Field(None, description="Début du parcours.")
    review_every_months: int = Field(None, description="Rythme des bilans en mois, de 1 à 24.")


class ExitIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC + " (version du parcours)")
    exited_on: date = Field(description="Date de sortie (pas dans le futur).")
    category: ExitCategoryValue = Field(description=_doc("Type de sortie", ExitCategory))
    comment: str = _text("Commentaire.", 3000, default="")
    confirm_in_progress: bool = Field(
        False,
        description=(
            "Les étapes encore en cours seront annulées : envoyez `true` pour le confirmer "
            "(sinon 400 avec la liste de ces étapes)."
        ),
    )
    goal_outcomes: dict[int, Literal["achieved", "abandoned"]] = Field(
        default_factory=dict,
        description=(
            "Pour chaque objectif encore en cours (identifiant → `achieved` atteint ou "
            "`abandoned` abandonné) : tous sont requis, sinon 400 nommant le premier "
            "(`field` : `goal_<id>`)."
        ),
    )


class ExitOut(Schema):
    exited_on: date
    category: ExitCategoryValue
    category_label: str
    comment: str
    is_dynamic: bool = Field(
        description="Sortie dynamique (emploi durable, de transition, positive)."
    )
    family: str = Field(
        description=(
            "Famille : `dynamic` (sortie dynamique), `other` (autre sortie), `neutral` "
            "(sortie neutralisée : déménagement, santé, incarcération, décès)."
        )
    )
    family_label: str


class GoalIn(InputSchema):
    text: str = _text("L'objectif, tel que convenu avec la personne.", 300)
    domain: DomainOrBlankValue = Field(
        "", description=_doc("Domaine de vie lié", Domain, blank=True)
    )
    indicator: str = _text("Indicateur (comment on saura qu'il est atteint).", 200, default="")
    target: str = _text("Cible.", 200, default="")
    deadline: date | None = Field(None, description="Échéance.")


class GoalPatchIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    text: str = _text("L'objectif.", 300, default=None)
    domain: DomainOrBlankValue = Field(
        None, description=_doc("Domaine de vie lié", Domain, blank=True)
    )
    indicator: str = _text("Indicateur.", 200, default=None)
    target: str = _text("Cible.", 200, default=None)
    deadline: date | None = Field(None, description="Échéance ; `null` pour la retirer.")
    status: GoalStatusValue = Field(None, description=_doc("Statut", GoalStatus))


class GoalOut(Schema):
    id: int
    pathway_id: int
    text: str
    domain: DomainOrBlankValue
    domain_label: str
    indicator: str
    target: str
    deadline: date | None
    status: GoalStatusValue
    status_label: str
    smart_gaps: list[str] = Field(
        description="Ce qui manque pour un objectif SMART (signalé, pas bloquant)."
    )
    version: int
    created_at: datetime
    updated_at: datetime


STEP_STATUS_DOC = _doc("Statut", StepStatus)
STEP_WORKFLOW_DOC = (
    "Changement de statut, selon le circuit des étapes : prévue → en cours, réalisée, en "
    "attente, abandonnée, annulée ; en cours → réalisée, en attente, abandonnée, annulée ; en "
    "attente → prévue, en cours, abandonnée, annulée ; réalisée → en cours ; abandonnée ou "
    "annulée → prévue. « Réalisée » exige `done_on`. Les statuts possibles de chaque étape "
    "sont donnés par `allowed_statuses`. " + STEP_STATUS_DOC
)


class StepIn(InputSchema):
    kind: StepKindValue = Field(description=_doc("Type d'action", StepKind))
    title: str = _text("L'action.", 300)
    goal_id: int | None = Field(None, ge=1, le=MAX_ID, description="Objectif du parcours lié.")
    owner: StepOwnerValue = Field("person", description=_doc("Qui la porte", StepOwner))
    owner_name: str = _text(
        "Professionnel ou structure (obligatoire si `owner` vaut `partner`).", 200, default=""
    )
    planned_on: date | None = Field(None, description="Date prévue.")
    status: InitialStepStatusValue = Field(
        "planned", description="Statut initial : `planned`, `in_progress` ou `done`."
    )
    done_on: date | None = Field(None, description="Date de réalisation (obligatoire si `done`).")
    outcome: str = _text("Résultat.", 3000, default="")


class StepPatchIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    kind: StepKindValue = Field(None, description=_doc("Type d'action", StepKind))
    title: str = _text("L'action.", 300, default=None)
    goal_id: int | None = Field(None, ge=1, le=MAX_ID, description="Objectif lié ; `null` : aucun.")
    owner: StepOwnerValue = Field(None, description=_doc("Qui la porte", StepOwner))
    owner_name: str = _text("Professionnel ou structure.", 200, default=None)
    planned_on: date | None = Field(None, description="Date prévue.")
    status: StepStatusValue = Field(None, description=STEP_WORKFLOW_DOC)
    done_on: date | None = Field(None, description="Date de réalisation.")
    outcome: str = _text("Résultat.", 3000, default=None)


class StepOut(Schema):
    id: int
    pathway_id: int
    goal_id: int | None
    kind: StepKindValue
    kind_label: str
    title: str
    owner: StepOwnerValue
    owner_label: str
    owner_name: str
    planned_on: date | None
    done_on: date | None
    status: StepStatusValue
    status_label: str
    outcome: str
    overdue: bool = Field(description="Date prévue passée sans que l'étape soit réalisée.")
    allowed_statuses: list[StepStatusValue] = Field(
        description="Statuts vers lesquels l'étape peut passer."
    )
    version: int
    created_at: datetime
    updated_at: datetime


class PathwayOut(Schema):
    id: int
    person_id: int
    scheme: SchemeValue
    scheme_label: str
    scheme_detail: str
    referent: UserRef
    started_on: date
    review_every_months: int
    next_review_on: date | None
    review_overdue: bool
    status: PathwayStatusValue = Field(description=_doc("Statut", PathwayStatus))
    status_label: str
    contract_state: ContractStateValue = Field(
        description=(
            "Contrat d'engagement : `none` aucun, `draft` établi non signé, `signed` signé et "
            "à jour, `to_renew` objectifs ou étapes changés depuis la signature."
        )
    )
    goals: list[GoalOut]
    steps: list[StepOut]
    exit: ExitOut | None
    version: int
    created_at: datetime
    updated_at: datetime


class GoalResultIn(InputSchema):
    goal_id: int = Field(ge=1, le=MAX_ID, description="Objectif en cours du parcours.")
    result: GoalResultValue = Field(description=_doc("Résultat", GoalResult))
    gap: str = _text("Explication de l'écart.", 2000, default="")


class ReviewIn(InputSchema):
    held_on: date = Field(description="Date du bilan (pas dans le futur).")
    results: list[GoalResultIn] = Field(
        default_factory=list,
        description="Un résultat pour chaque objectif en cours du parcours, ni plus ni moins.",
    )
    adjustments: str = _text("Ajustements décidés.", 5000, default="")
    risks: str = _text("Risques identifiés.", 3000, default="")
    success_factors: str = _text("Facteurs de réussite.", 3000, default="")
    person_view: str = _text("Point de vue de la personne.", 3000, default="")
    next_review_on: date | None = Field(
        None, description="Prochain bilan (par défaut : date du bilan + rythme du parcours)."
    )
    diagnostic_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Diagnostic actualisé de la personne, s'il y en a un."
    )


class GoalReviewOut(Schema):
    goal_id: int
    goal_text: str
    result: GoalResultValue
    result_label: str
    gap: str


class ReviewOut(Schema):
    id: int
    pathway_id: int
    held_on: date
    author: UserRef
    results: list[GoalReviewOut]
    adjustments: str
    risks: str
    success_factors: str
    person_view: str
    diagnostic_id: int | None
    next_review_on: date | None
    created_at: datetime


# --- How records are shown ---------------------------------------------------------------


def goal_out(goal: Goal) -> dict:
    return {
        "id": goal.pk,
        "pathway_id": goal.pathway_id,
        "text": goal.text,
        "domain": goal.domain,
        "domain_label": goal.get_domain_display(),
        "indicator": goal.indicator,
        "target": goal.target,
        "deadline": goal.deadline,
        "status": goal.status,
        "status_label": goal.get_status_display(),
        "smart_gaps": goal.smart_gaps,
        "version": goal.version,
        "created_at": goal.created_at,
        "updated_at": goal.updated_at,
    }


def step_out(step: Step, today: date | None = None) -> dict:
    return {
        "id": step.pk,
        "pathway_id": step.pathway_id,
        "goal_id": step.goal_id,
        "kind": step.kind,
        "kind_label": step.get_kind_display(),
        "title": step.title,
        "owner": step.owner,
        "owner_label": step.get_owner_display(),
        "owner_name": step.owner_name,
        "planned_on": step.planned_on,
        "done_on": step.done_on,
        "status": step.status,
        "status_label": step.get_status_display(),
        "outcome": step.outcome,
        "overdue": selectors.step_is_overdue(step, today),
        "allowed_statuses": allowed_step_transitions(step.status),
        "version": step.version,
        "created_at": step.created_at,
        "updated_at": step.updated_at,
    }


def _exit_out(pathway: Pathway) -> dict | None:
    try:
        exit_record = pathway.exit
    except Exit.DoesNotExist:
        return None
    return {
        "exited_on": exit_record.exited_on,
        "category": exit_record.category,
        "category_label": exit_record.get_category_display(),
        "comment": exit_record.comment,
        "is_dynamic": exit_record.is_dynamic,
        "family": exit_record.family,
        "family_label": exit_record.get_family_display(),
    }


def pathway_out(pathway: Pathway, today: date | None = None) -> dict:
    """Reads the goals, steps and contracts prefetched by `selectors.with_plan`."""
    today = today or timezone.localdate()
    return {
        "id": pathway.pk,
        "person_id": pathway.person_id,
        "scheme": pathway.scheme,
        "scheme_label": pathway.get_scheme_display(),
        "scheme_detail": pathway.scheme_detail,
        "referent": user_ref(pathway.referent),
        "started_on": pathway.started_on,
        "review_every_months": pathway.review_every_months,
        "next_review_on": pathway.next_review_on,
        "review_overdue": selectors.review_is_overdue(pathway, today),
        "status": pathway.status,
        "status_label": pathway.get_status_display(),
        "contract_state": str(selectors.contract_state(pathway)),
        "goals": [goal_out(g) for g in pathway.goals.all()],
        "steps": [step_out(s, today) for s in pathway.steps.all()],
        "exit": _exit_out(pathway),
        "version": pathway.version,
        "created_at": pathway.created_at,
        "updated_at": pathway.updated_at,
    }


def review_out(review: Review) -> dict:
    return {
        "id": review.pk,
        "pathway_id": review.pathway_id,
        "held_on": review.held_on,
        "author": user_ref(review.author),
        "results": [
            {
                "goal_id": gr.goal_id,
                "goal_text": gr.goal.text,
                "result": gr.result,
                "result_label": gr.get_result_display(),
                "gap": gr.gap,
            }
            for gr in sorted(review.goal_reviews.all(), key=lambda gr: gr.goal_id)
        ],
        "adjustments": review.adjustments,
        "risks": review.risks,
        "success_factors": review.success_factors,
        "person_view": review.person_view,
        "diagnostic_id": review.diagnostic_id,
        "next_review_on": review.next_review_on,
        "created_at": review.created_at,
    }
