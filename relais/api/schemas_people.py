"""Schemas of the persons API: identity, situation, the référent, possible duplicates."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import Field

from relais.api.schemas_base import (
    MAX_ID,
    VERSION_DOC,
    InputSchema,
    OutputSchema,
    UserRef,
    _doc,
    _text,
    _values,
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

SexValue = _values(Sex, blank=True)
HouseholdValue = _values(Household, blank=True)
ResourceValue = _values(Resource)
EducationLevelValue = _values(EducationLevel, blank=True)
FrenchLevelValue = _values(FrenchLevel, blank=True)
DrivingLicenceValue = _values(DrivingLicence, blank=True)
AdministrativeStatusValue = _values(AdministrativeStatus, blank=True)


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
