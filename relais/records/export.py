"""Right of access (RGPD art. 15): everything the organisation holds about a person, as a
structure that renders to JSON and to PDF.

Everything means everything recorded in the person's file: identity, situation, consents
(superseded ones included), key life events, the list of documents (their metadata — the
files themselves are given separately on request), diagnostics with their domain
assessments, pathways with goals, steps, contracts, reviews and exit, professional notes —
including those visible to their author only: the person's right of access covers them —
and appointments. The access journal is not included.

Labels are French (the reader is the person); in JSON, dates are ISO 8601 and coded
values are given by their label."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from relais.accounts.models import OrganisationKind
from relais.core import pdf
from relais.core.communes import get_commune
from relais.diagnostics.domains import barrier_label
from relais.diagnostics.models import Diagnostic
from relais.pathways.models import Appointment, GoalReview, Note, Pathway, Review
from relais.people.models import Consent, ConsentStatus, Document, LifeEvent, Person, Resource
from relais.records.models import RetentionHold, RightsRequest


@dataclass
class Item:
    title: str
    fields: list[tuple[str, Any]]
    children: list[Group] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[str, str, bool]]:
        """(label, text, is_long) for the PDF."""
        return [(label, display(value), _is_long(value)) for label, value in self.fields]


@dataclass
class Group:
    key: str
    title: str
    items: list[Item]
    empty: str = "Aucun élément enregistré."
    item_titles: bool = True  # False for a group of one item titled like the group


@dataclass
class PersonExport:
    person: Person
    title: str
    generated_at: dt.datetime
    generated_by: str
    organisation: str
    groups: list[Group]


def display(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y à %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list | tuple):
        return ", ".join(display(v) for v in value)
    return str(value)


def _is_long(value: Any) -> bool:
    return isinstance(value, str) and (len(value) > 120 or "\n" in value)


def _user(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _label(instance, name: str) -> str:
    value = getattr(instance, name)
    if value in (None, ""):
        return ""
    return getattr(instance, f"get_{name}_display")()


# --- Parts of the file -----------------------------------------------------------------------


def _identity(person: Person) -> Item:
    commune = get_commune(person.commune_code) if person.commune_code else None
    return Item(
        "Identité et contact",
        [
            ("Numéro de dossier", person.pk),
            ("Nom de naissance", person.birth_name),
            ("Nom d'usage", person.usage_name),
            ("Prénom(s)", person.first_names),
            ("Date de naissance", person.birth_date),
            ("Sexe", _label(person, "sex")),
            ("Téléphone", person.phone),
            ("Adresse e-mail", person.email),
            ("Adresse postale", person.address),
            ("Code postal", person.postal_code),
            (
                "Commune",
                f"{commune.name.title()} ({person.commune_code})"
                if commune
                else person.commune_code,
            ),
            ("Identifiant France Travail", person.france_travail_id),
            ("Structure qui tient le dossier", person.organisation.name),
            ("Référent de parcours", _user(person.referent)),
            ("Dossier créé le", person.created_at),
            ("Dossier créé par", _user(person.created_by)),
            ("Dernière modification le", person.updated_at),
            ("Archivé le", person.archived_at),
        ],
    )


def _situation(person: Person) -> Item:
    resources = dict(Resource.choices)
    return Item(
        "Situation",
        [
            ("Situation familiale", _label(person, "household")),
            ("Nombre d'enfants", len(person.children_ages or [])),
            ("Âge des enfants", [f"{a} an{'s' if a > 1 else ''}" for a in person.children_ages]),
            ("Ressources", [str(resources.get(r, r)) for r in person.resources or []]),
            ("Niveau de diplôme", _label(person, "education_level")),
            ("Langues parlées", person.languages),
            ("Niveau de français", _label(person, "french_level")),
            ("Permis de conduire", _label(person, "driving_licence")),
            ("Dispose d'un véhicule", person.has_vehicle),
            ("RQTH", person.rqth),
            ("Situation administrative", _label(person, "administrative_status")),
        ],
    )


def _consents(person: Person) -> list[Item]:
    consents = list(
        Consent.objects.filter(person=person)
        .select_related("partner_organisation", "recorded_by", "document")
        .order_by("decided_on", "id")
    )
    replaced_by = {c.supersedes_id: c for c in consents if c.supersedes_id}
    kinds = dict(OrganisationKind.choices)
    items = []
    for consent in consents:
        later = replaced_by.get(consent.pk)
        items.append(
            Item(
                f"{consent.get_purpose_display()} — {consent.get_status_display()}",
                [
                    ("Objet", consent.get_purpose_display()),
                    (
                        "Structure partenaire",
                        consent.partner_organisation.name if consent.partner_organisation else "",
                    ),
                    ("Catégorie de partenaires", kinds.get(consent.partner_category, "")),
                    ("Décision", consent.get_status_display()),
                    ("Date", consent.decided_on),
                    ("Mode de recueil", consent.get_method_display()),
                    ("Témoin", consent.witness_name),
                    ("Formulaire signé", consent.document.title if consent.document else ""),
                    ("Enregistré par", _user(consent.recorded_by)),
                    (
                        "Remplacé par la décision du",
                        later.decided_on if later else "",
                    ),
                    ("En vigueur", later is None and consent.status == ConsentStatus.GIVEN),
                ],
            )
        )
    return items


def _rights(person: Person) -> list[Item]:
    """The person's erasure and rectification requests and the postponements of the
    record's erasure (relais.records)."""
    requests = RightsRequest.objects.filter(person=person).order_by("received_on", "pk")
    holds = RetentionHold.objects.filter(person=person).order_by("created_at", "pk")
    return [
        *(
            Item(
                f"{r.get_kind_display()} reçue le {r.received_on:%d/%m/%Y}",
                [
                    ("Ce qui est demandé", r.details),
                    ("À traiter avant le", r.due_on),
                    ("Motif de la prolongation", r.extended_reason),
                    ("Statut", r.get_status_display()),
                    ("Close le", r.closed_on),
                    ("Motif de la décision", r.decision_reason),
                ],
            )
            for r in requests
        ),
        *(
            Item(
                f"Effacement du dossier reporté jusqu'au {h.until:%d/%m/%Y}",
                [("Motif", h.reason), ("Décidé le", h.created_at)],
            )
            for h in holds
        ),
    ]


