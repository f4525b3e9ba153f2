"""Schemas of the accompaniment API: persons, diagnostics, pathways, goals, steps, reviews.

Choice fields are typed with their allowed values (`Literal`, so OpenAPI lists them as an
`enum`) and their French labels are written in the description. Dates are ISO 8601
(`2026-11-22`). Lengths are documented (`maxLength`) but checked by the services, which
answer with a French message naming the field (400) rather than a generic 422.

Inputs for PATCH: every field is optional; only the fields sent are changed; `version`
(read from the last GET) is required — a stale version gets a 409."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.db import models
from ninja import Schema
from pydantic import ConfigDict, Field

from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Urgency
from relais.pathways.models import (
    ExitCategory,
    GoalResult,
    GoalStatus,
    PathwayStatus,
    Scheme,
    StepKind,
    StepOwner,
    StepStatus,
)
from relais.people.models import (
    AdministrativeStatus,
    DrivingLicence,
    EducationLevel,
    FrenchLevel,
    Household,
    Resource,
    Sex,
)

MAX_ID = 2**63 - 1  # BigAutoField: larger ids cannot exist (and would overflow SQLite)


def _values(choices: type[models.Choices], *, blank: bool = False) -> Any:
    values = tuple(choices.values) + (("",) if blank else ())
    return Literal[values]  # type: ignore[valid-type]


def _doc(label: str, choices: type[models.Choices], *, blank: bool = False) -> str:
    items = "; ".join(f"`{value}` : {text}" for value, text in choices.choices)
    tail = " ; chaîne vide : non renseigné" if blank else ""
    return f"{label}. Valeurs : {items}{tail}."


def _text(description: str, max_length: int | None = None, **kwargs: Any) -> Any:
    extra = {"maxLength": max_length} if max_length else None
    return Field(description=description, json_schema_extra=extra, **kwargs)


SexValue = _values(Sex, blank=True)
HouseholdValue = _values(Household, blank=True)
ResourceValue = _values(Resource)
EducationLevelValue = _values(EducationLevel, blank=True)
FrenchLevelValue = _values(FrenchLevel, blank=True)
DrivingLicenceValue = _values(DrivingLicence, blank=True)
AdministrativeStatusValue = _values(AdministrativeStatus, blank=True)
DomainValue = _values(Domain)
DomainOrBlankValue = _values(Domain, blank=True)
DifficultyValue = Literal[0, 1, 2, 3]
UrgencyValue = Literal[0, 1, 2, 3]
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

URGENCY_DOC = "; ".join(f"`{value}` : {label}" for value, label in Urgency.choices)
DIFFICULTY_DOC = (
    "Niveau de difficulté : `0` aucune, `1` légère, `2` importante, `3` bloquante ; "
    "`null` : domaine non abordé."
)
VERSION_DOC = (
    "Numéro de version lu lors de la dernière consultation (verrouillage optimiste) : si "
    "quelqu'un a enregistré entre-temps, la modification est refusée (409)."
)


class InputSchema(Schema):
    """Inputs refuse unknown fields (422): a misspelt or misplaced field is never silently
    ignored (e.g. a situation field sent outside `situation`)."""

    model_config = ConfigDict(extra="forbid")


class OutputSchema(Schema):
    model_config = ConfigDict(extra="ignore")


# --- Common --------------------------------------------------------------------------------


class FieldErrorOut(Schema):
    detail: str = Field(description="Message en français, à montrer tel quel.")
    field: str | None = Field(None, description="Champ concerné, s'il y en a un.")


class ValidationErrorOut(Schema):
    detail: str = Field(description="« Données invalides. »")
    errors: list[dict[str, Any]] = Field(
        description="Détail par champ : `loc` (emplacement), `msg`, `type`."
    )


class UserRef(Schema):
    id: int
    name: str = Field(description="Prénom et nom (ou adresse e-mail à défaut).")


# --- Persons -------------------------------------------------------------------------------


class PersonSituationIn(InputSchema):
    """Situation of the person: reserved to référents and managers (403 for reception)."""

    household: HouseholdValue = Field(
        "", description=_doc("Situation familiale", Household, blank=True)
    )
    children_ages: list[int] = Field(
        default_factory=list, description="Âge de chaque enfant, en années (0 pour un bébé)."
    )
    resources: list[ResourceValue] = Field(
        default_factory=list,
        description=_doc("Ressources (plusieurs possibles ; `none` seul)", Resource),
    )
    education_level: EducationLevelValue = Field(
        "",
        description=_doc("Niveau de diplôme (nomenclature nationale)", EducationLevel, blank=True),
    )
    languages: str = _text("Langues parlées, en texte libre.", 200, default="")
    french_level: FrenchLevelValue = Field(
        "", description=_doc("Niveau de français", FrenchLevel, blank=True)
    )
    driving_licence: DrivingLicenceValue = Field(
        "", description=_doc("Permis de conduire", DrivingLicence, blank=True)
    )
    has_vehicle: bool = Field(False, description="Dispose d'un véhicule.")
    rqth: bool = Field(False, description="Reconnaissance de la qualité de travailleur handicapé.")
    administrative_status: AdministrativeStatusValue = Field(
        "", description=_doc("Situation administrative", AdministrativeStatus, blank=True)
    )


class PersonSituationOut(PersonSituationIn, OutputSchema):
    household_label: str
    resources_labels: list[str]
    education_level_label: str
    french_level_label: str
    driving_licence_label: str
    administrative_status_label: str


class _IdentityDocs:
    birth_name = "Nom de naissance (obligatoire, 100 caractères au plus)."
    usage_name = "Nom d'usage (nom d'époux·se…), s'il est utilisé au quotidien."
    first_names = "Prénom(s), tous les prénoms (100 caractères au plus)."
    birth_date = "Date de naissance (AAAA-MM-JJ). Âge accepté : 14 à 110 ans."
    phone = "Téléphone : 10 chiffres ou +33… ; renvoyé au format « 06 12 34 56 78 »."
    email = "Adresse e-mail."
    address = "Adresse postale (numéro et voie)."
    postal_code = "Code postal, 5 chiffres."
    commune_code = "Commune : code INSEE (5 caractères, ex. 69383, 2A004)."
    france_travail_id = "Identifiant France Travail : 7 chiffres + 1 lettre, ou 8 à 11 caractères."


class PersonCreateIn(InputSchema):
    birth_name: str = _text(_IdentityDocs.birth_name, 100)
    usage_name: str = _text(_IdentityDocs.usage_name, 100, default="")
    first_names: str = _text(_IdentityDocs.first_names, 100)
    birth_date: date = Field(description=_IdentityDocs.birth_date)
    sex: SexValue = Field("", description=_doc("Sexe (facultatif)", Sex, blank=True))
    phone: str = _text(_IdentityDocs.phone, 30, default="")
    email: str = _text(_IdentityDocs.email, 254, default="")
    address: str = _text(_IdentityDocs.address, 250, default="")
    postal_code: str = _text(_IdentityDocs.postal_code, 5, default="")
    commune_code: str = _text(_IdentityDocs.commune_code, 5, default="")
    france_travail_id: str = _text(_IdentityDocs.france_travail_id, 11, default="")
    situation: PersonSituationIn | None = Field(
        None,
        description="Situation (référents et responsables seulement ; refusée pour l'accueil).",
    )
    referent_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Référent de parcours : un référent ou responsable actif de la structure.",
    )
    confirm_different: bool = Field(
        False,
        description=(
            "Des dossiers proches existent (réponse 409 avec `duplicates`) : après les avoir "
            "vérifiés, renvoyez la demande avec `true` pour confirmer qu'il s'agit d'une "
            "autre personne."
        ),
    )


class PersonPatchIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    birth_name: str = _text(_IdentityDocs.birth_name, 100, default=None)
    usage_name: str = _text(_IdentityDocs.usage_name, 100, default=None)
    first_names: str = _text(_IdentityDocs.first_names, 100, default=None)
    birth_date: date = Field(None, description=_IdentityDocs.birth_date)
    sex: SexValue = Field(None, description=_doc("Sexe", Sex, blank=True))
    phone: str = _text(_IdentityDocs.phone, 30, default=None)
    email: str = _text(_IdentityDocs.email, 254, default=None)
    address: str = _text(_IdentityDocs.address, 250, default=None)
    postal_code: str = _text(_IdentityDocs.postal_code, 5, default=None)
    commune_code: str = _text(_IdentityDocs.commune_code, 5, default=None)
    france_travail_id: str = _text(_IdentityDocs.france_travail_id, 11, default=None)
    situation: PersonSituationIn = Field(
        None,
        description=(
            "Champs de situation à modifier (seuls ceux envoyés changent) ; référents et "
            "responsables seulement."
        ),
    )


class ReferentIn(InputSchema):
    referent_id: int = Field(
        ge=1, le=MAX_ID, description="Nouveau référent (référent ou responsable actif)."
    )


class PersonSummaryOut(Schema):
    id: int
    display_name: str = Field(description="NOM Prénom(s), tel qu'affiché dans Relais.")
    birth_name: str
    usage_name: str
    first_names: str
    birth_date: date
    referent: UserRef | None
    archived_at: datetime | None


class PersonOut(PersonSummaryOut):
    age: int
    sex: SexValue
    sex_label: str
    phone: str
    email: str
    address: str
    postal_code: str
    commune_code: str
    france_travail_id: str
    situation: PersonSituationOut | None = Field(
        description="Situation ; `null` pour un rôle qui n'y a pas accès (accueil)."
    )
    version: int = Field(description="À renvoyer dans les modifications (PATCH).")
    created_at: datetime
    updated_at: datetime


class PersonPageOut(Schema):
    count: int = Field(description="Nombre total de personnes correspondant à la recherche.")
    limit: int
    offset: int
    items: list[PersonSummaryOut]


class DuplicateCheckIn(InputSchema):
    birth_name: str = _text(_IdentityDocs.birth_name, 100)
    usage_name: str = _text(_IdentityDocs.usage_name, 100, default="")
    first_names: str = _text(_IdentityDocs.first_names, 100)
    birth_date: date = Field(description=_IdentityDocs.birth_date)


class DuplicateOut(Schema):
    person: PersonSummaryOut
    score: int = Field(description="Vraisemblance qu'il s'agisse de la même personne, 0 à 100.")
    reasons: list[str] = Field(description="Pourquoi ce dossier ressemble (en français).")


class DuplicateConflictOut(Schema):
    detail: str
    duplicates: list[DuplicateOut] = Field(default_factory=list)


# --- Diagnostics ---------------------------------------------------------------------------


class AssessmentIn(InputSchema):
    domain: DomainValue = Field(description=_doc("Domaine de vie", Domain))
    situation: str = _text("Situation dans ce domaine.", 5000, default="")
    difficulty: DifficultyValue | None = Field(None, description=DIFFICULTY_DOC)
    strengths: str = _text("Atouts.", 3000, default="")
    barriers: list[str] = Field(
        default_factory=list,
        description=(
            "Codes des freins de ce domaine (vocabulaire France Travail `FT…` et Relais `R…`)."
        ),
    )
    barriers_other: str = _text("Autres freins, en texte libre.", 500, default="")
    person_words: str = _text("Paroles et souhaits de la personne.", 3000, default="")


class AssessmentOut(AssessmentIn, OutputSchema):
    domain_label: str
    difficulty_label: str = Field(description="Libellé du niveau, ou « non abordé ».")


_FACT_DOCS = {
    "no_shelter_tonight": "Sans solution d'hébergement ce soir.",
    "no_resources": "Aucune ressource.",
    "violence": "Violences subies ou personne en danger.",
    "health_emergency": "Urgence de santé.",
    "eviction_on": "Date d'expulsion prévue (AAAA-MM-JJ), s'il y en a une.",
}
URGENCY_IN_DOC = (
    f"Degré d'urgence retenu : {URGENCY_DOC}. `null` (par défaut) : le degré suggéré par les "
    "règles. Un degré différent du degré suggéré exige `urgency_override_reason`."
)


class DiagnosticIn(InputSchema):
    assessed_on: date = Field(description="Date du diagnostic (pas dans le futur).")
    assessments: list[AssessmentIn] = Field(
        default_factory=list,
        description="Un élément par domaine abordé (un domaine au plus une fois).",
    )
    person_expectations: str = _text("Attentes de la personne, avec ses mots.", 5000, default="")
    no_shelter_tonight: bool = Field(False, description=_FACT_DOCS["no_shelter_tonight"])
    no_resources: bool = Field(False, description=_FACT_DOCS["no_resources"])
    violence: bool = Field(False, description=_FACT_DOCS["violence"])
    health_emergency: bool = Field(False, description=_FACT_DOCS["health_emergency"])
    eviction_on: date | None = Field(None, description=_FACT_DOCS["eviction_on"])
    urgency: UrgencyValue | None = Field(None, description=URGENCY_IN_DOC)
    urgency_override_reason: str = _text(
        "Pourquoi un autre degré que celui suggéré.", 2000, default=""
    )
    validated_with_person_on: date | None = Field(
        None, description="Date à laquelle le diagnostic a été validé avec la personne."
    )


class DiagnosticPatchIn(InputSchema):
    version: int = Field(ge=0, description=VERSION_DOC)
    assessed_on: date = Field(None, description="Date du diagnostic.")
    assessments: list[AssessmentIn] = Field(
        None,
        description=(
            "Domaines à modifier : chaque domaine envoyé remplace le précédent (envoyé vide, "
            "il est retiré) ; les domaines non envoyés restent tels quels."
        ),
    )
    person_expectations: str = _text("Attentes de la personne.", 5000, default=None)
    no_shelter_tonight: bool = Field(None, description=_FACT_DOCS["no_shelter_tonight"])
    no_resources: bool = Field(None, description=_FACT_DOCS["no_resources"])
    violence: bool = Field(None, description=_FACT_DOCS["violence"])
    health_emergency: bool = Field(None, description=_FACT_DOCS["health_emergency"])
    eviction_on: date | None = Field(None, description=_FACT_DOCS["eviction_on"])
    urgency: UrgencyValue | None = Field(
        None,
        description=(
            URGENCY_IN_DOC + " Non envoyé : le degré retenu jusqu'ici est conservé s'il "
            "avait été choisi, sinon il suit la suggestion."
        ),
    )
    urgency_override_reason: str = _text("Justification du degré retenu.", 2000, default=None)
    validated_with_person_on: date | None = Field(
        None, description="Validé avec la personne le (AAAA-MM-JJ) ; `null` pour retirer."
    )


class DiagnosticOut(Schema):
    id: int
    person_id: int
    assessed_on: date
    author: UserRef
    validated_with_person_on: date | None
    person_expectations: str
    no_shelter_tonight: bool
    no_resources: bool
    violence: bool
    health_emergency: bool
    eviction_on: date | None
    urgency_suggested: UrgencyValue = Field(
        description=f"Degré suggéré par les règles : {URGENCY_DOC}."
    )
    urgency_suggested_label: str
    urgency_reasons: list[str] = Field(description="Raisons des règles déclenchées.")
    urgency: UrgencyValue = Field(description=f"Degré retenu : {URGENCY_DOC}.")
    urgency_label: str
    urgency_override_reason: str
    assessments: list[AssessmentOut]
    version: int
    created_at: datetime
    updated_at: datetime


class DomainEvolutionOut(Schema):
    domain: DomainValue
    label: str
    levels: list[DifficultyValue | None] = Field(
        description="Niveau à chaque diagnostic, du plus ancien au plus récent ; `null` : non abordé."
    )
    change: int | None = Field(
        description="Dernier niveau moins premier niveau (négatif : la difficulté a baissé)."
    )
    change_label: str


class EvolutionOut(Schema):
    dates: list[date] = Field(description="Dates des diagnostics, du plus ancien au plus récent.")
    diagnostic_ids: list[int]
    domains: list[DomainEvolutionOut]


# --- Pathways ------------------------------------------------------------------------------

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


class ExitOut(Schema):
    exited_on: date
    category: ExitCategoryValue
    category_label: str
    comment: str
    is_dynamic: bool = Field(
        description="Sortie dynamique (emploi durable, de transition, positive)."
    )


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
