"""The contract as printed (#9, defect 8): a done step prints its done date, « née » / « né »
follows the recorded sex, and the two signature lines are at the same height."""

from __future__ import annotations

import pytest

from relais.pathways import contract as contract_terms
from relais.pathways.contract import contract_generate
from tests.factories import GoalFactory, PersonFactory, StepFactory
from tests.pathways.pathway_helpers import days, make_pathway

pytestmark = pytest.mark.django_db


def generate(pathway, actor):
    return contract_generate(
        pathway=pathway,
        actor=actor,
        commitments_person="Venir.",
        commitments_organisation="Accompagner.",
    )


def test_a_done_step_prints_its_done_date(referent):
    pathway = make_pathway(referent)
    goal = GoalFactory(pathway=pathway)
    StepFactory(
        pathway=pathway,
        goal=goal,
        title="Inscription au code",
        planned_on=None,
        status="done",
        done_on=days(-3),
    )
    StepFactory(pathway=pathway, goal=goal, title="Examen", planned_on=None)
    html = contract_terms.render_html(generate(pathway, referent))
    assert f"réalisée le {days(-3):%d/%m/%Y}" in html
    assert html.count("à définir") == 1  # the step still to do only


@pytest.mark.parametrize(("sex", "expected"), [("F", "née le"), ("M", "né le"), ("", "né·e le")])
def test_born_follows_the_recorded_sex(referent, sex, expected):
    person = PersonFactory(organisation=referent.memberships.get().organisation, sex=sex)
    pathway = make_pathway(referent, person=person)
    GoalFactory(pathway=pathway)
    html = contract_terms.render_html(generate(pathway, referent))
    assert f", {expected} {person.birth_date:%d/%m/%Y}" in html
    assert "née ou né" not in html


def test_signature_lines_are_at_the_same_height(referent, organisation):
    from weasyprint import HTML
    from weasyprint.formatting_structure.boxes import BlockBox

    organisation.name = "Centre communal d'action sociale de Villeurbanne, antenne Gratte-Ciel"
    organisation.save()
    referent.first_name, referent.last_name = "Marie-Françoise", "de La Tour d'Auvergne"
    referent.save()
    pathway = make_pathway(referent)
    GoalFactory(pathway=pathway)
    document = HTML(string=contract_terms.render_html(generate(pathway, referent))).render()

    def boxes(box):
        yield box
        for child in getattr(box, "children", []):
            yield from boxes(child)

    lines = [
        (index, round(box.position_y, 1))
        for index, page in enumerate(document.pages)
        for box in boxes(page._page_box)
        if isinstance(box, BlockBox)
        and box.element_tag == "p"
        and "line" in (box.element.get("class") or "").split()
        and box.style["display"] != "none"
    ]
    assert len(lines) == 2
    assert len(set(lines)) == 1, lines
