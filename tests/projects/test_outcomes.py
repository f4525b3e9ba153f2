"""Participants' outcomes as shown to partners and funders: no count of 1 to 4 can be read,
nor found again from the figures shown beside it (the total, the other situations, those
who came)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from relais.pathways.models import Pathway
from relais.projects.selectors import participant_outcomes
from tests.factories.pathways import ExitFactory
from tests.factories.projects import (
    AttendanceFactory,
    EnrolmentFactory,
    ProjectFactory,
    SessionFactory,
    WorkshopFactory,
)
from tests.helpers import page_text

pytestmark = pytest.mark.django_db


def _project(organisation, *, active: int, exits: dict[str, int], present: int):
    """A project whose workshop has `active` persons still accompanied and, for each exit
    category, that many persons whose pathway closed; the first `present` came once."""
    project = ProjectFactory(organisation=organisation)
    workshop = WorkshopFactory(organisation=organisation, project=project)
    session = SessionFactory(workshop=workshop, past=True, capacity=100)
    enrolments = EnrolmentFactory.create_batch(active + sum(exits.values()), workshop=workshop)
    rest = iter(enrolments[active:])
    for category, n in exits.items():
        for _ in range(n):
            pathway = Pathway.objects.get(person=next(rest).person)
            pathway.status, pathway.next_review_on = "closed", None
            pathway.save()
            ExitFactory(pathway=pathway, category=category)
    for enrolment in enrolments[:present]:
        AttendanceFactory(session=session, enrolment=enrolment)
    return project


def _revealed(lines: list[tuple[list, object]]) -> set[int]:
    """Indices of the unknowns (hidden figures) that the shown ones determine exactly. Each
    line is (cells, total) where an entry is an int when shown and an index when hidden;
    the same index in two lines is the same figure. A line with a single unknown gives it
    away; found values are used in turn, until nothing more is found."""
    known: dict[int, int] = {}
    changed = True
    while changed:
        changed = False
        for cells, total in lines:
            entries = [*cells, total]
            unknown = [e for e in entries if isinstance(e, str) and e not in known]
            if len(unknown) != 1:
                continue

            def value(e):
                return known[e] if isinstance(e, str) else e

            target = unknown[0]
            if target == total:
                known[target] = sum(value(c) for c in cells)
            else:
                known[target] = value(total) - sum(value(c) for c in cells if c != target)
            changed = True
    return set(known)


def _lines(outcomes) -> list[tuple[list, object]]:
    def entry(figure, name):
        return name if figure.suppressed else figure.value

    total = entry(outcomes.participants, "participants")
    situations = [entry(r.figure, f"row-{i}") for i, r in enumerate(outcomes.rows)]
    # Those who never came are the participants minus those who came, shown or not.
    never = getattr(outcomes, "never_attended", None)
    came = [
        entry(outcomes.attended, "attended"),
        "never" if never is None else entry(never, "never"),
    ]
    return [(situations, total), (came, total)]


@pytest.mark.parametrize(
    ("active", "exits", "present"),
    [
        (9, {"sustainable_employment": 3}, 12),  # one small situation beside the total
        (10, {"lost_contact": 6}, 14),  # 2 never came: attended + total would give it
        (7, {"moved": 2, "health": 1}, 5),  # two small situations, 5 never came
        (3, {}, 3),  # all small: the total too
        (8, {"positive": 5}, 13),  # nothing small: everything shown
    ],
)
def test_no_combination_of_shown_figures_reveals_a_count_under_5(
    organisation, active, exits, present
):
    project = _project(organisation, active=active, exits=exits, present=present)
    outcomes = participant_outcomes(project)
    lines = _lines(outcomes)
    revealed = _revealed(lines)
    assert not revealed, f"recomputable from the figures shown: {revealed}"
    # What is shown is right, and a count under 5 is never shown.
    participants = active + sum(exits.values())
    if not outcomes.participants.suppressed:
        assert outcomes.participants.value == participants
    shown = [outcomes.participants, outcomes.attended, outcomes.never_attended]
    shown += [r.figure for r in outcomes.rows]
    assert all(f.suppressed or f.value == 0 or f.value >= 5 for f in shown)
    small = any(0 < n < 5 for n in (active, *exits.values(), participants - present))
    assert outcomes.any_suppressed == small


def test_nothing_hidden_when_every_count_is_large(organisation):
    project = _project(organisation, active=8, exits={"positive": 5}, present=13)
    outcomes = participant_outcomes(project)
    assert outcomes.participants.value == 13 and outcomes.attended.value == 13
    assert outcomes.never_attended.value == 0
    assert [(r.label, r.figure.value) for r in outcomes.rows] == [
        ("Toujours accompagnées", 8),
        ("Sortie dynamique — sortie positive (formation qualifiante…)", 5),
    ]


def test_a_person_without_pathway_is_a_situation_so_rows_add_up(organisation):
    project = _project(organisation, active=6, exits={}, present=6)
    enrolment = EnrolmentFactory(workshop=project.workshops.get())
    Pathway.objects.filter(person=enrolment.person).delete()
    outcomes = participant_outcomes(project)
    labels = [r.label for r in outcomes.rows]
    assert "Sans parcours connu" in labels
    assert not _revealed(_lines(outcomes))


def test_evaluation_page_hides_what_subtraction_would_give(referent_client, organisation):
    project = _project(organisation, active=9, exits={"sustainable_employment": 3}, present=12)
    response = referent_client.get(reverse("projects:evaluation", args=[project.pk]))
    text = page_text(response)
    assert response.status_code == 200
    assert "retrouver par soustraction" in text
    # 12 participants are shown; 9 still accompanied cannot be, or 12 − 9 gives the 3.
    cells = dict(re.findall(r'<th scope="row">([^<]+)</th><td>(.*?)</td>', text))
    assert cells["Toujours accompagnées"] == "s"
    assert '"participants-count">12<' in text
