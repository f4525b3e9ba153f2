"""Intake across organisations: a likely match at a partner organisation is told by the
partner's name only, and only when the person has a consent to share with ours or a
coordination team we are part of; asking to join notifies the partner."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing

from relais.core.models import AccessLogEntry
from relais.notifications.models import Notification
from relais.people.models import Person
from tests.factories import ConsentFactory, PersonFactory
from tests.factories.network.coordination import CoordinationTeamFactory, TeamMemberFactory
from tests.web.people.test_intake import URL, form_data

pytestmark = pytest.mark.django_db


def partner_record(partner, **kwargs):
    values = {
        "organisation": partner,
        "birth_name": "Dupond",
        "first_names": "Jean",
        "birth_date": dt.date(1985, 3, 12),
        "phone": "07 00 00 00 00",
        "address": "12 rue Secrète",
    }
    values.update(kwargs)
    return PersonFactory(**values)


def test_no_link_shows_nothing_of_another_organisation(referent_client, other_organisation):
    partner_record(other_organisation)
    page = referent_client.post(URL, form_data()).content.decode()
    assert other_organisation.name not in page
    assert Person.objects.filter(organisation__isnull=False).count() == 2  # created


def test_consent_to_share_gives_the_name_only(referent_client, organisation, other_organisation):
    person = partner_record(other_organisation)
    ConsentFactory(person=person, purpose="share_org", partner_organisation=organisation)
    response = referent_client.post(URL, form_data())
    page = response.content.decode()
    assert f"« {other_organisation.name} » suit probablement cette personne" in page
    assert "Secrète" not in page and "07 00 00 00 00" not in page
    assert f"n° {person.pk}" not in page and f"/personnes/{person.pk}/" not in page
    assert not Person.objects.filter(organisation=organisation).exists()  # not created yet
    entry = AccessLogEntry.objects.filter(person_id=person.pk).get()
    assert entry.organisation_id == other_organisation.pk


def test_team_membership_counts_and_join_request_notifies(
    referent_client, organisation, other_organisation
):
    person = partner_record(other_organisation)
    team = CoordinationTeamFactory(person=person)
    TeamMemberFactory(team=team, organisation=organisation)
    page = referent_client.post(URL, form_data()).content.decode()
    assert "Demander à rejoindre l’équipe" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    response = referent_client.post("/personnes/nouvelle/equipe-partenaire/", {"token": token})
    assert response.status_code == 302
    notification = Notification.objects.get(organisation=other_organisation)
    assert f"dossier n° {person.pk}" in notification.message


def test_withdrawn_consent_or_other_person_shows_nothing(
    referent_client, organisation, other_organisation
):
    person = partner_record(other_organisation, first_names="Paul")  # a twin, not a match
    ConsentFactory(person=person, purpose="share_org", partner_organisation=organisation)
    page = referent_client.post(URL, form_data()).content.decode()
    assert other_organisation.name not in page


def test_forged_token_is_refused(referent_client, other_organisation):
    response = referent_client.post(
        "/personnes/nouvelle/equipe-partenaire/", {"token": "forged"}, follow=True
    )
    assert "n’est plus valable" in response.content.decode()
    token = signing.dumps([other_organisation.pk, 1], salt="relais.intake.partner-hint")
    response = referent_client.post(
        "/personnes/nouvelle/equipe-partenaire/", {"token": token}, follow=True
    )
    assert "une autre structure" in response.content.decode()
    assert not Notification.objects.exists()
