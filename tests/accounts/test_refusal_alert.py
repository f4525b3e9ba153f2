"""An account refused access hundreds of times in minutes raises one alert."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from relais.accounts import services
from relais.accounts.models import SecurityEvent
from tests.factories import MembershipFactory, UserFactory
from tests.helpers import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.RELAIS_REFUSAL_ALERT_THRESHOLD = 5
    settings.RELAIS_REFUSAL_ALERT_WINDOW = 600
    cache.clear()


def test_web_refusals_in_series_alert_managers_and_operators_once(
    client, organisation, manager, django_capture_on_commit_callbacks
):
    operator = UserFactory(is_staff=True)
    prober = MembershipFactory(organisation=organisation).user
    login_verified(client, prober)
    with django_capture_on_commit_callbacks(execute=True):
        for pk in range(900_000, 900_012):
            assert client.get(f"/personnes/{pk}/").status_code == 404
    event = SecurityEvent.objects.get(kind="refusals")
    assert event.user == prober
    assert event.detail == "5 refus en 10 minutes"
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, operator.email])
    assert prober.email in mail.outbox[0].body


def test_api_refusals_count_too(organisation, manager, django_capture_on_commit_callbacks):
    _token, raw = services.api_token_create(user=manager, name="Script")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    with django_capture_on_commit_callbacks(execute=True):
        for pk in range(900_000, 900_006):
            url = f"/api/v1/organisations/{organisation.pk}/persons/{pk}"
            assert api.get(url).status_code == 404
    assert SecurityEvent.objects.filter(kind="refusals", user=manager).count() == 1


def test_a_few_refusals_raise_nothing(client, organisation):
    member = MembershipFactory(organisation=organisation).user
    login_verified(client, member)
    for pk in range(900_000, 900_004):
        client.get(f"/personnes/{pk}/")
    assert not SecurityEvent.objects.filter(kind="refusals").exists()


def test_anonymous_refusals_are_not_counted_per_account(client, organisation):
    for pk in range(900_000, 900_010):
        client.get(f"/api/v1/organisations/{organisation.pk}/persons/{pk}")
    assert not SecurityEvent.objects.filter(kind="refusals").exists()
