"""Candidates, prerequisites, collective VAE groups, positioning and funded accompaniment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from relais.accounts.models import Role
from relais.certification import candidates, groups, rules
from relais.certification.models import (
    AccessRoute,
    Candidate,
    EnrolmentStatus,
    GroupStatus,
    StatusChange,
)
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import AccessLogEntry
from tests.factories import MembershipFactory
from tests.factories.certification import CandidateFactory, EnrolmentFactory, referential

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_candidate_create_is_journaled_and_scoped(manager):
    candidate = candidates.candidate_create(
        membership=manager,
        last_name=" Martin ",
        first_name="Léa",
        birth_date=dt.date(1990, 1, 2),
        diploma_level=5,
        experience_years=Decimal("3"),
    )
    assert candidate.organisation == manager.organisation and candidate.last_name == "Martin"
    assert AccessLogEntry.objects.filter(
        target_type="certification.candidate", target_id=str(candidate.pk), action="create"
    ).exists()


def test_candidate_create_refused_outside_a_certification_body():
    membership = MembershipFactory(role=Role.MANAGER)
    with pytest.raises(PermissionDenied):
        candidates.candidate_create(
            membership=membership, last_name="A", first_name="B", birth_date=dt.date(1990, 1, 1)
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("last_name", "", "Indiquez le nom."),
        ("birth_date", TODAY + dt.timedelta(days=1), "La date de naissance doit être passée."),
        ("diploma_level", 9, "Le niveau de diplôme va de 0 à 8."),
        ("experience_years", Decimal("-1"), "Les années d'expérience vont de 0 à 60."),
    ],
)
def test_candidate_bad_input(manager, field, value, message):
    values = {
        "last_name": "Martin",
        "first_name": "Léa",
        "birth_date": dt.date(1990, 1, 2),
        "diploma_level": 5,
        "experience_years": Decimal(3),
    }
    values[field] = value
    with pytest.raises(DomainError, match=message):
        candidates.candidate_create(membership=manager, **values)
    assert not Candidate.objects.exists()


def test_prerequisites_of_rncp41885(rncp):
    ok = CandidateFactory.build(diploma_level=5, experience_years=Decimal(3))
    assert candidates.check_prerequisites(ok, rncp, AccessRoute.CONTINUING).met
    young = CandidateFactory.build(diploma_level=5, experience_years=Decimal(1))
    assert not candidates.check_prerequisites(young, rncp, AccessRoute.CONTINUING).met
    apprentice = candidates.check_prerequisites(young, rncp, AccessRoute.APPRENTICESHIP)
    assert apprentice.met and "pour un apprenti" in apprentice.explanation
    foreign = CandidateFactory.build(diploma_level=5, experience_years=3, foreign_diploma=True)
    assert "étranger" in candidates.check_prerequisites(foreign, rncp, "continuing").explanation
    low = candidates.check_prerequisites(
        CandidateFactory.build(diploma_level=4, experience_years=Decimal(5)), rncp, "continuing"
    )
    assert not low.met and "(VAP)" in low.explanation


def test_enrolment_without_prerequisites_needs_a_vap_request(manager, rncp):
    candidate = CandidateFactory(organisation=manager.organisation, diploma_level=3)
    with pytest.raises(DomainError, match="Cochez « Demande de VAP »"):
        candidates.enrolment_create(
            membership=manager,
            candidate=candidate,
            certification=rncp,
            access_route=AccessRoute.CONTINUING,
            enrolled_on=TODAY,
        )
    enrolment = candidates.enrolment_create(
        membership=manager,
        candidate=candidate,
        certification=rncp,
        access_route=AccessRoute.CONTINUING,
        enrolled_on=TODAY,
        vap_requested=True,
    )
    assert enrolment.vap_requested and "Prérequis non remplis" in enrolment.prerequisites_note
    assert StatusChange.objects.filter(entity="enrolment", entity_id=enrolment.pk).count() == 1
    with pytest.raises(DomainError, match="déjà inscrit"):
        candidates.enrolment_create(
            membership=manager,
            candidate=candidate,
            certification=rncp,
            access_route=AccessRoute.VAE,
            enrolled_on=TODAY,
            vap_requested=True,
        )


def test_rs_without_experience_explains_the_placement(manager):
    rs = referential("RS-REFERENT-PARCOURS")
    candidate = CandidateFactory(organisation=manager.organisation, vulnerable_experience=False)
    check = candidates.check_prerequisites(candidate, rs, AccessRoute.CONTINUING)
    assert not check.met and "140 heures" in check.explanation


def test_rs_cannot_be_enrolled_after_its_last_delivery_date(manager):
    rs = referential("RS-REFERENT-PARCOURS")
    candidate = CandidateFactory(organisation=manager.organisation)
    with pytest.raises(DomainError, match="ne peut plus être délivrée après le 27/09/2026"):
        candidates.enrolment_create(
            membership=manager,
            candidate=candidate,
            certification=rs,
            access_route=AccessRoute.CONTINUING,
            enrolled_on=dt.date(2026, 10, 1),
        )


def test_enrolment_of_another_organisations_candidate_refused(manager, rncp):
    with pytest.raises(PermissionDenied):
        candidates.enrolment_create(
            membership=manager,
            candidate=CandidateFactory(),
            certification=rncp,
            access_route=AccessRoute.CONTINUING,
            enrolled_on=TODAY,
        )


def _vae_enrolments(organisation, n, **candidate):
    return [
        EnrolmentFactory(candidate__organisation=organisation, vae=True, **candidate)
        for _ in range(n)
    ]


def test_collective_group_needs_seven_candidates(manager, rncp):
    group = groups.group_create(membership=manager, certification=rncp, name="VAE Centre 2026")
    for enrolment in _vae_enrolments(manager.organisation, 6):
        groups.group_add(membership=manager, group=group, enrolment=enrolment)
    with pytest.raises(DomainError) as error:
        groups.group_open(membership=manager, group=group, opened_on=TODAY)
    assert "Le groupe compte 6 candidats : il en faut au moins 7" in error.value.message
    assert rules.SEED_002 in error.value.message
    group.refresh_from_db()
    assert group.status == GroupStatus.FORMING
    groups.group_add(
        membership=manager, group=group, enrolment=_vae_enrolments(manager.organisation, 1)[0]
    )
    group = groups.group_open(membership=manager, group=group, opened_on=dt.date(2026, 11, 30))
    assert group.status == GroupStatus.OPEN
    assert group.vae_phase_ends_on == dt.date(2027, 2, 28)  # 3 months at most


def test_group_refuses_less_than_three_years_and_other_routes(manager, rncp):
    group = groups.group_create(membership=manager, certification=rncp, name="G")
    junior = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        candidate__experience_years=Decimal("2.5"),
        vae=True,
    )
    with pytest.raises(DomainError, match=r"2.5 an\(s\) d'expérience"):
        groups.group_add(membership=manager, group=group, enrolment=junior)
    training = EnrolmentFactory(candidate__organisation=manager.organisation)
    with pytest.raises(DomainError, match="voie de l'expérience"):
        groups.group_add(membership=manager, group=group, enrolment=training)


def test_group_funded_hours_cannot_exceed_the_cpf_maximum(manager, rncp):
    with pytest.raises(DomainError, match="24 heures au plus"):
        groups.group_create(membership=manager, certification=rncp, name="G", funded_hours=30)


@pytest.mark.parametrize(
    ("score", "admitted", "status"),
    [(79, False, EnrolmentStatus.REFRESHER), (80, True, EnrolmentStatus.IN_PROGRESS)],
)
def test_positioning_threshold(trainer, score, admitted, status):
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation, vae=True)
    positioning = groups.positioning_record(
        membership=trainer, enrolment=enrolment, score_percent=score, taken_on=TODAY
    )
    enrolment.refresh_from_db()
    assert positioning.admitted is admitted and enrolment.status == status


def test_positioning_bad_score(trainer):
    enrolment = EnrolmentFactory(candidate__organisation=trainer.organisation)
    with pytest.raises(DomainError, match="de 0 à 100"):
        groups.positioning_record(
            membership=trainer, enrolment=enrolment, score_percent=101, taken_on=TODAY
        )


def test_accompaniment_hours_within_funding_and_phase(manager, rncp):
    group = groups.group_create(membership=manager, certification=rncp, name="G")
    enrolments = _vae_enrolments(manager.organisation, 7)
    for enrolment in enrolments:
        groups.group_add(membership=manager, group=group, enrolment=enrolment)
    groups.group_open(membership=manager, group=group, opened_on=TODAY)
    enrolment = enrolments[0]
    for _ in range(2):
        groups.accompaniment_record(
            membership=manager,
            enrolment=enrolment,
            held_on=TODAY,
            hours=Decimal(12),
            collective=True,
        )
    assert groups.accompaniment_hours(enrolment) == 24
    with pytest.raises(DomainError, match="il reste 0"):
        groups.accompaniment_record(
            membership=manager,
            enrolment=enrolment,
            held_on=TODAY,
            hours=Decimal(1),
            collective=False,
        )
    with pytest.raises(DomainError, match="démarche VAE du groupe s'achève"):
        groups.accompaniment_record(
            membership=manager,
            enrolment=enrolments[1],
            held_on=TODAY + dt.timedelta(days=120),
            hours=Decimal(1),
            collective=False,
        )


def test_enrolment_transitions_are_explicit(manager):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    with pytest.raises(DomainError, match="Passage impossible"):
        candidates.enrolment_move(enrolment, EnrolmentStatus.CERTIFIED, actor=manager.user)
    candidates.enrolment_move(enrolment, EnrolmentStatus.WITHDRAWN, actor=manager.user)
    with pytest.raises(DomainError):
        candidates.enrolment_move(enrolment, EnrolmentStatus.IN_PROGRESS, actor=manager.user)
