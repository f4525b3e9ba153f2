"""Correcting a candidate's file: details, access route, withdrawal (kept, never deleted)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from relais.accounts.models import Role
from relais.certification import edits, groups, juries
from relais.certification.models import (
    AccessRoute,
    BodyKind,
    Enrolment,
    EnrolmentStatus,
    MemberQuality,
    StatusChange,
)
from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.core.models import AccessLogEntry
from tests.factories import MembershipFactory
from tests.factories.certification import (
    CandidateFactory,
    EnrolmentFactory,
    body_member,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _details(**overrides):
    values = {
        "last_name": "Durand",
        "first_name": "Léa",
        "birth_date": dt.date(1990, 1, 1),
        "diploma_level": 5,
        "experience_years": Decimal(4),
    }
    return {**values, **overrides}


def test_candidate_update_is_versioned_and_journaled(manager):
    candidate = CandidateFactory(organisation=manager.organisation)
    updated = edits.candidate_update(
        membership=manager,
        candidate=candidate,
        expected_version=candidate.version,
        employer_siret="",
        email=" LEA@Exemple.fr ",
        **_details(),
    )
    assert (updated.last_name, updated.email, updated.version) == (
        "Durand",
        "lea@exemple.fr",
        candidate.version + 1,
    )
    assert AccessLogEntry.objects.filter(
        action="update", target_id=str(candidate.pk), summary__contains="modifiées"
    ).exists()
    with pytest.raises(StaleObjectError, match="Modifié entre-temps"):
        edits.candidate_update(
            membership=manager,
            candidate=candidate,
            expected_version=candidate.version,
            **_details(last_name="Autre"),
        )


def test_candidate_update_reports_every_error_at_once(manager):
    candidate = CandidateFactory(organisation=manager.organisation)
    with pytest.raises(edits.EditErrors) as refused:
        edits.candidate_update(
            membership=manager,
            candidate=candidate,
            expected_version=candidate.version,
            **_details(
                last_name=" ",
                first_name="x" * 151,
                birth_date=TODAY + dt.timedelta(days=1),
                diploma_level=9,
                experience_years=Decimal(-1),
                employer_siret="12345678901234",
            ),
        )
    fields = {field for field, _message in refused.value.errors}
    assert fields == {
        "last_name",
        "first_name",
        "birth_date",
        "diploma_level",
        "experience_years",
        "employer_siret",
    }
    candidate.refresh_from_db()
    assert candidate.last_name != " "


def test_candidate_of_another_organisation_or_outside_the_module_is_refused(manager):
    candidate = CandidateFactory(organisation=manager.organisation)
    stranger = body_member(BodyKind.TRAINING, Role.MANAGER)
    outsider = MembershipFactory(role=Role.MANAGER)
    for membership in (stranger, outsider):
        with pytest.raises(PermissionDenied):
            edits.candidate_update(
                membership=membership,
                candidate=candidate,
                expected_version=candidate.version,
                **_details(),
            )


def test_access_route_change_checks_prerequisites_again(manager, rncp):
    enrolment = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        candidate__diploma_level=5,
        candidate__experience_years=Decimal("1.5"),
        certification=rncp,
        access_route=AccessRoute.APPRENTICESHIP,
    )
    with pytest.raises(edits.EditErrors, match="Cochez « Demande de VAP »"):
        edits.enrolment_update(
            membership=manager,
            enrolment=enrolment,
            expected_version=enrolment.version,
            access_route=AccessRoute.CONTINUING,
        )
    updated = edits.enrolment_update(
        membership=manager,
        enrolment=enrolment,
        expected_version=enrolment.version,
        access_route=AccessRoute.CONTINUING,
        vap_requested=True,
    )
    assert updated.access_route == AccessRoute.CONTINUING and updated.vap_requested
    assert "Prérequis non remplis" in updated.prerequisites_note
    with pytest.raises(StaleObjectError):
        edits.enrolment_update(
            membership=manager,
            enrolment=enrolment,
            expected_version=enrolment.version,
            access_route=AccessRoute.VAE,
        )


def test_group_member_stays_vae_and_bad_routes_are_refused(manager, rncp):
    enrolment = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        candidate__experience_years=Decimal(5),
        certification=rncp,
        vae=True,
    )
    group = groups.group_create(membership=manager, certification=rncp, name="Groupe")
    groups.group_add(membership=manager, group=group, enrolment=enrolment)
    enrolment.refresh_from_db()
    with pytest.raises(edits.EditErrors, match="il y reste candidat par la VAE"):
        edits.enrolment_update(
            membership=manager,
            enrolment=enrolment,
            expected_version=enrolment.version,
            access_route=AccessRoute.CONTINUING,
            vap_requested=True,
        )
    with pytest.raises(edits.EditErrors, match="Choisissez une voie d'accès"):
        edits.enrolment_update(
            membership=manager,
            enrolment=enrolment,
            expected_version=enrolment.version,
            access_route="<script>",
        )


def test_withdrawal_is_kept_with_date_and_reason(manager, rncp):
    enrolment = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        certification=rncp,
        enrolled_on=TODAY - dt.timedelta(days=100),
    )
    day = TODAY - dt.timedelta(days=3)
    withdrawn = edits.enrolment_withdraw(
        membership=manager,
        enrolment=enrolment,
        expected_version=enrolment.version,
        withdrawn_on=day,
        reason=" Changement de poste ",
    )
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.status == EnrolmentStatus.WITHDRAWN == withdrawn.status
    assert (stored.withdrawn_on, stored.withdrawal_reason) == (day, "Changement de poste")
    change = StatusChange.objects.filter(entity="enrolment", entity_id=enrolment.pk).last()
    assert (change.to_status, change.reason, change.actor) == (
        "withdrawn",
        "Changement de poste",
        manager.user,
    )
    with pytest.raises(DomainError, match="ne se modifie plus"):
        edits.enrolment_withdraw(
            membership=manager,
            enrolment=stored,
            expected_version=stored.version,
            withdrawn_on=TODAY,
            reason="Encore",
        )


def test_withdrawal_reports_every_error_at_once(manager, rncp):
    enrolment = EnrolmentFactory(
        candidate__organisation=manager.organisation, certification=rncp, enrolled_on=TODAY
    )
    with pytest.raises(edits.EditErrors) as refused:
        edits.enrolment_withdraw(
            membership=manager,
            enrolment=enrolment,
            expected_version=enrolment.version,
            withdrawn_on=TODAY + dt.timedelta(days=1),
            reason="",
        )
    assert {f for f, _m in refused.value.errors} == {"reason", "withdrawn_on"}
    with pytest.raises(edits.EditErrors, match="ne peut pas précéder l'inscription"):
        edits.enrolment_withdraw(
            membership=manager,
            enrolment=enrolment,
            expected_version=enrolment.version,
            withdrawn_on=TODAY - dt.timedelta(days=1),
            reason="Raisons personnelles",
        )
    with pytest.raises(edits.EditErrors, match="300 caractères au plus"):
        edits.enrolment_withdraw(
            membership=manager,
            enrolment=enrolment,
            expected_version=enrolment.version,
            withdrawn_on=TODAY,
            reason="x" * 301,
        )
    staff = MembershipFactory(organisation=manager.organisation, role=Role.STAFF)
    with pytest.raises(PermissionDenied):
        edits.enrolment_withdraw(
            membership=staff,
            enrolment=enrolment,
            expected_version=enrolment.version,
            withdrawn_on=TODAY,
            reason="Raisons personnelles",
        )
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_withdrawn_candidate_leaves_group_count_and_open_jury(manager, rncp):
    enrolments = [
        EnrolmentFactory(
            candidate__organisation=manager.organisation,
            candidate__experience_years=Decimal(5),
            certification=rncp,
            vae=True,
        )
        for _ in range(7)
    ]
    group = groups.group_create(membership=manager, certification=rncp, name="Groupe")
    for enrolment in enrolments:
        groups.group_add(membership=manager, group=group, enrolment=enrolment)
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=True
    )
    juries.candidates_add(membership=manager, session=session, enrolments=enrolments[:1])
    leaver = Enrolment.objects.get(pk=enrolments[0].pk)
    edits.enrolment_withdraw(
        membership=manager,
        enrolment=leaver,
        expected_version=leaver.version,
        withdrawn_on=TODAY,
        reason="Départ de la structure",
    )
    leaver.refresh_from_db()
    assert leaver.group == group  # kept in the group's history
    assert not session.enrolments.filter(pk=leaver.pk).exists()
    with pytest.raises(DomainError, match="compte 6 candidats"):
        groups.group_open(membership=manager, group=group, opened_on=TODAY)


def test_jury_does_not_deliberate_on_a_withdrawn_candidate(manager, rncp):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=False
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Pr Anne Roux",
        quality=MemberQuality.ACADEMIC,
        is_president=True,
    )
    juries.member_add(
        membership=manager, session=session, full_name="Marc Petit", quality="professional"
    )
    juries.candidates_add(membership=manager, session=session, enrolments=[enrolment])
    juries.session_constitute(membership=manager, session=session)
    block = rncp.blocks.first()
    juries.deliberate(
        membership=manager, session=session, enrolment=enrolment, decisions={block.pk: (True, "")}
    )
    enrolment.refresh_from_db()
    edits.enrolment_withdraw(
        membership=manager,
        enrolment=enrolment,
        expected_version=enrolment.version,
        withdrawn_on=TODAY,
        reason="Raisons personnelles",
    )
    # Decided on already: stays presented (the minutes record the decision).
    assert session.enrolments.filter(pk=enrolment.pk).exists()
    enrolment.refresh_from_db()
    with pytest.raises(DomainError, match="a abandonné le parcours"):
        juries.deliberate(
            membership=manager,
            session=session,
            enrolment=enrolment,
            decisions={block.pk: (False, "Absent")},
        )


def test_withdrawn_enrolment_does_not_join_a_group(manager, rncp):
    enrolment = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        candidate__experience_years=Decimal(5),
        certification=rncp,
        vae=True,
    )
    edits.enrolment_withdraw(
        membership=manager,
        enrolment=enrolment,
        expected_version=enrolment.version,
        withdrawn_on=TODAY,
        reason="Raisons personnelles",
    )
    enrolment.refresh_from_db()
    group = groups.group_create(membership=manager, certification=rncp, name="Groupe")
    with pytest.raises(DomainError, match="elle n'entre plus dans un groupe"):
        groups.group_add(membership=manager, group=group, enrolment=enrolment)
