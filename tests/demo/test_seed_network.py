"""The coordination demo (relais.demo.network, run by `manage.py seed_demo`): services of the
demo organisations and of partners "hors plateforme", referrals in every status, two
coordination teams and partnerships; idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from relais.accounts.models import Organisation
from relais.demo.accounts import ORGANISATIONS
from relais.network.coordination.models import CoordinationTeam, Partnership, TeamMember
from relais.network.directory.models import Service, ServiceThematique
from relais.network.referrals.models import Referral, ReferralStatus, ReferralTransition
from relais.people.models import Consent

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {
        "services": Service.objects.count(),
        "thematiques": ServiceThematique.objects.count(),
        "external": Organisation.objects.filter(is_external=True).count(),
        "referrals": Referral.objects.count(),
        "transitions": ReferralTransition.objects.count(),
        "teams": CoordinationTeam.objects.count(),
        "members": TeamMember.objects.count(),
        "partnerships": Partnership.objects.count(),
        "consents": Consent.objects.count(),
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", "--force", stdout=out)
        first = _counts()
        call_command("seed_demo", "--force", stdout=StringIO())
        yield {"first": first, "second": _counts(), "output": out.getvalue()}
        transaction.set_rollback(True)


def test_seed_is_idempotent(seeded):
    assert seeded["first"] == seeded["second"]
    assert "Coordination :" in seeded["output"]


def test_services_of_demo_organisations_and_external_partners(seeded):
    assert Service.objects.count() >= 35
    externals = Organisation.objects.filter(is_external=True)
    assert externals.count() >= 4
    for org in externals:
        assert org.services.exists(), org
        assert org.latitude is not None
    # The accompanying organisations publish their offer (a certifying training body of
    # another demo need not).
    for org in Organisation.objects.filter(name__in=[o.name for o in ORGANISATIONS]):
        assert org.services.count() >= 5, org
    for service in Service.objects.all():
        assert service.thematiques and service.publics and service.latitude is not None
    # The parent categories are indexed too.
    assert ServiceThematique.objects.filter(thematique="mobilite").exists()


def test_referrals_in_every_status(seeded):
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(ReferralStatus.values)
    refused = Referral.objects.filter(status=ReferralStatus.REFUSED)
    assert all(r.refusal_reason for r in refused)
    assert all(r.outcome for r in Referral.objects.filter(status=ReferralStatus.DONE))
    assert Referral.objects.filter(receiver_organisation__is_external=True).exists()
    assert Referral.objects.filter(answered_by_hand=True).exists()


def test_two_coordination_teams_and_partnerships(seeded):
    assert CoordinationTeam.objects.count() == 2
    assert TeamMember.objects.filter(ended_on__isnull=True).count() == 2
    assert any("notes" in m.shared_categories for m in TeamMember.objects.all())
    assert Partnership.objects.count() >= 3


def test_demo_services_have_a_phone_and_an_email(seeded):
    services = list(Service.objects.all())
    assert services
    assert all(s.phone and s.email for s in services)
