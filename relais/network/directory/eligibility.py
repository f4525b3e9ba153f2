"""Schemes (dispositifs) and their eligibility rules, evaluated against a person's record.

Rules are data: each scheme is a tree of `AllOf` / `AnyOf` / `AtLeast` over named criteria,
and each criterion is a small function of the person's facts (`PersonFacts`) that answers
*met*, *not met* or *unknown* — unknown when the record lacks the information, in which case
the answer says which information to check. Only `load_person_facts` reads the database (a
fixed number of queries); the rules themselves are pure functions.

The rules are simplified on purpose, stated in plain French next to each scheme and in
docs/eligibility.md with their sources: the result is "probablement éligible / à vérifier /
non éligible", a help for the référent, never a decision.

IAE criteria come from relais/network/directory/data/iae_administrative_criteria.json (the 18
administrative criteria with their proofs)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path

IAE_FILE = Path(__file__).parent / "data" / "iae_administrative_criteria.json"


class Status(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


SCHEME_STATUS_LABELS = {
    Status.MET: "Probablement éligible",
    Status.UNKNOWN: "À vérifier",
    Status.NOT_MET: "Non éligible",
}


# --- Facts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonFacts:
    """What the rules read. `None` (or an empty value) means "not recorded"."""

    age: int
    resources: frozenset[str] = frozenset()  # empty: not filled in
    rqth: bool = False
    education_level: str = ""
    household: str = ""
    has_children: bool | None = None
    french_level: str = ""
    driving_licence: str = ""
    has_vehicle: bool = False
    administrative_status: str = ""
    commune_code: str = ""
    # France Travail registration: an identifiant in the record means "registered"; its
    # duration is not recorded in Relais (None).
    registered_jobseeker: bool | None = None
    jobseeker_months: int | None = None
    # Residence in a QPV / ZRR-FRR: no reference data in Relais yet (None: to check).
    resides_in_qpv: bool | None = None
    resides_in_zrr: bool | None = None
    # Latest diagnostic.
    has_diagnostic: bool = False
    barriers: frozenset[str] = frozenset()
    assessed_domains: frozenset[str] = frozenset()
    no_shelter_tonight: bool = False
    # Other records.
    life_events: frozenset[str] = frozenset()
    organisation_kind: str = ""
    active_schemes: frozenset[str] = frozenset()


def children_known(household: str, children_ages: Iterable) -> bool | None:
    """Has the person children, as far as the record tells?"""
    if list(children_ages or []):
        return True
    if household in {"alone_children", "couple_children"}:
        return True
    if household in {"alone", "couple"}:
        return False
    return None


def age_on(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


# --- Criteria -------------------------------------------------------------------------------


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


# --- Rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllOf:
    items: tuple


@dataclass(frozen=True)
class AnyOf:
    items: tuple


@dataclass(frozen=True)
class AtLeast:
    count: int
    items: tuple[Criterion, ...]


Rule = Criterion | AllOf | AnyOf | AtLeast


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    status: Status
    detail: str

    @property
    def label(self) -> str:
        return self.criterion.label


@dataclass(frozen=True)
class Outcome:
    status: Status
    relevant: tuple[CriterionResult, ...]  # the criteria worth showing for this outcome


def _dedupe(results: Iterable[CriterionResult]) -> tuple[CriterionResult, ...]:
    seen: dict[str, CriterionResult] = {}
    for r in results:
        seen.setdefault(r.criterion.key, r)
    return tuple(seen.values())


def at_least(count: int, results: list[CriterionResult]) -> Status:
    """Met with `count` criteria met; not met when even every unknown turning out met would
    not reach `count` (the unknowns of one exclusive group count once, none if one of
    the group is already met)."""
    met_count = sum(1 for r in results if r.status is Status.MET)
    if met_count >= count:
        return Status.MET
    met_groups = {
        r.criterion.group for r in results if r.status is Status.MET and r.criterion.group
    }
    possible, groups = 0, set()
    for r in results:
        if r.status is not Status.UNKNOWN:
            continue
        group = r.criterion.group
        if group and (group in met_groups or group in groups):
            continue
        if group:
            groups.add(group)
        possible += 1
    return Status.NOT_MET if met_count + possible < count else Status.UNKNOWN


def evaluate_rule(rule: Rule, facts: PersonFacts) -> Outcome:
    if isinstance(rule, Criterion):
        finding = rule.evaluate(facts)
        return Outcome(finding.status, (CriterionResult(rule, finding.status, finding.detail),))
    if isinstance(rule, AtLeast):
        results = [evaluate_rule(c, facts).relevant[0] for c in rule.items]
        status = at_least(rule.count, results)
        if status is Status.MET:
            return Outcome(status, tuple(r for r in results if r.status is Status.MET))
        return Outcome(status, tuple(results))
    outcomes = [evaluate_rule(item, facts) for item in rule.items]
    statuses = [o.status for o in outcomes]
    if isinstance(rule, AllOf):
        if Status.NOT_MET in statuses:
            status = Status.NOT_MET
        elif all(s is Status.MET for s in statuses):
            status = Status.MET
        else:
            status = Status.UNKNOWN
        return Outcome(status, _dedupe(r for o in outcomes for r in o.relevant))
    # AnyOf: one alternative met is enough, and only what met matters then.
    if Status.MET in statuses:
        chosen = [o for o in outcomes if o.status is Status.MET]
        return Outcome(Status.MET, _dedupe(r for o in chosen for r in o.relevant))
    status = Status.NOT_MET if all(s is Status.NOT_MET for s in statuses) else Status.UNKNOWN
    return Outcome(status, _dedupe(r for o in outcomes for r in o.relevant))


# --- Schemes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scheme:
    key: str
    name: str
    summary: str  # what the scheme is, one sentence
    rule_text: str  # the simplified rule, in French, as implemented
    rule: Rule
    proofs: tuple[str, ...] = ()  # proofs of the scheme itself (beyond the criteria's)
    conditions: tuple[str, ...] = ()  # conditions to respect (PMSMP…)
    notes: tuple[str, ...] = ()
    pathway_scheme: str = ""  # relais.pathways Scheme code, to say "parcours en cours"


def _c(key: str, label: str, evaluate, proof: str = "", proof_validity: str = "") -> Criterion:
    return Criterion(
        key=key, label=label, evaluate=evaluate, proof=proof, proof_validity=proof_validity
    )


def _iae(key: str) -> Criterion:
    return next(c for c in iae_criteria() if c.key == key)


@cache
def schemes() -> tuple[Scheme, ...]:
    level_1, level_2 = iae_level("1"), iae_level("2")
    iae_notes = (
        "Ces critères s'appliquent quand la structure d'insertion recrute elle-même "
        "(auto-prescription). Orientée par un prescripteur habilité (France Travail, mission "
        "locale, Cap emploi, conseil départemental…), la personne est éligible sur son "
        "diagnostic socio-professionnel.",
        "Les critères QPV et ZRR/FRR ne peuvent être vérifiés dans Relais (pas de référentiel "
        "des quartiers et zones) : ils restent « à vérifier ».",
    )
    return (
        Scheme(
            key="rsa",
            name="Accompagnement RSA",
            summary=(
                "Le bénéficiaire du RSA a droit à un accompagnement et s'engage dans un contrat "
                "(droits et devoirs, loi pour le plein emploi de 2023)."
            ),
            rule_text=(
                "Soumis·e à l'accompagnement si le RSA figure dans ses ressources. Sinon, "
                "probablement éligible au RSA sans aucune ressource, à 25 ans ou plus (ou avant "
                "25 ans avec un enfant à charge ou à naître), en séjour régulier."
            ),
            rule=AnyOf(
                (
                    _c(
                        "rsa_beneficiary",
                        "Bénéficiaire du RSA",
                        receives("rsa"),
                        "Attestation de paiement CAF ou MSA",
                        "Datant de moins de 3 mois",
                    ),
                    AllOf(
                        (
                            _c(
                                "rsa_no_resources",
                                "Ressources inférieures au montant forfaitaire du RSA",
                                rsa_no_resources,
                                "Justificatifs de ressources des 3 derniers mois",
                            ),
                            _c(
                                "rsa_age",
                                "25 ans ou plus, ou moins de 25 ans avec un enfant à charge ou à naître",
                                rsa_age,
                                "Pièce d'identité ; livret de famille ou certificat de grossesse avant 25 ans",
                            ),
                            _c(
                                "rsa_residence",
                                "Résidence stable et régulière en France",
                                rsa_residence,
                                "Pièce d'identité ou titre de séjour",
                            ),
                        )
                    ),
                )
            ),
            notes=(
                "La demande se fait sur caf.fr / msa.fr ou avec le département ; le droit est "
                "calculé sur les ressources du foyer des 3 derniers mois.",
            ),
            pathway_scheme="rsa",
        ),
        Scheme(
            key="plie",
            name="PLIE (plan local pour l'insertion et l'emploi)",
            summary=(
                "Accompagnement renforcé vers l'emploi durable des adultes qui en sont éloignés."
            ),
            rule_text=(
                "Règle simplifiée : majeur·e et au moins une difficulté d'accès à l'emploi parmi "
                "RSA, ASS, RQTH, niveau CAP/BEP ou moins, demande d'emploi de 12 mois ou plus, "
                "résidence en QPV. Chaque PLIE fixe ses publics dans son protocole local "
                "(souvent 26 ans et plus) : vérifiez auprès du PLIE du territoire."
            ),
            rule=AllOf(
                (
                    _c("plie_adult", "18 ans ou plus", adult, "Pièce d'identité"),
                    AnyOf(
                        (
                            _iae("iae_rsa"),
                            _iae("iae_ass"),
                            _iae("iae_th"),
                            _iae("iae_cap_bep"),
                            _c(
                                "plie_long_term",
                                "Demandeur d'emploi depuis 12 mois ou plus",
                                jobseeker_for(12, None),
                                "Attestation France Travail",
                                "Datant de moins de 3 mois",
                            ),
                            _iae("iae_qpv"),
                        )
                    ),
                )
            ),
            notes=("Les critères d'entrée sont fixés localement par chaque PLIE.",),
            pathway_scheme="plie",
        ),
        Scheme(
            key="cej",
            name="Contrat d'engagement jeune (CEJ)",
            summary=(
                "Accompagnement intensif de 15 à 20 heures par semaine, avec une allocation, "
                "par la mission locale ou France Travail."
            ),
            rule_text=(
                "De 16 à 25 ans révolus (jusqu'à 29 ans révolus avec une RQTH), ni en emploi "
                "durable ni en formation, en séjour régulier."
            ),
            rule=AllOf(
                (
                    _c(
                        "cej_age",
                        "16 à 25 ans, ou jusqu'à 29 ans avec une RQTH",
                        cej_age,
                        "Pièce d'identité ; notification de RQTH après 25 ans",
                    ),
                    _c(
                        "cej_neet",
                        "Ni en emploi durable ni en formation",
                        cej_not_in_work_or_training,
                        "Déclaration de la situation (attestation sur l'honneur)",
                    ),
                    _c(
                        "cej_residence",
                        "Séjour régulier en France",
                        regular_residence,
                        "Pièce d'identité ou titre de séjour autorisant à travailler",
                    ),
                )
            ),
            pathway_scheme="cej",
        ),
        Scheme(
            key="iae",
            name="IAE — atelier chantier (ACI), entreprise d'insertion (EI, EITI)",
            summary="Un contrat de travail accompagné dans une structure d'insertion.",
            rule_text=(
                "Au moins un critère administratif de niveau 1, ou au moins trois critères de "
                "niveau 2 (arrêté du 1er septembre 2021)."
            ),
            rule=AnyOf((AtLeast(1, level_1), AtLeast(3, level_2))),
            notes=iae_notes,
            pathway_scheme="iae",
        ),
        Scheme(
            key="iae_ai_etti",
            name="IAE — association intermédiaire (AI), entreprise de travail temporaire d'insertion (ETTI)",
            summary="Des missions de travail accompagnées, en AI ou en ETTI.",
            rule_text=(
                "Au moins un critère administratif de niveau 1, ou au moins deux critères de "
                "niveau 2 (arrêté du 1er septembre 2021)."
            ),
            rule=AnyOf((AtLeast(1, level_1), AtLeast(2, level_2))),
            notes=iae_notes,
            pathway_scheme="iae",
        ),
        Scheme(
            key="pmsmp",
            name="PMSMP (période de mise en situation en milieu professionnel)",
            summary=(
                "Une immersion chez un employeur pour découvrir un métier, confirmer un projet "
                "ou initier un recrutement."
            ),
            rule_text=(
                "Ouverte à toute personne accompagnée par un prescripteur, quel que soit son "
                "statut : toujours mobilisable, dans les conditions ci-dessous."
            ),
            rule=_c("pmsmp_prescriber", "Accompagnée par un prescripteur", pmsmp_prescriber),
            proofs=(
                "Convention de PMSMP signée (cerfa n° 13912) par la personne, l'employeur et le prescripteur",
            ),
            conditions=(
                "Une convention signée avant le début de la période, par la personne, la "
                "structure d'accueil et le prescripteur.",
                "Durée d'un mois au plus, renouvelable une fois si l'objectif n'est pas atteint.",
                "Un objectif : découvrir un métier, confirmer un projet professionnel ou initier "
                "une démarche de recrutement.",
                "Pas de rémunération par l'employeur : la personne garde son statut et ses "
                "ressources ; un tuteur l'accueille.",
            ),
        ),
    )


# --- Evaluation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proof:
    criterion: str
    proof: str
    validity: str


@dataclass(frozen=True)
class SchemeResult:
    scheme: Scheme
    status: Status
    met: tuple[CriterionResult, ...]
    unknown: tuple[CriterionResult, ...]
    not_met: tuple[CriterionResult, ...]
    proofs: tuple[Proof, ...]
    in_pathway: bool = False
    extra_proofs: tuple[str, ...] = field(default=())

    @property
    def status_label(self) -> str:
        return SCHEME_STATUS_LABELS[self.status]

    @property
    def key(self) -> str:
        return self.scheme.key


def evaluate_scheme(scheme: Scheme, facts: PersonFacts) -> SchemeResult:
    outcome = evaluate_rule(scheme.rule, facts)
    by_status = {s: tuple(r for r in outcome.relevant if r.status is s) for s in Status}
    # Proofs of what is met (to show the eligibility) and of what is to check.
    proofs = tuple(
        Proof(r.label, r.criterion.proof, r.criterion.proof_validity)
        for r in (*by_status[Status.MET], *by_status[Status.UNKNOWN])
        if r.criterion.proof
    )
    return SchemeResult(
        scheme=scheme,
        status=outcome.status,
        met=by_status[Status.MET],
        unknown=by_status[Status.UNKNOWN],
        not_met=by_status[Status.NOT_MET],
        proofs=proofs if outcome.status is not Status.NOT_MET else (),
        in_pathway=bool(scheme.pathway_scheme and scheme.pathway_scheme in facts.active_schemes),
        extra_proofs=scheme.proofs,
    )


def evaluate_all(facts: PersonFacts) -> list[SchemeResult]:
    return [evaluate_scheme(scheme, facts) for scheme in schemes()]


def scheme_by_key(key: str) -> Scheme:
    return next(s for s in schemes() if s.key == key)


def facts_from_person(
    person,
    *,
    today: date,
    diagnostic: dict | None = None,
    life_events: Iterable[str] = (),
    organisation_kind: str = "",
    active_schemes: Iterable[str] = (),
) -> PersonFacts:
    """Facts from a Person and what the caller read beside it: `diagnostic` is
    {"barriers": set, "domains": set, "no_shelter_tonight": bool} for the latest diagnostic
    (None: no diagnostic)."""
    return PersonFacts(
        age=age_on(person.birth_date, today),
        resources=frozenset(person.resources or []),
        rqth=bool(person.rqth),
        education_level=person.education_level or "",
        household=person.household or "",
        has_children=children_known(person.household or "", person.children_ages or []),
        french_level=person.french_level or "",
        driving_licence=person.driving_licence or "",
        has_vehicle=bool(person.has_vehicle),
        administrative_status=person.administrative_status or "",
        commune_code=person.commune_code or "",
        registered_jobseeker=bool(person.france_travail_id.strip()),
        has_diagnostic=diagnostic is not None,
        barriers=frozenset((diagnostic or {}).get("barriers", ())),
        assessed_domains=frozenset((diagnostic or {}).get("domains", ())),
        no_shelter_tonight=bool((diagnostic or {}).get("no_shelter_tonight", False)),
        life_events=frozenset(life_events),
        organisation_kind=organisation_kind,
        active_schemes=frozenset(active_schemes),
    )


def load_person_facts(
    person, *, organisation_kind: str = "", today: date | None = None
) -> PersonFacts:
    """The facts of `person` (already fetched, permission-checked and journaled by the
    caller): four queries whatever the size of the record (latest diagnostic, its
    assessments, life events and active pathways read as plain values, never as objects)."""
    from django.utils import timezone

    from relais.diagnostics.models import Diagnostic, DomainAssessment
    from relais.pathways.models import Pathway
    from relais.people.models import LifeEvent

    latest = (
        Diagnostic.objects.filter(person=person)
        .order_by("-assessed_on", "-id")
        .values("pk", "no_shelter_tonight")
        .first()
    )
    diagnostic = None
    if latest is not None:
        barriers: set[str] = set()
        domains: set[str] = set()
        for domain, difficulty, codes in DomainAssessment.objects.filter(
            diagnostic_id=latest["pk"]
        ).values_list("domain", "difficulty", "barriers"):
            barriers.update(codes or [])
            if difficulty is not None or codes:
                domains.add(domain)
        diagnostic = {
            "barriers": barriers,
            "domains": domains,
            "no_shelter_tonight": latest["no_shelter_tonight"],
        }
    life_events = LifeEvent.objects.filter(person=person).values_list("kind", flat=True).distinct()
    active_schemes = Pathway.objects.filter(person=person, status="active").values_list(
        "scheme", flat=True
    )
    return facts_from_person(
        person,
        today=today or timezone.localdate(),
        diagnostic=diagnostic,
        life_events=list(life_events),
        organisation_kind=organisation_kind,
        active_schemes=list(active_schemes),
    )
