"""What may be shared with a team member (relais.network.coordination.sharing_choices),
checked when a professional is invited: categories, diagnostic domains, documents, and the
person's explicit agreement for health."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError
from relais.network.coordination.models import TeamMember
from relais.network.coordination.sharing_choices import HealthConsent
from relais.people.models import Person
from tests.factories import DocumentFactory
from tests.network.coordination.support import add, make_setting, membership_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def setting():
    return make_setting()


def test_categories_are_kept_in_a_fixed_order(setting):
    member = add(setting, categories=["steps", "identity", "notes"])
    assert member.shared_categories == ["identity", "steps", "notes"]


@pytest.mark.parametrize(
    ("sharing", "field", "message"),
    [
        ({"categories": []}, "categories", "au moins une"),
        ({"categories": ["secret"]}, "categories", "inconnue"),
        ({"categories": ["health"]}, "categories", "cochez aussi"),
        ({"categories": ["diagnostic"]}, "domains", "domaines"),
        ({"categories": ["diagnostic"], "domains": ["health"]}, "domains", "Santé"),
        ({"categories": ["diagnostic"], "domains": ["astrology"]}, "domains", "inconnu"),
        ({"categories": ["documents"]}, "documents", "documents"),
        (
            {"categories": ["diagnostic", "health"], "domains": ["employment"]},
            "health_consent_on",
            "accord explicite",
        ),
        (
            {
                "categories": ["diagnostic", "health"],
                "domains": ["employment"],
                "health_consent": HealthConsent(TODAY(), "oral_witness", ""),
            },
            "health_consent_witness",
            "témoin",
        ),
        (
            {
                "categories": ["diagnostic", "health"],
                "health_consent": HealthConsent(
                    TODAY() + dt.timedelta(days=2), "oral_witness", "Témoin"
                ),
            },
            "health_consent_on",
            "futur",
        ),
        (
            {
                "categories": ["diagnostic", "health"],
                "health_consent": HealthConsent(TODAY(), "smoke_signal", ""),
            },
            "health_consent_method",
            "recueilli",
        ),
    ],
)
def test_bad_sharing_is_refused_with_its_field(setting, sharing, field, message):
    with pytest.raises(DomainError, match=message) as error:
        add(setting, **sharing)
    assert error.value.field == field
    assert not TeamMember.objects.exists()


def test_documents_must_be_the_persons(setting):
    stranger = DocumentFactory()
    with pytest.raises(DomainError, match="n'appartient pas") as error:
        add(setting, categories=["documents"], documents=[stranger])
    assert error.value.field == "documents"


def test_health_with_the_persons_agreement(setting):
    member = add(
        setting,
        categories=["diagnostic", "health"],
        health_consent=HealthConsent(TODAY(), "oral_witness", "  Mme Durand  "),
    )
    assert member.shared_domains == []
    assert member.health_consent_on == TODAY()
    assert member.health_consent_witness == "Mme Durand"
    person = Person.objects.get(pk=setting["person"].pk)
    from relais.people.policies import can_read_domain

    membership = membership_of(setting["professional"], setting["partner"])
    assert can_read_domain(membership, person, "health")
    assert not can_read_domain(membership, person, "employment")


def test_domains_and_documents_only_with_their_category(setting):
    document = DocumentFactory(person=setting["person"])
    member = add(setting, categories=["identity"], domains=["employment"], documents=[document])
    assert member.shared_domains == []
    assert list(member.shared_documents.all()) == []
