"""Right of access (RGPD art. 15): everything the organisation holds about a person, as a
structure that renders to JSON and to PDF.

Everything means everything recorded in the person's file: identity, situation, consents
(superseded ones included), key life events, the list of documents (their metadata — the
files themselves are given separately on request), diagnostics with their domain
assessments, pathways with goals, steps, contracts, reviews and exit, professional notes —
including those visible to their author only: the person's right of access covers them —
and appointments; the employment project, abilities observed and placements (with
checkpoints and mediations); workshops attended (enrolment, consent, attendance,
evaluation); the person's space (its accesses, sign-ins and closing, the messages,
correction requests and comments before a review, online co-signatures and the documents
asked of the person); and what went to other organisations (art. 15 asks for the recipients):
the referrals sent to partners (what was shared, with whom, when, their status history), the
professionals of other organisations in the person's coordination team (what they see), and
the case conferences about the person with their minutes and decisions. The access journal
is not included.

One module per part: `structure` (items and groups), `person` (the person's own file),
`accompaniment`, `employment`, `workshops`, `partners` (what left the organisation), `output`
(JSON and PDF). A module above `records` (the person's space, `relais.person_space.export`)
adds its own group at start-up with `register_group`.

Labels are French (the reader is the person); in JSON, dates are ISO 8601 and coded
values are given by their label."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from relais.people.models import Person
from relais.records.export import accompaniment, employment, partners, workshops
from relais.records.export import person as own_file
from relais.records.export.output import as_json, render_pdf
from relais.records.export.structure import Group, Item, PersonExport, display, user_name

__all__ = [
    "Group",
    "Item",
    "PersonExport",
    "as_json",
    "display",
    "person_export",
    "register_group",
    "render_pdf",
]

# Groups of modules above `records`: key → (title, reader, key of the group it follows).
_EXTRA_GROUPS: dict[str, tuple[str, Callable[[Person], list[Item]], str]] = {}


def register_group(
    key: str, title: str, reader: Callable[[Person], list[Item]], *, after: str
) -> None:
    """A module above `records` (the person's space) adds its group at start-up: records
    may not import it (layers go one way)."""
    _EXTRA_GROUPS[key] = (title, reader, after)


def _with_extra_groups(person: Person, groups: list[Group]) -> list[Group]:
    for key, (title, reader, after) in _EXTRA_GROUPS.items():
        position = next((i + 1 for i, g in enumerate(groups) if g.key == after), len(groups))
        groups.insert(position, Group(key, title, reader(person)))
    return groups


def person_export(
    person: Person, *, actor, for_the_person: bool = False, from_the_space: bool = False
) -> PersonExport:
    """What is held about `person`. `for_the_person`: the copy given to the person (right
    of access, art. 15 RGPD) — everything, other professionals' « Moi seul·e » notes
    included; otherwise a professional's copy, without the notes they may not read.
    `from_the_space`: the copy the person downloads from their own space, whose notes are
    only those written for them (decision 0065; the full copy is given on request). The
    caller has checked the right to export (`relais.records.policies`) and journals it."""
    person = Person.objects.select_related("organisation", "referent", "created_by").get(
        pk=person.pk
    )
    return PersonExport(
        person=person,
        title=person.display_name,
        generated_at=timezone.now(),
        generated_by=user_name(actor),
        organisation=person.organisation.name,
        groups=_with_extra_groups(
            person,
            [
                Group(
                    "identite",
                    "Identité et contact",
                    [own_file.identity(person)],
                    item_titles=False,
                ),
                Group("situation", "Situation", [own_file.situation(person)], item_titles=False),
                Group(
                    "consentements", "Consentements (historique complet)", own_file.consents(person)
                ),
                Group(
                    "droits",
                    "Demandes d'effacement, de rectification et conservation",
                    own_file.rights(person),
                ),
                Group("evenements", "Éléments clefs de l'histoire", own_file.life_events(person)),
                Group("documents", "Documents (liste)", own_file.documents(person)),
                Group("diagnostics", "Diagnostics", accompaniment.diagnostics(person)),
                Group("parcours", "Parcours", accompaniment.pathways(person)),
                Group(
                    "ecrits",
                    "Écrits pour vous" if from_the_space else "Écrits professionnels",
                    accompaniment.notes(
                        person,
                        reader=None if for_the_person or from_the_space else actor,
                        written_for_the_person=from_the_space,
                    ),
                ),
                Group("rendez_vous", "Rendez-vous", accompaniment.appointments(person)),
                Group("projet_professionnel", "Projet professionnel", employment.project(person)),
                Group("habiletes", "Habiletés observées", employment.abilities(person)),
                Group("mises_en_emploi", "Mises en emploi", employment.placements(person)),
                Group(
                    "ateliers", "Ateliers et séquences de formation", workshops.enrolments(person)
                ),
                Group(
                    "orientations",
                    "Orientations vers des partenaires",
                    partners.referrals(person),
                ),
                Group("equipe", "Équipe de coordination", partners.team_members(person)),
                Group("syntheses", "Réunions de synthèse", partners.case_conferences(person)),
                Group(
                    "syntheses_transmises",
                    "Synthèses transmises à une commission ou un prescripteur",
                    partners.synthesis_reports(person),
                ),
            ],
        ),
    )