def _life_events(person: Person) -> list[Item]:
    events = LifeEvent.objects.filter(person=person).select_related("recorded_by")
    return [
        Item(
            f"{event.occurred_on:%d/%m/%Y} — {event.get_kind_display()}",
            [
                ("Événement", event.get_kind_display()),
                ("Date", event.occurred_on),
                ("Rupture dans le parcours", event.is_rupture),
                ("Ce qui s'est passé", event.description),
                ("Saisi par", _user(event.recorded_by)),
                ("Saisi le", event.created_at),
            ],
        )
        for event in events
    ]


def _documents(person: Person) -> list[Item]:
    documents = Document.objects.filter(person=person).select_related("uploaded_by")
    return [
        Item(
            document.title,
            [
                ("Type", document.get_kind_display()),
                ("Intitulé", document.title),
                ("Nom du fichier", document.original_name),
                ("Format", document.content_type),
                ("Taille (octets)", document.size),
                ("Empreinte SHA-256", document.sha256),
                ("Date d'expiration", document.expires_on),
                ("Déposé par", _user(document.uploaded_by)),
                ("Déposé le", document.created_at),
            ],
        )
        for document in documents
    ]


def _diagnostics(person: Person) -> list[Item]:
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
                    ("Niveau de difficulté", _label(a, "difficulty")),
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
                    ("Réalisé par", _user(diagnostic.author)),
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


