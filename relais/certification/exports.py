"""A candidate's right of access (GDPR art. 15): everything held about them, as JSON."""

from __future__ import annotations

from relais.certification.models import Candidate


def _date(value) -> str | None:
    return value.isoformat() if value else None


def candidate_export(candidate: Candidate) -> dict:
    enrolments = []
    for e in candidate.enrolments.select_related("certification").prefetch_related(
        "acquisitions__block",
        "equivalences__block",
        "positionings",
        "accompaniments",
        "documents",
        "certificates",
        "decisions__block",
        "evaluations__modality",
        "evaluations__scores__criterion",
        "surveys",
        "plan",
    ):
        enrolments.append(
            {
                "certification": e.certification.code,
                "voie_d_acces": e.get_access_route_display(),
                "statut": e.get_status_display(),
                "inscrit_le": _date(e.enrolled_on),
                "abandon_le": _date(e.withdrawn_on),
                "motif_abandon": e.withdrawal_reason,
                "prerequis": e.prerequisites_note,
                "financement": e.get_funding_display(),
                "montant_finance": str(e.funding_amount) if e.funding_amount is not None else None,
                "heures_financees": e.funded_hours,
                "certifie_le": _date(e.certified_on),
                "blocs_acquis": [
                    {"bloc": a.block.code, "le": _date(a.acquired_on), "par": a.get_via_display()}
                    for a in e.acquisitions.all()
                ],
                "equivalences": [
                    {
                        "bloc": q.block.code,
                        "formation": q.training_title,
                        "suivie_le": _date(q.completed_on),
                        "accordee_le": _date(q.granted_on),
                    }
                    for q in e.equivalences.all()
                ],
                "tests_de_positionnement": [
                    {"le": _date(p.taken_on), "resultat": p.score_percent}
                    for p in e.positionings.all()
                ],
                "accompagnement": [
                    {"le": _date(a.held_on), "heures": str(a.hours), "collectif": a.collective}
                    for a in e.accompaniments.all()
                ],
                "plan": [
                    {"nature": s.get_kind_display(), "intitule": s.title, "le": _date(s.starts_on)}
                    for s in e.plan.all()
                ],
                "documents": [
                    {"document": d.title, "depose_le": d.deposited_at.isoformat()}
                    for d in e.documents.all()
                ],
                "evaluations": [
                    {
                        "modalite": v.modality.title,
                        "prevue_le": _date(v.scheduled_on),
                        "notee_le": _date(v.scored_on),
                        "criteres": [
                            {
                                "critere": s.criterion.text,
                                "niveau": s.get_level_display(),
                                "preuves": s.evidence,
                                "commentaire": s.comment,
                            }
                            for s in v.scores.all()
                        ],
                        "appreciation_d_ensemble": {
                            "niveau": v.get_overall_level_display(),
                            "preuves": v.overall_evidence,
                            "commentaire": v.overall_comment,
                        }
                        if v.overall_level
                        else None,
                    }
                    for v in e.evaluations.all()
                ],
                "decisions_de_jury": [
                    {"bloc": d.block.code, "valide": d.validated, "motifs": d.reasons}
                    for d in e.decisions.all()
                ],
                "certificats": [
                    {"numero": c.number, "intitule": c.title, "delivre_le": _date(c.issued_on)}
                    for c in e.certificates.all()
                ],
                "enquetes_de_suivi": [
                    {
                        "delai_mois": s.months_after,
                        "en_emploi": s.employed,
                        "dans_le_metier": s.in_trade,
                        "repondu_le": _date(s.answered_on),
                    }
                    for s in e.surveys.all()
                ],
            }
        )
    return {
        "candidat": {
            "nom": candidate.last_name,
            "prenom": candidate.first_name,
            "date_de_naissance": _date(candidate.birth_date),
            "email": candidate.email,
            "telephone": candidate.phone,
            "employeur": candidate.employer_name,
            "siret_employeur": candidate.employer_siret,
            "fonction": candidate.job_title,
            "niveau_de_diplome": candidate.diploma_level,
            "diplome_etranger": candidate.foreign_diploma,
            "annees_d_experience": str(candidate.experience_years),
        },
        "inscriptions": enrolments,
    }
