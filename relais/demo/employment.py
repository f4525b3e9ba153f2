"""Demo data of the employment module: for the PLIE and the ACI, a dozen employers of
the Lyon area with contacts and a prospecting log, open positions, one workstation
analysis, employment projects and abilities for a few accompanied persons, and a placement
followed up (a checkpoint done, a mediation). Written through the services; idempotent
(an organisation that already has employers is left as it is) and deterministic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, Role
from relais.employment import abilities, analysis, placements, references, services
from relais.employment.models import Employer
from relais.pathways.models import Pathway, PathwayStatus
from relais.people.models import Person

# (name, SIREN-like base, NAF, commune, ROME of its positions, PMSMP host)
EMPLOYERS = (
    ("Propreté Rhône Services", 41_000_001, "81.21Z", "69123", ("K2204", "K2303"), True),
    ("Hôtel des Brotteaux", 41_000_002, "55.10Z", "69123", ("G1501", "G1703"), True),
    ("Boulangerie Croix-Rousse", 41_000_003, "10.71C", "69123", ("D1102", "D1106"), False),
    ("Logistique Est Lyonnais", 41_000_004, "52.10B", "69266", ("N1103", "N1105"), True),
    ("Restaurant Le Confluent", 41_000_005, "56.10A", "69123", ("G1602", "G1605"), True),
    ("EHPAD Les Tilleuls", 41_000_006, "87.10A", "69266", ("J1301", "K1302"), True),
    ("Jardins de Vaulx", 41_000_007, "81.30Z", "69256", ("A1203",), True),
    ("Supermarché du Parc", 41_000_008, "47.11D", "69259", ("D1507", "D1505"), False),
    ("Bâtir Ensemble", 41_000_009, "43.99C", "69256", ("F1703", "F1704"), True),
    ("Transports Gerland", 41_000_010, "49.41A", "69123", ("N4105",), False),
)
ABILITIES = ("punctuality", "hygiene", "pace", "instructions", "colleagues", "loads")


@dataclass
class EmploymentReport:
    employers: int = 0
    positions: int = 0
    placements: int = 0


def _siret(base: int) -> str:
    from relais.accounts.validators import luhn_is_valid

    stem = f"{base:013d}"
    return next(stem + d for d in "0123456789" if luhn_is_valid(stem + d))


def _writer(organisation: Organisation) -> Membership | None:
    return (
        Membership.objects.active()
        .filter(organisation=organisation, role__in=(Role.REFERENT, Role.MANAGER))
        .select_related("user")
        .order_by("role", "pk")
        .first()
    )


@transaction.atomic
def seed_employment(organisations: dict[str, Organisation]) -> EmploymentReport:
    report = EmploymentReport()
    today = timezone.localdate()
    for key in ("plie", "aci"):
        organisation = organisations.get(key)
        membership = _writer(organisation) if organisation else None
        if membership is None or Employer.objects.filter(organisation=organisation).exists():
            continue
        actor = membership.user
        positions = []
        for index, (name, base, naf, commune, romes, pmsmp) in enumerate(EMPLOYERS):
            employer = services.employer_create(
                membership=membership,
                actor=actor,
                siret=_siret(base + (0 if key == "plie" else 100)),
                name=name,
                naf_code=naf,
                commune_code=commune,
                size_band="10-49",
                pmsmp_host=pmsmp,
                tutor_available=pmsmp,
                social_clauses=index % 3 == 0,
                hiring_potential="Recrutements réguliers au printemps." if pmsmp else "",
            )
            report.employers += 1
            services.employer_contact_add(
                membership=membership,
                employer=employer,
                name=f"Responsable {name}",
                role="Responsable des ressources humaines",
                is_tutor=pmsmp,
            )
            services.prospecting_add(
                membership=membership,
                actor=actor,
                employer=employer,
                kind="visit" if index % 2 else "call",
                happened_on=today - dt.timedelta(days=20 + index),
                outcome="need" if pmsmp else "interested",
                summary="Présentation de l'accompagnement et des aides à l'embauche.",
                next_action="Rappeler pour faire le point sur les besoins",
                next_action_on=today + dt.timedelta(days=index * 3 - 6),
            )
            for rome in romes:
                positions.append(
                    services.position_create(
                        membership=membership,
                        actor=actor,
                        employer=employer,
                        rome_code=rome,
                        appellation=references.rome_jobs()[rome].appellations[0],
                        contract_type="cdi" if index % 2 else "cdd",
                        weekly_hours=24 + index,
                        schedule="day" if index % 3 else "early_late",
                        commune_code=commune,
                        required_abilities=list(ABILITIES[index % 3 : index % 3 + 3]),
                    )
                )
                report.positions += 1
        first = positions[0]
        analysis.analysis_create(
            membership=membership,
            actor=actor,
            position=first,
            observed_on=today - dt.timedelta(days=5),
            tutor_name="Mme Girard, cheffe d'équipe",
            tasks=[
                {
                    "prescribed": "Nettoyer les bureaux selon le protocole",
                    "real": "Bureaux, sanitaires et vidage des corbeilles",
                    "gap": "Les sanitaires ne figurent pas sur la fiche de poste",
                    "abilities": ["hygiene", "pace"],
                },
                {
                    "prescribed": "Renseigner la fiche de passage",
                    "real": "Fiche remplie en fin de tournée",
                    "gap": "",
                    "abilities": ["written_instructions"],
                },
            ],
            pace="Tournée de 3 h, rythme soutenu en début de matinée.",
            adjust_tutoring="Accompagner la première semaine de tournée, puis un point chaque vendredi.",
        )
        persons = list(
            Person.objects.filter(organisation=organisation, merged_into__isnull=True)
            .exclude(commune_code="")
            .order_by("pk")[:6]
        )
        for index, person in enumerate(persons):
            abilities.project_save(
                membership=membership,
                actor=actor,
                person=person,
                rome_code=EMPLOYERS[index][4][0],
                mobility="transit" if index % 2 else "car",
                max_distance_km=15 + 5 * index,
                max_weekly_hours=30 + index,
            )
            for code in ABILITIES[index % 3 : index % 3 + 2]:
                abilities.ability_record(
                    membership=membership,
                    actor=actor,
                    person=person,
                    code=code,
                    level=2 + index % 2,
                    situation="simulated",
                    observed_on=today - dt.timedelta(days=30),
                    observer_name="Formatrice de l'atelier",
                )
        pathway = (
            Pathway.objects.filter(
                organisation=organisation, status=PathwayStatus.ACTIVE, person__in=persons
            )
            .select_related("person")
            .first()
        )
        if pathway is not None:
            placement = placements.placement_create(
                membership=membership,
                actor=actor,
                person=pathway.person,
                employer=first.employer,
                position=first,
                pathway=pathway,
                kind="contract",
                contract_type="cdd",
                job_title="Agent de propreté",
                starts_on=today - dt.timedelta(days=40),
                ends_on=today + dt.timedelta(days=140),
                weekly_hours=26,
                tutor_name="Mme Girard",
                tutor_role="Cheffe d'équipe",
            )
            # The checkpoints already due are done: the demo placement is up to date.
            for checkpoint in placement.checkpoints.filter(due_on__lte=today).order_by("due_on"):
                placements.checkpoint_record(
                    membership=membership,
                    actor=actor,
                    checkpoint=checkpoint,
                    done_on=checkpoint.due_on,
                    notes="Bonne intégration dans l'équipe ; horaires tenus.",
                )
            placements.mediation_add(
                membership=membership,
                actor=actor,
                placement=placement,
                happened_on=today - dt.timedelta(days=10),
                difficulty="Deux retards le lundi matin.",
                person_words="Le bus de 6 h 10 a été supprimé.",
                tutor_words="Le travail est bien fait, seul l'horaire pose problème.",
                agreement="Prise de poste à 7 h le lundi, fin décalée d'autant.",
            )
            report.placements += 1
    return report
