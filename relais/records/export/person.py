"""The person's own file: identity, situation, consents, key life events, documents."""

from __future__ import annotations

from relais.accounts.models import OrganisationKind
from relais.core.communes import get_commune
from relais.people.models import Consent, ConsentStatus, Document, LifeEvent, Person, Resource
from relais.records.export.structure import Item, label_of, user_name
from relais.records.models import RetentionHold, RightsRequest


def identity(person: Person) -> Item:
    commune = get_commune(person.commune_code) if person.commune_code else None
    return Item(
        "Identité et contact",
        [
            ("Numéro de dossier", person.pk),
            ("Nom de naissance", person.birth_name),
            ("Nom d'usage", person.usage_name),
            ("Prénom(s)", person.first_names),
            ("Date de naissance", person.birth_date),
            ("Sexe", label_of(person, "sex")),
            ("Téléphone", person.phone),
            ("Adresse e-mail", person.email),
            ("Adresse postale", person.address),
            ("Code postal", person.postal_code),
            (
                "Commune",
                f"{commune.name} ({person.commune_code})" if commune else person.commune_code,
            ),
            ("Identifiant France Travail", person.france_travail_id),
            ("Structure qui tient le dossier", person.organisation.name),
            ("Référent de parcours", user_name(person.referent)),
            ("Dossier créé le", person.created_at),
            ("Dossier créé par", user_name(person.created_by)),
            ("Dernière modification le", person.updated_at),
            ("Archivé le", person.archived_at),
        ],
    )


def situation(person: Person) -> Item:
    resources = dict(Resource.choices)
    return Item(
        "Situation",
        [
            ("Situation familiale", label_of(person, "household")),
            ("Nombre d'enfants", len(person.children_ages or [])),
            ("Âge des enfants", [f"{a} an{'s' if a > 1 else ''}" for a in person.children_ages]),
            ("Ressources", [str(resources.get(r, r)) for r in person.resources or []]),
            ("Niveau de diplôme", label_of(person, "education_level")),
            ("Langues parlées", person.languages),
            ("Niveau de français", label_of(person, "french_level")),
            ("Permis de conduire", label_of(person, "driving_licence")),
            ("Dispose d'un véhicule", person.has_vehicle),
            ("RQTH", person.rqth),
            ("Situation administrative", label_of(person, "administrative_status")),
        ],
    )


def consents(person: Person) -> list[Item]:
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
                    ("Enregistré par", user_name(consent.recorded_by)),
                    (
                        "Remplacé par la décision du",
                        later.decided_on if later else "",
                    ),
                    ("En vigueur", later is None and consent.status == ConsentStatus.GIVEN),
                ],
            )
        )
    return items


def life_events(person: Person) -> list[Item]:
    events = LifeEvent.objects.filter(person=person).select_related("recorded_by")
    return [
        Item(
            f"{event.occurred_on:%d/%m/%Y} — {event.get_kind_display()}",
            [
                ("Événement", event.get_kind_display()),
                ("Date", event.occurred_on),
                ("Rupture dans le parcours", event.is_rupture),
                ("Ce qui s'est passé", event.description),
                ("Saisi par", user_name(event.recorded_by)),
                ("Saisi le", event.created_at),
            ],
        )
        for event in events
    ]


def documents(person: Person) -> list[Item]:
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
                ("Déposé par", user_name(document.uploaded_by)),
                ("Déposé le", document.created_at),
            ],
        )
        for document in documents
    ]


def rights(person: Person) -> list[Item]:
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
