"""The person's space in the right-of-access export: who opened it and when, its sign-ins
and closing, the messages exchanged with the référent (correction requests and comments
before a review included), the contracts the person co-signed there, and the documents
asked of them. A fixed number of queries whatever the number of rows.

`records` may not import this module (layers go one way): it is registered with the export
at start-up (`register`), as the space's timeline reader is."""

from __future__ import annotations

from django.db.models import Prefetch

from relais.people.models import Person
from relais.person_space.models import (
    Cosignature,
    DocumentRequest,
    Message,
    MessageAuthor,
    MessageTopic,
    SpaceAccess,
    SpaceSession,
)
from relais.records.export.structure import Group, Item, user_name


def _accesses(person: Person) -> list[Item]:
    rows = (
        SpaceAccess.objects.filter(person=person)
        .select_related("invited_by", "revoked_by")
        .prefetch_related(
            Prefetch("sessions", queryset=SpaceSession.objects.order_by("created_at", "pk"))
        )
        .order_by("created_at", "pk")
    )
    return [
        Item(
            f"Accès ouvert le {a.created_at:%d/%m/%Y} ({a.get_channel_display()})",
            [
                ("Moyen de connexion", a.get_channel_display()),
                ("Adresse ou numéro", a.contact),
                ("Ouvert par", user_name(a.invited_by)),
                ("Ouvert le", a.created_at),
                ("Dernière utilisation", a.last_used_at),
                ("Codes erronés à la suite", a.failed_attempts),
                ("Bloqué le", a.locked_at),
                ("Fermé le", a.revoked_at),
                ("Fermé par", user_name(a.revoked_by)),
            ],
            [
                Group(
                    "connexions",
                    "Connexions",
                    [
                        Item(
                            f"Connexion du {s.created_at:%d/%m/%Y}",
                            [
                                ("Ouverte le", s.created_at),
                                ("Par", s.get_method_display()),
                                ("Valable jusqu'au", s.expires_at),
                                ("Fermée le", s.ended_at),
                            ],
                        )
                        for s in a.sessions.all()
                    ],
                )
            ],
        )
        for a in rows
    ]


def _message_item(m: Message) -> Item:
    author = "Vous" if m.author_kind == MessageAuthor.PERSON else user_name(m.author_user)
    return Item(
        f"{m.get_topic_display()} du {m.created_at:%d/%m/%Y}",
        [
            ("Écrit le", m.created_at),
            ("De", author),
            ("Objet", m.get_topic_display()),
            ("Texte", m.body),
            ("Lu le", m.read_at),
        ],
    )


def _cosignatures(person: Person) -> list[Item]:
    rows = (
        Cosignature.objects.filter(contract__pathway__person=person)
        .select_related("contract")
        .order_by("signed_at", "pk")
    )
    return [
        Item(
            f"Contrat d'engagement, version {c.contract.number}, signé le {c.signed_at:%d/%m/%Y}",
            [
                ("Version du contrat", c.contract.number),
                ("Signé le", c.signed_at),
                ("Code de signature reçu par", c.get_method_display()),
                ("Empreinte du texte signé (SHA-256)", c.content_hash),
            ],
        )
        for c in rows
    ]


def _document_requests(person: Person) -> list[Item]:
    rows = (
        DocumentRequest.objects.filter(person=person)
        .select_related("requested_by", "document")
        .order_by("created_at", "pk")
    )
    return [
        Item(
            r.title,
            [
                ("Document demandé", r.title),
                ("Demandé par", user_name(r.requested_by)),
                ("Demandé le", r.created_at),
                ("À déposer avant le", r.due_on),
                ("Statut", r.get_status_display()),
                ("Statut changé le", r.status_changed_at),
                ("Document déposé", r.document.title if r.document else ""),
            ],
        )
        for r in rows
    ]


def space(person: Person) -> list[Item]:
    """One item per part of the space, each with its rows as children."""
    messages = list(
        Message.objects.filter(person=person)
        .select_related("author_user")
        .order_by("created_at", "pk")
    )
    by_topic: dict[str, list[Item]] = {topic: [] for topic in MessageTopic.values}
    for m in messages:
        by_topic[m.topic].append(_message_item(m))
    parts = [
        ("acces", "Accès à l'espace personnel", _accesses(person)),
        ("messages", "Messages avec le ou la référent·e", by_topic[MessageTopic.MESSAGE]),
        ("corrections", "Demandes de correction", by_topic[MessageTopic.CORRECTION]),
        ("avis", "Avis donnés avant un bilan", by_topic[MessageTopic.REVIEW]),
        ("cosignatures", "Contrats signés en ligne", _cosignatures(person)),
        ("documents_demandes", "Documents demandés", _document_requests(person)),
    ]
    return [
        Item(title, [("Nombre", len(items))], [Group(key, title, items)])
        for key, title, items in parts
    ]


def register() -> None:
    from relais.records.export import register_group

    register_group("espace_personnel", "Espace personnel", space, after="ateliers")
