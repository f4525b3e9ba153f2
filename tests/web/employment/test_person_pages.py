"""The person's employment pages: project, abilities, ranked positions and the proposal,
placements with checkpoints, mediations and outcome, the person page section — access,
journal and query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.employment.models import (
    Ability,
    Checkpoint,
    EmploymentProject,
    Mediation,
    Placement,
)
from relais.pathways.models import Step
from tests.factories import PersonFactory
from tests.factories.employment import (
    AbilityFactory,
    EmployerFactory,
    EmploymentProjectFactory,
    PlacementFactory,
    PositionFactory,
)
from tests.helpers import count_queries, login_verified, page_text
from tests.pathways.pathway_helpers import make_pathway

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(referent):
    return make_pathway(referent)


@pytest.fixture
def person(pathway):
    return pathway.person


def test_project_then_ranked_positions_with_explanation(referent_client, person, organisation):
    url = reverse("employment:project_edit", args=[person.pk])
    response = referent_client.post(
        url,
        {
            "rome_code": "K2204",
            "mobility": "transit",
            "max_distance_km": 15,
            "max_weekly_hours": 30,
        },
    )
    assert response.status_code == 302
    assert EmploymentProject.objects.get(person=person).rome_code == "K2204"
    PositionFactory(employer__organisation=organisation, appellation="Agent de propreté")
    page = page_text(referent_client.get(reverse("employment:person", args=[person.pk])))
    assert "Agent de propreté" in page
    assert "correspond au projet professionnel" in page
    assert "Manquantes" in page and "km à vol d'oiseau" in page


def test_project_with_bad_values_reports_each(referent_client, person):
    page = page_text(
        referent_client.post(
            reverse("employment:project_edit", args=[person.pk]),
            {"rome_code": "", "mobility": "", "max_distance_km": 900, "max_weekly_hours": 0},
        )
    )
    assert page.count("fr-error-text") >= 4


def test_propose_needs_the_person_agreement_then_adds_a_step(
    referent_client, person, pathway, organisation
):
    EmploymentProjectFactory(person=person)
    position = PositionFactory(employer__organisation=organisation)
    url = reverse("employment:position_propose", args=[person.pk, position.pk])
    page = page_text(referent_client.post(url, {"pathway": pathway.pk}, follow=True))
    assert "accord de la personne" in page
    assert not Step.objects.filter(pathway=pathway, kind="employment").exists()
    referent_client.post(url, {"pathway": pathway.pk, "agreed": "on"})
    step = Step.objects.get(pathway=pathway, kind="employment")
    assert step.title.startswith("Candidature : ")


def test_ability_added_and_evolution_shown(referent_client, person):
    AbilityFactory(person=person, code="pace", level=1, observed_on=dt.date(2026, 9, 1))
    response = referent_client.post(
        reverse("employment:ability_add", args=[person.pk]),
        {
            "code": "pace",
            "level": "3",
            "situation": "simulated",
            "observed_on": "2026-11-01",
            "observer_name": "Formateur atelier",
        },
    )
    assert response.status_code == 302
    assert Ability.objects.filter(person=person).count() == 2
    page = page_text(referent_client.get(reverse("employment:person", args=[person.pk])))
    assert "1 → 3" in page and "Tenir un poste physique dans la durée" in page


def test_placement_with_tutor_checkpoints_mediation_outcome_and_exit(
    referent_client, person, pathway, organisation
):
    employer = EmployerFactory(organisation=organisation)
    start = timezone.localdate() - dt.timedelta(days=10)
    bad = referent_client.post(
        reverse("employment:placement_create", args=[person.pk]),
        {
            "employer": employer.pk,
            "kind": "contract",
            "contract_type": "cdi",
            "job_title": "Agent",
            "starts_on": start.isoformat(),
            "ends_on": (start - dt.timedelta(days=1)).isoformat(),
            "weekly_hours": "24",
            "tutor_name": "",
            "pathway": pathway.pk,
        },
    )
    page = page_text(bad)
    assert "ne peut pas précéder le début" in page
    assert not Placement.objects.exists()
    referent_client.post(
        reverse("employment:placement_create", args=[person.pk]),
        {
            "employer": employer.pk,
            "kind": "contract",
            "contract_type": "cdi",
            "job_title": "Agent",
            "starts_on": start.isoformat(),
            "weekly_hours": "24",
            "tutor_name": "Mme Durand",
            "pathway": pathway.pk,
        },
    )
    placement = Placement.objects.get()
    first = placement.checkpoints.first()
    referent_client.post(
        reverse("employment:checkpoint_record", args=[person.pk, placement.pk, first.pk]),
        {
            f"cp{first.pk}-done_on": timezone.localdate().isoformat(),
            f"cp{first.pk}-notes": "Tout va bien.",
        },
    )
    first.refresh_from_db()
    assert first.done_on == timezone.localdate()
    referent_client.post(
        reverse("employment:mediation_add", args=[person.pk, placement.pk]),
        {
            "happened_on": timezone.localdate().isoformat(),
            "difficulty": "Retards",
            "tutor_words": "Trois retards",
            "agreement": "Horaires décalés",
        },
    )
    assert Mediation.objects.get().agreement == "Horaires décalés"
    referent_client.post(
        reverse("employment:placement_end", args=[person.pk, placement.pk]),
        {
            "outcome": "sustainable",
            "outcome_on": timezone.localdate().isoformat(),
            "version": placement.version,
        },
    )
    page = page_text(
        referent_client.get(reverse("employment:placement", args=[person.pk, placement.pk]))
    )
    assert "Sortie proposée : Sortie dynamique — emploi durable" in page
    exit_page = referent_client.get(
        reverse("pathways:exit", args=[person.pk, pathway.pk]),
        {"categorie": "sustainable_employment"},
    )
    checked = re.search(
        r'<input[^>]*value="sustainable_employment"[^>]*>', exit_page.content.decode()
    )
    assert checked and "checked" in checked.group(0)


def test_immersion_convention_pdf(referent_client, person, organisation):
    placement = PlacementFactory(
        person=person,
        kind="immersion",
        contract_type="",
        ends_on=timezone.localdate(),
        starts_on=timezone.localdate() - dt.timedelta(days=5),
    )
    response = referent_client.get(
        reverse("employment:convention_pdf", args=[person.pk, placement.pk])
    )
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(
        action="export", target_type="employment.placement"
    ).exists()


def test_other_organisation_person_is_404(referent_client, other_organisation):
    stranger = PersonFactory(organisation=other_organisation)
    assert referent_client.get(reverse("employment:person", args=[stranger.pk])).status_code == 404


def test_staff_has_no_access_to_the_employment_record(client, staff_member, person):
    login_verified(client, staff_member)
    assert client.get(reverse("employment:person", args=[person.pk])).status_code == 403


def test_position_matches_journal_the_persons_and_count_queries(referent_client, organisation):
    position = PositionFactory(employer__organisation=organisation)
    url = reverse("employment:position_matches", args=[position.pk])

    def add(n):
        for _ in range(n):
            person = PersonFactory(organisation=organisation)
            EmploymentProjectFactory(person=person)
            AbilityFactory(person=person)

    add(2)
    small = count_queries(lambda: referent_client.get(url))
    add(15)
    assert count_queries(lambda: referent_client.get(url)) == small
    page = page_text(referent_client.get(url))
    assert page.count('data-testid="match"') == 17
    assert AccessLogEntry.objects.filter(action="list", target_type="employment.position").exists()


def test_person_employment_page_query_count(referent_client, person, organisation):
    EmploymentProjectFactory(person=person)
    url = reverse("employment:person", args=[person.pk])

    def add(n):
        for i in range(n):
            AbilityFactory(person=person, code=["pace", "loads", "hygiene"][i % 3])
            PositionFactory(employer__organisation=organisation)
            PlacementFactory(person=person)

    add(1)
    small = count_queries(lambda: referent_client.get(url))
    add(12)
    assert count_queries(lambda: referent_client.get(url)) == small


def test_placement_page_query_count(referent_client, person):
    placement = PlacementFactory(person=person)
    url = reverse("employment:placement", args=[person.pk, placement.pk])
    small = count_queries(lambda: referent_client.get(url))
    for n in range(8):
        Mediation.objects.create(
            placement=placement, happened_on=timezone.localdate(), difficulty=f"D{n}"
        )
    assert count_queries(lambda: referent_client.get(url)) == small


def test_section_on_the_person_page(referent_client, person):
    EmploymentProjectFactory(person=person)
    response = referent_client.get(reverse("people:section", args=[person.pk, "emploi"]))
    page = page_text(response)
    assert "K2204" in page and "Projet, habiletés, postes et mises en emploi" in page


def _ongoing_placement(person):
    start = timezone.localdate() - dt.timedelta(days=10)
    placement = PlacementFactory(person=person, starts_on=start, ends_on=None)
    Checkpoint.objects.create(
        placement=placement, label="une semaine", due_on=start + dt.timedelta(days=7)
    )
    return placement


@pytest.mark.parametrize(
    ("days", "message"),
    [(3, "ne peut pas être daté dans le futur"), (-30, "ne peut pas précéder le début")],
)
def test_refused_checkpoint_keeps_what_was_typed(referent_client, person, days, message):
    placement = _ongoing_placement(person)
    first = placement.checkpoints.first()
    day = timezone.localdate() + dt.timedelta(days=days)
    response = referent_client.post(
        reverse("employment:checkpoint_record", args=[person.pk, placement.pk, first.pk]),
        {
            f"cp{first.pk}-done_on": day.isoformat(),
            f"cp{first.pk}-notes": "Échange avec la tutrice",
        },
    )
    assert response.status_code == 200  # the page again, not a redirect that drops the input
    page = page_text(response)
    assert 'data-testid="error-summary"' in page and message in page
    assert "Échange avec la tutrice" in page and day.isoformat() in page
    assert f'href="#id_cp{first.pk}-done_on"' in page
    first.refresh_from_db()
    assert first.done_on is None


def test_checkpoint_with_a_missing_field_keeps_the_other(referent_client, person):
    placement = _ongoing_placement(person)
    first = placement.checkpoints.first()
    response = referent_client.post(
        reverse("employment:checkpoint_record", args=[person.pk, placement.pk, first.pk]),
        {f"cp{first.pk}-done_on": "", f"cp{first.pk}-notes": "Notes gardées"},
    )
    page = page_text(response)
    assert response.status_code == 200 and 'data-testid="error-summary"' in page
    assert "Notes gardées" in page


def test_stale_outcome_keeps_the_choice_with_the_current_version(referent_client, person):
    placement = _ongoing_placement(person)
    stale_version = placement.version
    Placement.objects.filter(pk=placement.pk).update(version=stale_version + 1)
    url = reverse("employment:placement_end", args=[person.pk, placement.pk])
    outcome_on = timezone.localdate().isoformat()
    response = referent_client.post(
        url, {"outcome": "sustainable", "outcome_on": outcome_on, "version": stale_version}
    )
    assert response.status_code == 200
    page = page_text(response)
    assert 'data-testid="error-summary"' in page
    assert re.search(r'<option value="sustainable"[^>]*selected', page)
    assert outcome_on in page
    assert f'name="version" value="{stale_version + 1}"' in page
    placement.refresh_from_db()
    assert placement.outcome == ""
    # Saving again, after checking the page, goes through.
    again = referent_client.post(
        url, {"outcome": "sustainable", "outcome_on": outcome_on, "version": stale_version + 1}
    )
    assert again.status_code == 302
    placement.refresh_from_db()
    assert placement.outcome == "sustainable"


def test_outcome_before_the_start_is_shown_on_the_form(referent_client, person):
    placement = _ongoing_placement(person)
    before = (placement.starts_on - dt.timedelta(days=1)).isoformat()
    response = referent_client.post(
        reverse("employment:placement_end", args=[person.pk, placement.pk]),
        {"outcome": "sustainable", "outcome_on": before, "version": placement.version},
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "L'issue ne peut pas précéder le début." in page and before in page


def test_outcome_on_a_placement_ended_meanwhile_says_so(referent_client, person):
    placement = _ongoing_placement(person)
    Placement.objects.filter(pk=placement.pk).update(status="ended", outcome="sustainable")
    response = referent_client.post(
        reverse("employment:placement_end", args=[person.pk, placement.pk]),
        {
            "outcome": "broken",
            "outcome_on": timezone.localdate().isoformat(),
            "version": placement.version,
        },
    )
    assert response.status_code == 200
    assert "déjà terminée" in page_text(response)


def test_checkpoint_noted_meanwhile_is_refused_and_the_entry_shown(referent_client, person):
    placement = _ongoing_placement(person)
    first = placement.checkpoints.first()
    Checkpoint.objects.filter(pk=first.pk).update(
        done_on=timezone.localdate(), notes="Noté par une collègue"
    )
    response = referent_client.post(
        reverse("employment:checkpoint_record", args=[person.pk, placement.pk, first.pk]),
        {
            f"cp{first.pk}-done_on": timezone.localdate().isoformat(),
            f"cp{first.pk}-notes": "Ma version",
        },
    )
    page = page_text(response)
    assert response.status_code == 200 and "déjà été noté" in page
    first.refresh_from_db()
    assert first.notes == "Noté par une collègue"
