"""What left the organisation (RGPD art. 15 asks for the recipients): the referrals sent to
partners — what was shared, with whom, when, and every change of status —, the
professionals of other organisations in the person's coordination team and what they see,
and the case conferences about the person with their minutes and decisions."""

from __future__ import annotations

from django.db.models import Prefetch

from relais.diagnostics.domains import Domain
from relais.network.coordination.models import (
    CaseConference,
    ConferenceDecision,
    SharedCategory,
    TeamMember,
)
from relais.network.referrals.models import Referral, ReferralStatus, ReferralTransition
from relais.people.models import Person
from relais.records.export.structure import Group, Item, label_of, user_name
from relais.records.synthesis_models import SynthesisReport

_CATEGORIES = dict(SharedCategory.choices)
_DOMAINS = dict(Domain.choices)
_STATUSES = dict(ReferralStatus.choices)


def _categories(codes) -> list[str]:
    return [str(_CATEGORIES.get(code, code)) for code in codes or []]


def _domains(codes) -> list[str]:
    return [str(_DOMAINS.get(code, code)) for code in codes or []]


def _by(transition: ReferralTransition) -> str:
    who = user_name(transition.actor)
    where = transition.actor_organisation.name if transition.actor_organisation else ""
    if who and where:
        return f"{who} ({where})"
    return who or where or "Relais (automatiquement)"


def referrals(person: Person) -> list[Item]:
    found = (
        Referral.objects.filter(person=person)
        .select_related("service", "sender", "sender_organisation", "receiver_organisation")
        .prefetch_related(
            "attachments",
            Prefetch(
                "transitions",
                queryset=ReferralTransition.objects.select_related(
                    "actor", "actor_organisation"
                ).order_by("at", "id"),
            ),
        )
        .order_by("sent_at", "id")
    )
    items = []
    for referral in found:
        history = [
            Item(
                f"{_STATUSES.get(t.to_status, t.to_status)}",
                [
                    ("Date", t.at),
                    ("Statut", str(_STATUSES.get(t.to_status, t.to_status))),
                    ("Par", _by(t)),
                    ("Commentaire", t.comment),
                ],
            )
            for t in referral.transitions.all()
        ]
        items.append(
            Item(
                f"Orientation n° {referral.pk} vers « {referral.service.name} » — "
                f"{referral.receiver_organisation.name}",
                [
                    ("Numéro", referral.pk),
                    ("Structure destinataire", referral.receiver_organisation.name),
                    ("Service", referral.service.name),
                    ("Envoyée le", referral.sent_at),
                    ("Envoyée par", user_name(referral.sender)),
                    ("Structure émettrice", referral.sender_organisation.name),
                    ("Motif de l'orientation", referral.reason),
                    ("Ce qui est demandé", referral.asked_for),
                    ("Disponibilités de la personne", referral.availability),
                    ("Préférence de contact", referral.contact_preference),
                    ("Informations partagées", _categories(referral.shared_categories)),
                    ("Domaines du diagnostic partagés", _domains(referral.shared_domains)),
                    ("Pièces jointes", [d.title for d in referral.attachments.all()]),
                    ("Statut", referral.get_status_display()),
                    ("Premier rendez-vous le", referral.first_appointment_on),
                    ("Motif du refus", label_of(referral, "refusal_reason")),
                    ("Commentaire du refus", referral.refusal_comment),
                    ("Résultat communiqué", referral.outcome),
                    ("Close le", referral.closed_at),
                ],
                [Group("historique", "Historique", history)],
            )
        )
    return items


def team_members(person: Person) -> list[Item]:
    members = (
        TeamMember.objects.of_person(person.pk)
        .select_related("team", "user", "organisation", "added_by")
        .prefetch_related("shared_documents")
        .order_by("started_on", "id")
    )
    return [
        Item(
            f"{user_name(member.user)} — {member.organisation.name}",
            [
                ("Professionnel", user_name(member.user)),
                ("Structure", member.organisation.name),
                ("Rôle dans l'équipe", member.role),
                ("Informations partagées", _categories(member.shared_categories)),
                ("Domaines du diagnostic partagés", _domains(member.shared_domains)),
                ("Documents partagés", [d.title for d in member.shared_documents.all()]),
                ("Accord explicite pour la santé le", member.health_consent_on),
                ("Depuis le", member.started_on),
                ("Jusqu'au", member.ended_on),
                ("Motif de fin", member.end_reason),
                ("Ajouté par", user_name(member.added_by)),
            ],
        )
        for member in members
    ]


def case_conferences(person: Person) -> list[Item]:
    conferences = (
        CaseConference.objects.filter(person=person)
        .select_related("organisation", "author")
        .prefetch_related(
            "participants",
            Prefetch("decisions", queryset=ConferenceDecision.objects.order_by("id")),
        )
        .order_by("held_on", "id")
    )
    return [
        Item(
            f"Réunion du {conference.held_on:%d/%m/%Y}",
            [
                ("Date", conference.held_on),
                ("Organisée par", conference.organisation.name),
                ("Participants", [user_name(u) for u in conference.participants.all()]),
                ("Autres participants", conference.other_participants),
                ("La personne était présente", conference.person_present),
                ("Ordre du jour", conference.agenda),
                ("Compte rendu", conference.minutes),
                ("Rédigé par", user_name(conference.author)),
            ],
            [
                Group(
                    "decisions",
                    "Décisions",
                    [
                        Item(
                            decision.text,
                            [
                                ("Décision", decision.text),
                                ("Qui la porte", decision.owner_name),
                                ("Échéance", decision.due_on),
                            ],
                        )
                        for decision in conference.decisions.all()
                    ],
                )
            ],
        )
        for conference in conferences
    ]


def synthesis_reports(person: Person) -> list[Item]:
    """Reports sent to a commission or prescriber: to whom, what, when (art. 15: the
    recipients of the data)."""
    reports = (
        SynthesisReport.objects.filter(person=person)
        .select_related("recipient", "author", "sent_by")
        .order_by("created_at", "id")
    )
    return [
        Item(
            f"Synthèse du {report.created_at:%d/%m/%Y} — {report.recipient.name}",
            [
                ("Destinataire", report.recipient.name),
                ("Pour", report.get_purpose_display()),
                ("Sections transmises", [s["title"] for s in report.content]),
                ("Sections refusées", [f"{r['label']} ({r['reason']})" for r in report.refused]),
                ("Produite le", report.created_at),
                ("Par", user_name(report.author)),
                ("Transmise le", report.sent_on),
                ("Moyen de transmission", report.get_sending_method_display()),
            ],
        )
        for report in reports
    ]
