"""The criteria of eligibility: each a small function of a person's facts that answers
*met*, *not met* or *unknown* — unknown when the record lacks the information, the answer
then saying which information to check. The 18 administrative criteria of the IAE come
from relais/network/directory/data/iae_administrative_criteria.json, with their proofs;
the others (RSA, CEJ, PLIE, PMSMP) are written here. The schemes combine them
(schemes.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from relais.network.directory.eligibility.facts import PersonFacts

IAE_FILE = Path(__file__).parent.parent / "data" / "iae_administrative_criteria.json"


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Finding:
    status: Status
    detail: str


def met(detail: str) -> Finding:
    return Finding(Status.MET, detail)


def not_met(detail: str) -> Finding:
    return Finding(Status.NOT_MET, detail)


def unknown(detail: str) -> Finding:
    return Finding(Status.UNKNOWN, detail)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    evaluate: Callable[[PersonFacts], Finding]
    level: str = ""  # IAE: "1" or "2"
    proof: str = ""
    proof_validity: str = ""
    # Criteria of one group cannot all hold at once (QPV / ZRR, DELD / DETLD…): when
    # counting what is still possible, the unknowns of a group count once at most.
    group: str = ""


RESOURCE_LABELS = {"rsa": "le RSA", "ass": "l'ASS", "aah": "l'AAH"}
LOW_EDUCATION = {"none", "1", "2", "3"}
MOBILITY_BARRIERS = {"FT6", "FT7", "FT8", "FT40"}
SHELTER_BARRIERS = {"FT24", "R60"}
JUSTICE_BARRIERS = {"R30", "R31"}
FRENCH_BARRIERS = {"FT20", "FT21", "FT22"}


def receives(code: str) -> Callable[[PersonFacts], Finding]:
    label = RESOURCE_LABELS.get(code, code)

    def evaluate(f: PersonFacts) -> Finding:
        if not f.resources:
            return unknown("ressources non renseignées dans le dossier")
        if code in f.resources:
            return met(f"perçoit {label}")
        return not_met(f"ne perçoit pas {label} d'après ses ressources")

    return evaluate


def jobseeker_for(min_months: int, max_months: int | None) -> Callable[[PersonFacts], Finding]:
    span = (
        f"{min_months} mois ou plus" if max_months is None else f"{min_months} à {max_months} mois"
    )

    def evaluate(f: PersonFacts) -> Finding:
        if f.registered_jobseeker is False:
            return not_met(
                "aucun identifiant France Travail dans le dossier : la personne ne semble pas "
                "inscrite (complétez le dossier si elle l'est)"
            )
        if f.jobseeker_months is None:
            return unknown(f"durée d'inscription à France Travail à vérifier ({span})")
        months = f.jobseeker_months
        if months >= min_months and (max_months is None or months < max_months):
            return met(f"inscrite depuis {months} mois")
        return not_met(f"inscrite depuis {months} mois")

    return evaluate


def low_education(f: PersonFacts) -> Finding:
    if not f.education_level:
        return unknown("niveau de diplôme non renseigné")
    if f.education_level in LOW_EDUCATION:
        return met("niveau de diplôme 3 (CAP, BEP) ou inférieur")
    return not_met(f"niveau de diplôme {f.education_level}")


def senior(f: PersonFacts) -> Finding:
    return met(f"{f.age} ans") if f.age >= 50 else not_met(f"{f.age} ans")


def young(f: PersonFacts) -> Finding:
    return met(f"{f.age} ans") if f.age < 26 else not_met(f"{f.age} ans")


def care_leaver(f: PersonFacts) -> Finding:
    if "care_leaver" in f.life_events:
        return met("événement de vie « Sortie de l'aide sociale à l'enfance » enregistré")
    return not_met("aucun événement « Sortie de l'aide sociale à l'enfance » enregistré")


def disabled_worker(f: PersonFacts) -> Finding:
    return met("RQTH enregistrée") if f.rqth else not_met("pas de RQTH enregistrée")


def single_parent(f: PersonFacts) -> Finding:
    if not f.household:
        return unknown("situation familiale non renseignée")
    if f.household == "alone_children":
        return met("seul·e avec enfant(s)")
    return not_met("situation familiale : pas parent isolé")


def without_housing(f: PersonFacts) -> Finding:
    if f.no_shelter_tonight or f.barriers & SHELTER_BARRIERS:
        return met("sans hébergement ou hébergée (diagnostic)")
    if f.household == "hosted":
        return met("hébergé·e par la famille ou un tiers")
    if "housing" in f.assessed_domains:
        return not_met(
            "le domaine « Logement » du diagnostic ne signale ni absence d'hébergement ni hébergement"
        )
    return unknown(
        "situation de logement à vérifier : domaine « Logement » du diagnostic non renseigné"
    )


def refugee_or_asylum(f: PersonFacts) -> Finding:
    if not f.administrative_status:
        return unknown("situation administrative non renseignée")
    if f.administrative_status in {"asylum", "protected"}:
        return met("demandeur d'asile ou bénéficiaire d'une protection internationale")
    return not_met("situation administrative : ni demande d'asile ni protection")


def resides_in_zrr(f: PersonFacts) -> Finding:
    if f.resides_in_zrr is None:
        return unknown("commune de résidence à vérifier dans la liste des communes ZRR / FRR")
    return met("réside en ZRR / FRR") if f.resides_in_zrr else not_met("ne réside pas en ZRR / FRR")


def resides_in_qpv(f: PersonFacts) -> Finding:
    if f.resides_in_qpv is None:
        return unknown("adresse à vérifier sur le référentiel des QPV (sig.ville.gouv.fr)")
    return met("réside en QPV") if f.resides_in_qpv else not_met("ne réside pas en QPV")


def under_justice(f: PersonFacts) -> Finding:
    if f.barriers & JUSTICE_BARRIERS or "justice" in f.life_events:
        return met("sous main de justice ou sortant de détention (diagnostic ou événement de vie)")
    if "justice" in f.assessed_domains:
        return not_met("le domaine « Justice » du diagnostic ne le signale pas")
    return unknown("domaine « Justice » du diagnostic non renseigné")


def french_below_a1(f: PersonFacts) -> Finding:
    if f.french_level == "below_a1":
        return met("niveau de français inférieur à A1")
    if f.french_level:
        return not_met("niveau de français A1 ou plus")
    if f.barriers & FRENCH_BARRIERS:
        return unknown(
            "difficultés en français signalées au diagnostic : faire évaluer le niveau (A1)"
        )
    return unknown("niveau de français non renseigné")


def mobility_problem(f: PersonFacts) -> Finding:
    if f.barriers & MOBILITY_BARRIERS:
        return met("frein de mobilité relevé au diagnostic")
    if "mobility" in f.assessed_domains:
        return not_met("le domaine « Mobilité » du diagnostic ne relève pas de frein")
    if f.driving_licence in {"none", "suspended"} and not f.has_vehicle:
        return unknown("ni permis valide ni véhicule : faire le diagnostic mobilité")
    return unknown("domaine « Mobilité » du diagnostic non renseigné")


IAE_EVALUATORS: dict[str, tuple[Callable[[PersonFacts], Finding], str]] = {
    # kind → (evaluation, exclusive group)
    "RSA": (receives("rsa"), ""),
    "ASS": (receives("ass"), ""),
    "AAH": (receives("aah"), ""),
    "DETLD": (jobseeker_for(24, None), "jobseeker"),
    "CAP_BEP": (low_education, ""),
    "SENIOR": (senior, "age"),
    "JEUNE": (young, "age"),
    "ASE": (care_leaver, ""),
    "DELD": (jobseeker_for(12, 24), "jobseeker"),
    "TH": (disabled_worker, ""),
    "PI": (single_parent, ""),
    "PSH_PR": (without_housing, ""),
    "REF_DA": (refugee_or_asylum, ""),
    "ZRR": (resides_in_zrr, "residence"),
    "QPV": (resides_in_qpv, "residence"),
    "DETENTION_MJ": (under_justice, ""),
    "FLE": (french_below_a1, ""),
    "PM": (mobility_problem, ""),
}


@cache
def iae_criteria() -> tuple[Criterion, ...]:
    """The 18 administrative criteria of the reference file, each with its evaluation."""
    rows = json.loads(IAE_FILE.read_text(encoding="utf-8"))
    criteria = []
    for row in rows:
        evaluate, group = IAE_EVALUATORS[row["kind"]]
        label = row["name"] + (f" ({row['desc']})" if row.get("desc") else "")
        criteria.append(
            Criterion(
                key=f"iae_{row['kind'].lower()}",
                label=label,
                evaluate=evaluate,
                level=row["level"],
                proof=row.get("written_proof", ""),
                proof_validity=row.get("written_proof_validity", ""),
                group=group,
            )
        )
    return tuple(criteria)


def iae_level(level: str) -> tuple[Criterion, ...]:
    return tuple(c for c in iae_criteria() if c.level == level)


# RSA --------------------------------------------------------------------------------------


def rsa_no_resources(f: PersonFacts) -> Finding:
    if not f.resources:
        return unknown("ressources non renseignées dans le dossier")
    if "none" in f.resources:
        return met("aucune ressource déclarée")
    return unknown(
        "ressources à comparer au montant forfaitaire du RSA (simulateur de la CAF ou de la MSA)"
    )


def rsa_age(f: PersonFacts) -> Finding:
    if f.age >= 25:
        return met(f"{f.age} ans")
    if f.age < 18:
        return not_met(f"{f.age} ans")
    if f.has_children or "FT14" in f.barriers:
        return met(f"{f.age} ans, avec enfant à charge ou à naître")
    if f.has_children is False:
        return not_met(
            f"{f.age} ans sans enfant (sauf « RSA jeune actif » : 2 ans d'activité sur les 3 "
            "dernières années)"
        )
    return unknown(
        f"{f.age} ans : enfant à charge ou à naître ? (situation familiale non renseignée)"
    )


def rsa_residence(f: PersonFacts) -> Finding:
    status = f.administrative_status
    if status in {"french", "protected"}:
        return met("nationalité française ou protection internationale")
    if status in {"asylum", "no_permit"}:
        return not_met("demande d'asile en cours ou sans titre de séjour")
    if status == "eu":
        return unknown("ressortissant·e de l'UE : droit au séjour à vérifier")
    if status == "permit":
        return unknown("titre de séjour autorisant à travailler depuis au moins 5 ans, à vérifier")
    if status == "pending":
        return unknown("titre de séjour en cours d'instruction : à vérifier")
    return unknown("situation administrative non renseignée")


# CEJ --------------------------------------------------------------------------------------

CEJ_MAX_AGE = 25
CEJ_MAX_AGE_RQTH = 29


def cej_age(f: PersonFacts) -> Finding:
    if 16 <= f.age <= CEJ_MAX_AGE:
        return met(f"{f.age} ans")
    if CEJ_MAX_AGE < f.age <= CEJ_MAX_AGE_RQTH:
        if f.rqth:
            return met(f"{f.age} ans, avec une RQTH")
        return not_met(f"{f.age} ans : au-delà de 25 ans, le CEJ demande une RQTH (jusqu'à 29 ans)")
    return not_met(f"{f.age} ans")


def cej_not_in_work_or_training(f: PersonFacts) -> Finding:
    if not f.resources:
        return unknown("situation d'emploi ou de formation à vérifier (ressources non renseignées)")
    if "salary" in f.resources:
        return unknown(
            "la personne déclare un salaire : vérifier qu'il ne s'agit pas d'un emploi durable"
        )
    return met("aucun salaire déclaré (formation en cours à vérifier)")


def regular_residence(f: PersonFacts) -> Finding:
    status = f.administrative_status
    if status in {"french", "eu", "permit", "protected"}:
        return met("séjour régulier")
    if status in {"asylum", "no_permit"}:
        return not_met("demande d'asile en cours ou sans titre de séjour")
    return unknown("situation administrative à vérifier")


# PLIE -------------------------------------------------------------------------------------


def adult(f: PersonFacts) -> Finding:
    return met(f"{f.age} ans") if f.age >= 18 else not_met(f"{f.age} ans")


# PMSMP ------------------------------------------------------------------------------------

PMSMP_PRESCRIBERS = {"france_travail", "mission_locale", "cap_emploi"}
PMSMP_DELEGATES = {"aci", "ei", "ai", "etti", "plie", "departement"}


def pmsmp_prescriber(f: PersonFacts) -> Finding:
    if f.organisation_kind in PMSMP_PRESCRIBERS:
        return met("votre structure prescrit les PMSMP")
    if f.organisation_kind in PMSMP_DELEGATES:
        return met(
            "votre structure peut prescrire par délégation (convention avec France Travail, "
            "une mission locale ou Cap emploi)"
        )
    return met(
        "accompagnée par votre structure : la PMSMP se prescrit par France Travail, une mission "
        "locale, Cap emploi, ou une structure qui en a reçu délégation"
    )
