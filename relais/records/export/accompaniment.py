"""The accompaniment: diagnostics, pathways (goals, steps, contracts, reviews, exit),
professional notes and appointments."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.utils import timezone

from relais.diagnostics.domains import barrier_label
from relais.diagnostics.models import Diagnostic
from relais.pathways.models import Appointment, GoalReview, Note, NoteVisibility, Pathway, Review
from relais.people.models import Person
from relais.records.export.structure import Group, Item, label_of, user_name


def diagnostics(person: Person) -> list[Item]:
    diagnostics = (
        Diagnostic.objects.filter(person=person)
        .select_related("author")
        .prefetch_related("assessments")
        .order_by("assessed_on", "id")
    )
    items = []
    for diagnostic in diagnostics:
        assessments = [
            Item(
                a.get_domain_display(),
                [
                    ("Domaine de vie", a.get_domain_display()),
                    ("Situation", a.situation),
                    ("Niveau de difficulté", label_of(a, "difficulty")),
                    ("Atouts", a.strengths),
                    ("Freins", [barrier_label(code) for code in a.barriers or []]),
                    ("Autres freins", a.barriers_other),
                    ("Paroles et souhaits de la personne", a.person_words),
                ],
            )
            for a in diagnostic.assessments.all()
        ]
        items.append(
            Item(
                f"Diagnostic du {diagnostic.assessed_on:%d/%m/%Y}",
                [
                    ("Date du diagnostic", diagnostic.assessed_on),
                    ("Réalisé par", user_name(diagnostic.author)),
                    ("Validé avec la personne le", diagnostic.validated_with_person_on),
                    ("Attentes de la personne", diagnostic.person_expectations),
                    ("Sans solution d'hébergement ce soir", diagnostic.no_shelter_tonight),
                    ("Aucune ressource", diagnostic.no_resources),
                    ("Violences subies ou en danger", diagnostic.violence),
                    ("Urgence de santé", diagnostic.health_emergency),
                    ("Date d'expulsion prévue", diagnostic.eviction_on),
                    ("Urgence suggérée", diagnostic.get_urgency_suggested_display()),
                    ("Raisons de l'urgence suggérée", [str(r) for r in diagnostic.urgency_reasons]),
                    ("Degré d'urgence retenu", diagnostic.get_urgency_display()),
                    ("Justification du degré retenu", diagnostic.urgency_override_reason),
                ],
                [Group("domaines", "Domaines de vie", assessments)],
            )
        )
    return items


def pathways(person: Person) -> list[Item]:
    pathways = (
        Pathway.objects.filter(person=person)
        .select_related("referent", "exit", "exit__recorded_by")
        .prefetch_related(
            "goals",
            "steps__goal",
            "contracts__generated_by",
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related("author").prefetch_related(
                    Prefetch("goal_reviews", queryset=GoalReview.objects.select_related("goal"))
                ),
            ),
        )
        .order_by("started_on", "id")
    )
    items = []
    for pathway in pathways:
        goals = [
            Item(
                goal.text,
                [
                    ("Objectif", goal.text),
                    ("Domaine de vie", label_of(goal, "domain")),
                    ("Indicateur", goal.indicator),
                    ("Cible", goal.target),
                    ("Échéance", goal.deadline),
                    ("Statut", goal.get_status_display()),
                ],
            )
            for goal in pathway.goals.all()
        ]
        steps = [
            Item(
                step.title,
                [
                    ("Action", step.title),
                    ("Type", step.get_kind_display()),
                    ("Objectif lié", step.goal.text if step.goal else ""),
                    ("Portée par", step.get_owner_display()),
                    ("Professionnel ou structure", step.owner_name),
                    ("Date prévue", step.planned_on),
                    ("Date de réalisation", step.done_on),
                    ("Statut", step.get_status_display()),
                    ("Résultat", step.outcome),
                ],
            )
            for step in pathway.steps.all()
        ]
        contracts = [
            Item(
                f"Contrat d'engagement, version {contract.number}",
                [
                    ("Version", contract.number),
                    ("Établi par", user_name(contract.generated_by)),
                    ("Établi le", contract.created_at),
                    ("Engagements de la personne", contract.commitments_person),
                    ("Engagements de la structure", contract.commitments_organisation),
                    ("Signé le", contract.signed_on),
                    ("Mode de signature", label_of(contract, "signature_mode")),
                    ("Valable jusqu'au", contract.valid_until),
                ],
            )
            for contract in pathway.contracts.all()
        ]
        reviews = [
            Item(
                f"Bilan du {review.held_on:%d/%m/%Y}",
                [
                    ("Date du bilan", review.held_on),
                    ("Réalisé par", user_name(review.author)),
                    ("Ajustements décidés", review.adjustments),
                    ("Risques identifiés", review.risks),
                    ("Facteurs de réussite", review.success_factors),
                    ("Point de vue de la personne", review.person_view),
                    ("Prochain bilan", review.next_review_on),
                ],
                [
                    Group(
                        "resultats",
                        "Résultats par objectif",
                        [
                            Item(
                                gr.goal.text,
                                [
                                    ("Objectif", gr.goal.text),
                                    ("Résultat", gr.get_result_display()),
                                    ("Explication de l'écart", gr.gap),
                                ],
                            )
                            for gr in review.goal_reviews.all()
                        ],
                    )
                ],
            )
            for review in pathway.reviews.all()
        ]
        exit_items = []
        exit_ = getattr(pathway, "exit", None)
        if exit_ is not None:
            exit_items.append(
                Item(
                    "Sortie",
                    [
                        ("Date de sortie", exit_.exited_on),
                        ("Type de sortie", exit_.get_category_display()),
                        ("Commentaire", exit_.comment),
                        ("Saisie par", user_name(exit_.recorded_by)),
                    ],
                )
            )
        items.append(
            Item(
                f"{pathway.get_scheme_display()} — depuis le {pathway.started_on:%d/%m/%Y}",
                [
                    ("Dispositif", pathway.get_scheme_display()),
                    ("Précision", pathway.scheme_detail),
                    ("Référent de parcours", user_name(pathway.referent)),
                    ("Début du parcours", pathway.started_on),
                    ("Rythme des bilans (mois)", pathway.review_every_months),
                    ("Prochain bilan", pathway.next_review_on),
                    ("Statut", pathway.get_status_display()),
                ],
                [
                    Group("objectifs", "Objectifs", goals),
                    Group("etapes", "Étapes", steps),
                    Group("contrats", "Contrats d'engagement", contracts),
                    Group("bilans", "Bilans", reviews),
                    Group("sortie", "Sortie", exit_items, empty="Parcours en cours."),
                ],
            )
        )
    return items


def notes(person: Person, *, reader=None, written_for_the_person: bool = False) -> list[Item]:
    """Every note for the person's own copy (`reader=None`); for a professional's copy, the
    notes they may read: another professional's « Moi seul·e » notes are left out.
    `written_for_the_person`: only the notes written for the person (the copy downloaded
    from their space, decision 0065)."""
    notes = (
        Note.objects.filter(person=person)
        .select_related("author", "pathway")
        .order_by("occurred_on", "id")
    )
    if written_for_the_person:
        notes = notes.filter(visibility=NoteVisibility.PERSON)
    if reader is not None:
        notes = notes.exclude(Q(visibility=NoteVisibility.AUTHOR) & ~Q(author=reader))
    return [
        Item(
            f"{note.occurred_on:%d/%m/%Y} — {note.get_kind_display()}",
            [
                ("Date de l'échange", note.occurred_on),
                ("Type d'écrit", note.get_kind_display()),
                ("Auteur", user_name(note.author)),
                ("Visible par", note.get_visibility_display()),
                ("Parcours", str(note.pathway) if note.pathway else ""),
                ("Contenu", note.body),
            ],
        )
        for note in notes
    ]


def appointments(person: Person) -> list[Item]:
    appointments = (
        Appointment.objects.filter(person=person).select_related("with_user").order_by("starts_at")
    )
    return [
        Item(
            f"{timezone.localtime(a.starts_at):%d/%m/%Y à %H:%M} — {a.purpose}",
            [
                ("Date et heure", a.starts_at),
                ("Durée (minutes)", a.duration_minutes),
                ("Lieu", a.location),
                ("Objet", a.purpose),
                ("Avec", user_name(a.with_user)),
                ("Participation", a.get_participation_display()),
            ],
        )
        for a in appointments
    ]
