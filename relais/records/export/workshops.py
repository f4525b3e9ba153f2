"""The person's workshops in the right-of-access export: each enrolment (with the date of
their agreement and their own evaluation) and their attendance at each session."""

from __future__ import annotations

from django.utils import timezone

from relais.people.models import Person
from relais.projects.models import Enrolment
from relais.records.export.structure import Group, Item, user_name


def enrolments(person: Person) -> list[Item]:
    found = (
        Enrolment.objects.filter(person=person)
        .select_related("workshop", "enrolled_by")
        .prefetch_related("attendances__session")
        .order_by("created_at", "id")
    )
    items = []
    for e in found:
        sessions = [
            Item(
                f"Séance du {timezone.localtime(a.session.starts_at):%d/%m/%Y à %H:%M}",
                [("Lieu", a.session.place), ("Présence", a.get_status_display())],
            )
            for a in sorted(e.attendances.all(), key=lambda a: a.session.starts_at)
        ]
        items.append(
            Item(
                f"Atelier « {e.workshop.title} »",
                [
                    ("Atelier", e.workshop.title),
                    ("Accord de la personne le", e.consent_on),
                    ("Inscription par", user_name(e.enrolled_by)),
                    ("Appréciation (sur 5)", e.rating),
                    ("Évaluation du participant", e.evaluation),
                ],
                children=[Group(f"atelier-{e.pk}-seances", "Présences", sessions)]
                if sessions
                else [],
            )
        )
    return items