def _pathways(person: Person) -> list[Item]:
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
                    ("Domaine de vie", _label(goal, "domain")),
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
                    ("Établi par", _user(contract.generated_by)),
                    ("Établi le", contract.created_at),
                    ("Engagements de la personne", contract.commitments_person),
                    ("Engagements de la structure", contract.commitments_organisation),
                    ("Signé le", contract.signed_on),
                    ("Mode de signature", _label(contract, "signature_mode")),
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
                    ("Réalisé par", _user(review.author)),
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
                        ("Saisie par", _user(exit_.recorded_by)),
                    ],
                )
            )
        items.append(
            Item(
                f"{pathway.get_scheme_display()} — depuis le {pathway.started_on:%d/%m/%Y}",
                [
                    ("Dispositif", pathway.get_scheme_display()),
                    ("Précision", pathway.scheme_detail),
                    ("Référent de parcours", _user(pathway.referent)),
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


def _notes(person: Person) -> list[Item]:
    notes = (
        Note.objects.filter(person=person)
        .select_related("author", "pathway")
        .order_by("occurred_on", "id")
    )
    return [
        Item(
            f"{note.occurred_on:%d/%m/%Y} — {note.get_kind_display()}",
            [
                ("Date de l'échange", note.occurred_on),
                ("Type d'écrit", note.get_kind_display()),
                ("Auteur", _user(note.author)),
                ("Visible par", note.get_visibility_display()),
                ("Parcours", str(note.pathway) if note.pathway else ""),
                ("Contenu", note.body),
            ],
        )
        for note in notes
    ]


def _appointments(person: Person) -> list[Item]:
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
                ("Avec", _user(a.with_user)),
                ("Participation", a.get_participation_display()),
            ],
        )
        for a in appointments
    ]


def person_export(person: Person, *, actor) -> PersonExport:
    """Everything held about `person`. The caller has checked the right to export and
    journals the export."""
    person = Person.objects.select_related("organisation", "referent", "created_by").get(
        pk=person.pk
    )
    return PersonExport(
        person=person,
        title=person.display_name,
        generated_at=timezone.now(),
        generated_by=_user(actor),
        organisation=person.organisation.name,
        groups=[
            Group("identite", "Identité et contact", [_identity(person)], item_titles=False),
            Group("situation", "Situation", [_situation(person)], item_titles=False),
            Group("consentements", "Consentements (historique complet)", _consents(person)),
            Group(
                "droits", "Demandes d'effacement, de rectification et conservation", _rights(person)
            ),
            Group("evenements", "Éléments clefs de l'histoire", _life_events(person)),
            Group("documents", "Documents (liste)", _documents(person)),
            Group("diagnostics", "Diagnostics", _diagnostics(person)),
            Group("parcours", "Parcours", _pathways(person)),
            Group("ecrits", "Écrits professionnels", _notes(person)),
            Group("rendez_vous", "Rendez-vous", _appointments(person)),
        ],
    )


# --- Output ----------------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def _item_json(item: Item) -> dict[str, Any]:
    data = {label: _json_value(value) for label, value in item.fields}
    for group in item.children:
        data[group.title] = [_item_json(child) for child in group.items]
    return data


def as_json(export: PersonExport) -> dict[str, Any]:
    result: dict[str, Any] = {
        "Export": {
            "Objet": "Droit d'accès aux données personnelles (RGPD, article 15)",
            "Personne": export.title,
            "Structure": export.organisation,
            "Établi le": _json_value(export.generated_at),
            "Établi par": export.generated_by,
        }
    }
    for group in export.groups:
        if group.key in ("identite", "situation"):
            result[group.title] = _item_json(group.items[0])
        else:
            result[group.title] = [_item_json(item) for item in group.items]
    return result


def render_pdf(export: PersonExport) -> bytes:
    """The export as a PDF (WeasyPrint), titled with the person's name in its metadata."""
    return pdf.render_pdf(
        "records/export_pdf.html",
        {"export": export},
        stylesheet=pdf.render_html("records/export_pdf.css", {}),
    )
