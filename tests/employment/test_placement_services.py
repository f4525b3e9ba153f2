"""Placements, checkpoints, mediations, abilities, the project and the APST."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.employment import abilities, analysis, placements
from relais.employment.models import Checkpoint, Placement
from tests.factories import MembershipFactory, PathwayFactory, PersonFactory, StepFactory
from tests.factories.employment import EmployerFactory, PlacementFactory, PositionFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 2)


@pytest.fixture
def membership(organisation):
    return MembershipFactory(organisation=organisation, role="referent")


@pytest.fixture
def person(organisation):
    return PersonFactory(organisation=organisation)


def _create(membership, person, **overrides):
    values = {
        "employer": EmployerFactory(organisation=membership.organisation),
        "kind": "contract",
        "contract_type": "cdi",
        "job_title": "Agent de propreté",
        "starts_on": TODAY,
        "weekly_hours": "24",
        "tutor_name": "Mme Durand",
        **overrides,
    }
    return placements.placement_create(
        membership=membership, actor=membership.user, person=person, **values
    )


def test_contract_gets_the_four_checkpoints(membership, person):
    placement = _create(membership, person)
    due = list(placement.checkpoints.values_list("label", "due_on"))
    assert due == [
        ("1 semaine", dt.date(2026, 11, 9)),
        ("1 mois", dt.date(2026, 12, 2)),
        ("3 mois", dt.date(2027, 2, 2)),
        ("6 mois", dt.date(2027, 5, 2)),
    ]


def test_short_contract_keeps_only_the_checkpoints_before_its_end(membership, person):
    placement = _create(membership, person, contract_type="cdd", ends_on=dt.date(2026, 12, 31))
    assert list(placement.checkpoints.values_list("label", flat=True)) == ["1 semaine", "1 mois"]


def test_immersion_lasts_one_month_at_most(membership, person):
    placement = _create(
        membership,
        person,
        kind="immersion",
        contract_type="cdi",
        ends_on=TODAY + dt.timedelta(days=13),
    )
    assert placement.contract_type == ""
    assert placement.checkpoints.count() == 2
    with pytest.raises(DomainError, match="un mois au plus"):
        _create(membership, person, kind="immersion", ends_on=TODAY + dt.timedelta(days=40))
    with pytest.raises(DomainError, match="date de fin"):
        _create(membership, person, kind="immersion")


def test_placement_ending_before_it_starts_is_refused_and_nothing_is_written(membership, person):
    with pytest.raises(DomainError) as caught:
        _create(membership, person, ends_on=TODAY - dt.timedelta(days=1))
    assert caught.value.field == "ends_on"
    assert "ne peut pas précéder" in caught.value.message
    assert not Placement.objects.exists() and not Checkpoint.objects.exists()


def test_placement_needs_a_named_tutor_and_a_known_contract(membership, person):
    with pytest.raises(DomainError, match="tuteur"):
        _create(membership, person, tutor_name="  ")
    with pytest.raises(DomainError, match="type de contrat"):
        _create(membership, person, contract_type="")


def test_placement_for_an_employer_of_another_organisation_is_refused(
    membership, person, other_organisation
):
    with pytest.raises(DomainError, match="employeur de votre structure"):
        _create(membership, person, employer=EmployerFactory(organisation=other_organisation))


def test_person_of_another_organisation_is_out_of_reach(membership, other_organisation):
    with pytest.raises(PermissionDenied):
        _create(membership, PersonFactory(organisation=other_organisation))


def test_checkpoint_and_mediation(membership, person):
    placement = _create(membership, person, starts_on=timezone.localdate() - dt.timedelta(days=8))
    first = placement.checkpoints.first()
    with pytest.raises(DomainError, match="Notez"):
        placements.checkpoint_record(
            membership=membership,
            actor=membership.user,
            checkpoint=first,
            done_on=timezone.localdate(),
            notes=" ",
        )
    placements.checkpoint_record(
        membership=membership,
        actor=membership.user,
        checkpoint=first,
        done_on=timezone.localdate(),
        notes="Bonne intégration.",
    )
    first.refresh_from_db()
    assert first.done_by == membership.user
    # Noted once: a second entry (a colleague at the same time, a request sent twice) is
    # refused as stale, and the first is kept.
    with pytest.raises(StaleObjectError, match="déjà été noté"):
        placements.checkpoint_record(
            membership=membership,
            actor=membership.user,
            checkpoint=first,
            done_on=timezone.localdate(),
            notes="Autre version.",
        )
    first.refresh_from_db()
    assert first.notes == "Bonne intégration."
    with pytest.raises(DomainError, match="au moins l'un"):
        placements.mediation_add(
            membership=membership,
            actor=membership.user,
            placement=placement,
            happened_on=timezone.localdate(),
            difficulty="Retards",
        )
    mediation = placements.mediation_add(
        membership=membership,
        actor=membership.user,
        placement=placement,
        happened_on=timezone.localdate(),
        difficulty="Retards le lundi",
        person_words="Le bus du lundi est supprimé.",
        agreement="Début à 9 h le lundi.",
    )
    assert mediation.agreement == "Début à 9 h le lundi."


def test_outcome_proposes_the_exit_category(membership, person):
    placement = _create(membership, person)
    ended = placements.placement_end(
        membership=membership,
        actor=membership.user,
        placement=placement,
        expected_version=placement.version,
        outcome="sustainable",
        outcome_on=TODAY,
    )
    assert placements.proposed_exit(ended) == "sustainable_employment"
    with pytest.raises(DomainError, match="déjà terminée"):
        placements.placement_end(
            membership=membership,
            actor=membership.user,
            placement=ended,
            expected_version=ended.version,
            outcome="broken",
            outcome_on=TODAY,
        )
    assert placements.proposed_exit(PlacementFactory.build(outcome="broken")) == ""


def test_ability_defaults_its_competence_and_checks_the_immersion_step(membership, person):
    ability = abilities.ability_record(
        membership=membership,
        actor=membership.user,
        person=person,
        code="loads",
        level=3,
        situation="real",
        observed_on=TODAY,
        observer_name="M. Chef d'équipe",
    )
    assert ability.competence == "physical"
    step = StepFactory(pathway=PathwayFactory(person=person), kind="training")
    with pytest.raises(DomainError, match="immersion"):
        abilities.ability_record(
            membership=membership,
            actor=membership.user,
            person=person,
            code="loads",
            level=3,
            situation="immersion",
            observed_on=TODAY,
            observer_name="x",
            step=step,
        )
    with pytest.raises(DomainError, match="futur"):
        abilities.ability_record(
            membership=membership,
            actor=membership.user,
            person=person,
            code="loads",
            level=3,
            situation="real",
            observed_on=timezone.localdate() + dt.timedelta(days=1),
            observer_name="x",
        )
    with pytest.raises(DomainError, match="1 à 4"):
        abilities.ability_record(
            membership=membership,
            actor=membership.user,
            person=person,
            code="loads",
            level=7,
            situation="real",
            observed_on=TODAY,
            observer_name="x",
        )


def test_project_is_created_then_updated_with_the_person_commune(membership, person):
    project = abilities.project_save(
        membership=membership,
        actor=membership.user,
        person=person,
        rome_code="k2204",
        mobility="bike",
        max_distance_km=10,
        max_weekly_hours=30,
    )
    assert project.rome_code == "K2204" and project.latitude is not None
    with pytest.raises(DomainError, match="ROME"):
        abilities.project_save(
            membership=membership,
            actor=membership.user,
            person=person,
            rome_code="",
            mobility="bike",
            max_distance_km=10,
            max_weekly_hours=30,
        )
    with pytest.raises(StaleObjectError):
        abilities.project_save(
            membership=membership,
            actor=membership.user,
            person=person,
            rome_code="K2204",
            mobility="car",
            max_distance_km=10,
            max_weekly_hours=30,
            expected_version=0,
        )


def _tasks():
    return [
        {
            "prescribed": "Nettoyer les bureaux",
            "real": "Nettoyer bureaux et sanitaires",
            "gap": "Les sanitaires ne sont pas sur la fiche de poste",
            "abilities": ["hygiene"],
        },
        {"prescribed": "", "real": "", "gap": "", "abilities": []},
    ]


def test_analysis_saved_by_two_people_at_once(membership):
    position = PositionFactory(employer__organisation=membership.organisation)
    created = analysis.analysis_create(
        membership=membership,
        actor=membership.user,
        position=position,
        observed_on=TODAY,
        tasks=_tasks(),
        tutor_name="Mme Durand",
        pace="Soutenu le matin",
    )
    assert len(created.tasks) == 1
    colleague = MembershipFactory(organisation=membership.organisation, role="manager")
    analysis.analysis_update(
        membership=colleague,
        actor=colleague.user,
        analysis=created,
        expected_version=1,
        observed_on=TODAY,
        tasks=_tasks(),
    )
    with pytest.raises(StaleObjectError, match="Modifié entre-temps"):
        analysis.analysis_update(
            membership=membership,
            actor=membership.user,
            analysis=created,
            expected_version=1,
            observed_on=TODAY,
            tasks=_tasks(),
            pace="Mon texte",
        )
    created.refresh_from_db()
    assert created.pace == ""


def test_analysis_needs_a_task_and_gives_a_pdf(membership):
    position = PositionFactory(employer__organisation=membership.organisation)
    with pytest.raises(DomainError, match="au moins une tâche"):
        analysis.analysis_create(
            membership=membership,
            actor=membership.user,
            position=position,
            observed_on=TODAY,
            tasks=[],
        )
    created = analysis.analysis_create(
        membership=membership,
        actor=membership.user,
        position=position,
        observed_on=TODAY,
        tasks=_tasks(),
        adjust_tutoring="Accueil le premier jour",
    )
    html = analysis.pdf.render_html(
        "employment/analysis_pdf.html", analysis.report_context(created)
    )
    assert "Le rôle du tuteur" in html and "Respecter les règles d&#x27;hygiène" in html
    assert analysis.report_pdf(created).startswith(b"%PDF")


def test_checkpoints_of_an_ended_placement_are_closed(membership, person):
    placement = _create(membership, person, starts_on=timezone.localdate() - dt.timedelta(days=8))
    placement.status = "ended"
    placement.save(update_fields=["status"])
    with pytest.raises(DomainError, match="terminée"):
        placements.checkpoint_record(
            membership=membership,
            actor=membership.user,
            checkpoint=placement.checkpoints.first(),
            done_on=timezone.localdate(),
            notes="Trop tard.",
        )
