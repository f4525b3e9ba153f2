"""The schemes (dispositifs) and their rules, as data: RSA, PLIE, CEJ, IAE (two kinds of
structures), PMSMP. Each states its simplified rule in plain French (also in
docs/eligibility.md, with the sources) next to the rule itself."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from relais.network.directory.eligibility.criteria import (
    Criterion,
    adult,
    cej_age,
    cej_not_in_work_or_training,
    iae_criteria,
    iae_level,
    jobseeker_for,
    pmsmp_prescriber,
    receives,
    regular_residence,
    rsa_age,
    rsa_no_resources,
    rsa_residence,
)
from relais.network.directory.eligibility.rules import AllOf, AnyOf, AtLeast, Rule


@dataclass(frozen=True)
class SchemeRule:
    key: str
    name: str
    summary: str  # what the scheme is, one sentence
    rule_text: str  # the simplified rule, in French, as implemented
    rule: Rule
    proofs: tuple[str, ...] = ()  # proofs of the scheme itself (beyond the criteria's)
    conditions: tuple[str, ...] = ()  # conditions to respect (PMSMP…)
    notes: tuple[str, ...] = ()
    pathway_scheme: str = ""  # relais.pathways.models.Scheme code, to say "parcours en cours"


def _c(key: str, label: str, evaluate, proof: str = "", proof_validity: str = "") -> Criterion:
    return Criterion(
        key=key, label=label, evaluate=evaluate, proof=proof, proof_validity=proof_validity
    )


def _iae(key: str) -> Criterion:
    return next(c for c in iae_criteria() if c.key == key)


@cache
def schemes() -> tuple[SchemeRule, ...]:
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
        SchemeRule(
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
        SchemeRule(
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
        SchemeRule(
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
        SchemeRule(
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
        SchemeRule(
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
        SchemeRule(
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


def scheme_by_key(key: str) -> SchemeRule:
    return next(s for s in schemes() if s.key == key)
