"""The employment part of the right-of-access export: the person's employment project, the
abilities observed (each observation, with its situation and observer), and the placements
with their tutor, checkpoints and mediations."""

from __future__ import annotations

from django.db.models import Prefetch

from relais.employment.models import Ability, Checkpoint, EmploymentProject, Mediation, Placement
from relais.employment.references import rome_label
from relais.employment.vocabulary import ability_label, competence_label
from relais.people.models import Person
from relais.records.export.structure import Group, Item


def project(person: Person) -> list[Item]:
    found = EmploymentProject.objects.filter(person=person).first()
    if found is None:
        return []
    return [
        Item(
            "Projet professionnel",
            [
                ("Métier visé", f"{found.rome_code} — {rome_label(found.rome_code)}"),
                (
                    "Autre métier visé",
                    found.rome_code_2 and f"{found.rome_code_2} — {rome_label(found.rome_code_2)}",
                ),
                ("Moyen de déplacement", found.get_mobility_display()),
                ("Distance maximale (km)", found.max_distance_km),
                ("Heures par semaine au plus", found.max_weekly_hours),
            ],
        )
    ]


def abilities(person: Person) -> list[Item]:
    return [
        Item(
            f"{a.observed_on:%d/%m/%Y} — {ability_label(a.code)}",
            [
                ("Niveau", a.level),
                ("Compétence", competence_label(a.competence)),
                ("Situation", a.get_situation_display()),
                ("Précisions", a.situation_detail),
                ("Observée par", a.observer_name),
                ("Éléments de preuve", a.evidence),
            ],
        )
        for a in Ability.objects.filter(person=person).order_by("observed_on", "pk")
    ]


def placements(person: Person) -> list[Item]:
    rows = (
        Placement.objects.filter(person=person)
        .select_related("employer")
        .prefetch_related(
            Prefetch("checkpoints", queryset=Checkpoint.objects.order_by("due_on")),
            Prefetch("mediations", queryset=Mediation.objects.order_by("happened_on")),
        )
        .order_by("starts_on", "pk")
    )
    items = []
    for p in rows:
        checkpoints = [
            Item(
                f"Point de suivi « {c.label} »",
                [("Prévu le", c.due_on), ("Réalisé le", c.done_on), ("Ce qui a été dit", c.notes)],
            )
            for c in p.checkpoints.all()
        ]
        mediations = [
            Item(
                f"Médiation du {m.happened_on:%d/%m/%Y}",
                [
                    ("Difficulté", m.difficulty),
                    ("Ce qu'a dit l'employeur", m.employer_words),
                    ("Ce qu'a dit la personne", m.person_words),
                    ("Ce qu'a dit le tuteur", m.tutor_words),
                    ("Accord trouvé", m.agreement),
                ],
            )
            for m in p.mediations.all()
        ]
        items.append(
            Item(
                f"{p.job_title} chez {p.employer.name}",
                [
                    ("Type", p.get_kind_display()),
                    ("Contrat", p.get_contract_type_display() if p.contract_type else ""),
                    ("Début", p.starts_on),
                    ("Fin", p.ends_on),
                    ("Heures par semaine", str(p.weekly_hours)),
                    ("Tuteur ou tutrice", p.tutor_name),
                    ("Issue", p.get_outcome_display() if p.outcome else ""),
                ],
                children=[
                    Group("points", "Points de suivi", checkpoints),
                    Group("mediations", "Médiations", mediations),
                ],
            )
        )
    return items
