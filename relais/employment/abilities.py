"""A person's observed abilities (« habiletés ») and their translation into competences, and
the person's employment project (what the matching starts from).

Abilities are appended, never overwritten: each observation keeps its level, situation,
date and observer, so that the record shows how an ability evolved (the latest observation
of each ability is its current level)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.versioning import update_versioned
from relais.employment import policies, references
from relais.employment.models import (
    Ability,
    EmploymentProject,
    Mobility,
    SituationKind,
)
from relais.employment.services import coordinates
from relais.employment.vocabulary import ABILITIES, COMPETENCES, Level
from relais.pathways.models import Step, StepKind
from relais.people.models import Person


def _require(membership: Membership, person: Person) -> None:
    if not policies.can_accompany(membership, person):
        raise PermissionDenied("Votre accès à ce dossier ne permet pas cette action.")


def check_observed_on(observed_on: dt.date | None) -> None:
    if observed_on is None:
        raise DomainError("Indiquez la date de l'observation.", field="observed_on")
    if observed_on > timezone.localdate():
        raise DomainError(
            "Une observation ne peut pas être datée dans le futur.", field="observed_on"
        )


@transaction.atomic
def ability_record(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    code: str,
    level: int,
    situation: str,
    observed_on: dt.date,
    observer_name: str,
    competence: str = "",
    situation_detail: str = "",
    evidence: str = "",
    step: Step | None = None,
) -> Ability:
    """Record one observation. Without a competence, the ability's default one is used.
    An immersion must name the PMSMP step of the person's pathway when there is one."""
    _require(membership, person)
    if code not in ABILITIES:
        raise DomainError("Choisissez une habileté de la liste.", field="code")
    if level not in dict(Level.CHOICES):
        raise DomainError("Le niveau va de 1 à 4.", field="level")
    if situation not in SituationKind.values:
        raise DomainError("Indiquez la situation qui a montré l'habileté.", field="situation")
    check_observed_on(observed_on)
    observer_name = " ".join((observer_name or "").split())
    if not observer_name:
        raise DomainError("Indiquez qui a observé.", field="observer_name")
    competence = competence or ABILITIES[code][1]
    if competence not in COMPETENCES:
        raise DomainError("Choisissez une compétence de la liste.", field="competence")
    if step is not None:
        if step.pathway.person_id != person.pk:
            raise DomainError("Cette étape n'est pas du parcours de la personne.", field="step")
        if situation == SituationKind.IMMERSION and step.kind != StepKind.IMMERSION:
            raise DomainError("Choisissez une étape d'immersion (PMSMP).", field="step")
    return Ability.objects.create(
        person=person,
        organisation_id=person.organisation_id,
        code=code,
        level=level,
        situation=situation,
        situation_detail=(situation_detail or "").strip()[:300],
        observed_on=observed_on,
        observer_name=observer_name[:150],
        competence=competence,
        evidence=(evidence or "").strip(),
        step=step,
        author=actor,
    )


def check_project(rome_code: str, rome_code_2: str, mobility: str, max_distance_km, max_hours):
    rome_code = references.check_rome(rome_code)
    if rome_code_2:
        rome_code_2 = references.check_rome(rome_code_2, field="rome_code_2")
    if mobility not in Mobility.values:
        raise DomainError("Indiquez le moyen de déplacement.", field="mobility")
    if max_distance_km is None or not 1 <= int(max_distance_km) <= 200:
        raise DomainError("La distance maximale va de 1 à 200 km.", field="max_distance_km")
    if max_hours is None or not 1 <= int(max_hours) <= 48:
        raise DomainError("Le nombre d'heures va de 1 à 48 par semaine.", field="max_weekly_hours")
    return rome_code, rome_code_2


@transaction.atomic
def project_save(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    rome_code: str,
    mobility: str,
    max_distance_km: int,
    max_weekly_hours: int,
    rome_code_2: str = "",
    expected_version: int | None = None,
) -> EmploymentProject:
    """Create or update the person's employment project. Its place is the person's commune
    (copied with its coordinates, for distances in the database)."""
    _require(membership, person)
    rome_code, rome_code_2 = check_project(
        rome_code, rome_code_2, mobility, max_distance_km, max_weekly_hours
    )
    latitude, longitude = coordinates(person.commune_code)
    values = {
        "rome_code": rome_code,
        "rome_code_2": rome_code_2,
        "mobility": mobility,
        "max_distance_km": int(max_distance_km),
        "max_weekly_hours": int(max_weekly_hours),
        "commune_code": person.commune_code,
        "latitude": latitude,
        "longitude": longitude,
    }
    current = EmploymentProject.objects.filter(person=person).first()
    if current is None:
        return EmploymentProject.objects.create(
            person=person, organisation_id=person.organisation_id, updated_by=actor, **values
        )
    return update_versioned(
        current,
        expected_version=expected_version if expected_version is not None else current.version,
        actor=actor,
        changes=values,
    )
