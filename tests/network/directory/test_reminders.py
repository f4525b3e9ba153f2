"""The reminder e-mails about stale services: to the managers of organisations on the
platform, once a day at most, and the daily command."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from relais.network.directory.reminders import stale_services_nag
from relais.notifications.models import Notification
from tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def _stale_setup():
    organisation = OrganisationFactory(name="Mission locale de Lyon")
    managers = [MembershipFactory(organisation=organisation, role="manager") for _ in range(2)]
    MembershipFactory(organisation=organisation, role="referent")
    MembershipFactory(organisation=organisation, role="manager", inactive=True)
    old = dt.date(2020, 1, 1)
    ServiceFactory(organisation=organisation, name="Atelier CV", confirmed_on=old)
    ServiceFactory(organisation=organisation, name="Garantie jeunes", confirmed_on=old)
    ServiceFactory(organisation=organisation, name="À jour")
    ServiceFactory(organisation=organisation, name="Caché", confirmed_on=old, is_published=False)
    external = OrganisationFactory(is_external=True)
    ServiceFactory(organisation=external, confirmed_on=old)
    return organisation, managers


def test_nag_emails_managers_once_a_day(settings, django_capture_on_commit_callbacks):
    settings.RELAIS_BASE_URL = "https://relais.example.fr"
    organisation, managers = _stale_setup()
    with django_capture_on_commit_callbacks(execute=True):
        result = stale_services_nag()
    assert (result.organisations, result.emails) == (1, 2)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.user.email for m in managers)
    body = mail.outbox[0].body
    assert "2 services de « Mission locale de Lyon »" in body
    assert "Atelier CV" in body and "Garantie jeunes" in body
    assert "À jour" not in body and "Caché" not in body
    assert "https://relais.example.fr/annuaire/services/" in body
    assert mail.outbox[0].subject.endswith("2 services à confirmer")
    assert Notification.objects.filter(organisation=organisation).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        again = stale_services_nag()
    assert (again.emails, again.skipped) == (0, 2)
    assert len(mail.outbox) == 2

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    later = stale_services_nag(today=tomorrow)
    assert later.emails == 2


def test_nag_command_is_idempotent(capsys, django_capture_on_commit_callbacks):
    _stale_setup()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("nag_stale_services")
        call_command("nag_stale_services")
    output = capsys.readouterr().out
    assert "2 e-mails envoyés (1 structure)" in output
    assert "0 e-mail envoyé (0 structure) ; 2 déjà prévenu(s) aujourd'hui." in output
    assert len(mail.outbox) == 2


def test_nothing_to_nag():
    ServiceFactory()
    assert stale_services_nag().emails == 0
    assert mail.outbox == []
