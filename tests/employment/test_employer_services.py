"""Employers, contacts, prospecting and positions: every rule and bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.employment import services
from relais.employment.models import Employer, PositionTransition
from relais.employment.services import EmployerErrors
from tests.factories import MembershipFactory, valid_siret
from tests.factories.employment import EmployerFactory, PositionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def membership(organisation):
    return MembershipFactory(organisation=organisation, role="referent")


def _employer_values(**overrides):
    return {
        "siret": valid_siret(73_000_001),
        "name": "  Propreté   Rhône ",
        "naf_code": "8121z",
        "size_band": "10-49",
        "commune_code": "69123",
        **overrides,
    }


def test_create_normalises_and_places_the_employer(membership):
    employer = services.employer_create(
        membership=membership, actor=membership.user, **_employer_values()
    )
    assert employer.name == "Propreté Rhône"
    assert employer.naf_code == "81.21Z"
    assert employer.name_key == "proprete rhone"
    assert employer.latitude == pytest.approx(45.76, abs=0.1)


def test_every_bad_field_is_reported_at_once(membership):
    siret = valid_siret(73_000_002)
    wrong_key = siret[:-1] + str((int(siret[-1]) + 1) % 10)
    with pytest.raises(EmployerErrors) as caught:
        services.employer_create(
            membership=membership,
            actor=membership.user,
            **_employer_values(siret=wrong_key, naf_code="99.99Z", name="", commune_code="00000"),
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {"siret", "naf_code", "name", "commune_code"}
    messages = " ".join(e.message for e in caught.value.errors)
    assert "clé de contrôle" in messages
    assert "99.99Z" in messages
    assert not Employer.objects.exists()


def test_la_poste_siret_follows_its_own_rule(membership):
    employer = services.employer_create(
        membership=membership, actor=membership.user, **_employer_values(siret="35600000000001")
    )
    assert employer.siret == "35600000000001"
    with pytest.raises(EmployerErrors):
        services.employer_create(
            membership=membership, actor=membership.user, **_employer_values(siret="35600000000002")
        )


def test_same_siret_twice_in_one_organisation_is_refused(membership):
    services.employer_create(membership=membership, actor=membership.user, **_employer_values())
    with pytest.raises(DomainError, match="existe déjà"):
        services.employer_create(membership=membership, actor=membership.user, **_employer_values())


def test_staff_cannot_write_employers(organisation):
    staff = MembershipFactory(organisation=organisation, role="staff")
    with pytest.raises(PermissionDenied):
        services.employer_create(membership=staff, actor=staff.user, **_employer_values())


def test_stale_update_is_refused(membership):
    employer = EmployerFactory(organisation=membership.organisation)
    values = _employer_values(siret=employer.siret, name="Nouveau nom")
    services.employer_update(
        membership=membership,
        actor=membership.user,
        employer=employer,
        expected_version=1,
        **values,
    )
    with pytest.raises(StaleObjectError):
        services.employer_update(
            membership=membership,
            actor=membership.user,
            employer=employer,
            expected_version=1,
            **values,
        )


def test_other_organisation_employer_is_refused(membership, other_organisation):
    employer = EmployerFactory(organisation=other_organisation)
    with pytest.raises(PermissionDenied):
        services.prospecting_add(
            membership=membership,
            actor=membership.user,
            employer=employer,
            kind="call",
            happened_on=timezone.localdate(),
            outcome="need",
        )


def test_prospecting_sets_the_date_to_recontact(membership):
    employer = EmployerFactory(organisation=membership.organisation)
    today = timezone.localdate()
    services.prospecting_add(
        membership=membership,
        actor=membership.user,
        employer=employer,
        kind="visit",
        happened_on=today,
        outcome="interested",
        next_action="Rappeler",
        next_action_on=today + dt.timedelta(days=30),
    )
    services.prospecting_add(
        membership=membership,
        actor=membership.user,
        employer=employer,
        kind="call",
        happened_on=today,
        outcome="need",
        next_action="Envoyer deux candidatures",
        next_action_on=today + dt.timedelta(days=7),
    )
    employer.refresh_from_db()
    assert employer.next_contact_on == today + dt.timedelta(days=7)


def test_prospecting_next_action_before_contact_is_refused(membership):
    employer = EmployerFactory(organisation=membership.organisation)
    today = timezone.localdate()
    with pytest.raises(DomainError) as caught:
        services.prospecting_add(
            membership=membership,
            actor=membership.user,
            employer=employer,
            kind="call",
            happened_on=today,
            outcome="need",
            next_action="x",
            next_action_on=today - dt.timedelta(days=1),
        )
    assert caught.value.field == "next_action_on"


def _position_values(**overrides):
    return {
        "rome_code": "K2204",
        "appellation": "Agent / Agente de propreté et d'hygiène",
        "contract_type": "cdi",
        "weekly_hours": "24",
        "schedule": "early_late",
        "commune_code": "69266",
        "required_abilities": ["hygiene", "punctuality"],
        **overrides,
    }


def test_position_create_keeps_its_abilities_key(membership):
    employer = EmployerFactory(organisation=membership.organisation)
    position = services.position_create(
        membership=membership, actor=membership.user, employer=employer, **_position_values()
    )
    assert position.abilities_key == "|hygiene|punctuality|"
    assert position.latitude is not None


def test_position_without_rome_and_bad_values_reports_each(membership):
    employer = EmployerFactory(organisation=membership.organisation)
    with pytest.raises(EmployerErrors) as caught:
        services.position_create(
            membership=membership,
            actor=membership.user,
            employer=employer,
            **_position_values(rome_code="", weekly_hours="60", schedule="", commune_code=""),
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {"rome_code", "weekly_hours", "schedule", "commune_code"}
    assert "code ROME" in caught.value.errors[0].message


def test_position_unknown_rome_and_wrong_appellation(membership):
    employer = EmployerFactory(organisation=membership.organisation)
    with pytest.raises(EmployerErrors, match="Z9999"):
        services.position_create(
            membership=membership,
            actor=membership.user,
            employer=employer,
            **_position_values(rome_code="Z9999"),
        )
    with pytest.raises(EmployerErrors, match="n'est pas une appellation"):
        services.position_create(
            membership=membership,
            actor=membership.user,
            employer=employer,
            **_position_values(appellation="Cuisinier / Cuisinière"),
        )


def test_position_workflow_is_recorded_and_enforced(membership):
    position = PositionFactory(employer__organisation=membership.organisation)
    position = services.position_set_status(
        membership=membership,
        actor=membership.user,
        position=position,
        status="filled",
        expected_version=position.version,
        reason="Recrutement",
    )
    assert position.status == "filled"
    transition = PositionTransition.objects.get(position=position)
    assert (transition.from_status, transition.to_status) == ("open", "filled")
    with pytest.raises(DomainError, match="ne peut pas passer"):
        services.position_set_status(
            membership=membership,
            actor=membership.user,
            position=position,
            status="filled",
            expected_version=position.version,
        )


def test_position_licences_and_mobility_are_checked_and_kept(membership):
    employer = EmployerFactory(organisation=membership.organisation)
    position = services.position_create(
        membership=membership,
        actor=membership.user,
        employer=employer,
        **_position_values(other_licences=["ce", "C", "C"], mobility_requirement="sites"),
    )
    assert position.other_licences == ["C", "CE"]  # known, once, in the list's order
    assert position.get_mobility_requirement_display().startswith("Mobilité sur plusieurs")
    with pytest.raises(EmployerErrors) as caught:
        services.position_create(
            membership=membership,
            actor=membership.user,
            employer=employer,
            **_position_values(other_licences=["B", "CACES 3"], mobility_requirement="jetpack"),
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {"other_licences", "mobility_requirement"}
    assert "le permis B a sa propre case" in caught.value.errors[0].message
