"""The main navigation (relais.web.templatetags.nav_tags): which entries each role sees,
which one is the current page, the referral counts, and what the frame costs in queries."""

from __future__ import annotations

import re

import pytest

from relais.accounts.models import Role
from tests.factories import MembershipFactory, UserFactory
from tests.factories.network.referrals import ReferralFactory
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


def _nav(response) -> str:
    text = page_text(response)
    return text[
        text.index('id="navigation-principale"') : text.index(
            "</nav>", text.index('id="navigation-principale"')
        )
    ]


def _labels(nav: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>|\s+\d+.*", "", m).strip()
        for m in re.findall(r'class="fr-nav__link"[^>]*>(.*?)</a>', nav)
    ]


def _current(nav: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'aria-current="page">(.*?)</a>', nav)
    ]


MEMBER_ENTRIES = [
    "Agenda",
    "Coordination",
    "Employeurs",
    "Projets et ateliers",
    "Annuaire",
    "Personnes co-suivies",
    "Trouver un service",
    "Cartographie",
    "Territoire",
    "Certification",
    "Mon compte",
]


def test_a_referent_sees_the_member_entries_and_no_management(client):
    login_verified(client, MembershipFactory(role=Role.REFERENT).user)
    labels = _labels(_nav(client.get("/")))
    assert labels == ["File active", "Orientations", "Indicateurs", *MEMBER_ENTRIES]


def test_a_manager_sees_the_management_entries_first(client):
    login_verified(client, MembershipFactory(role=Role.MANAGER).user)
    labels = _labels(_nav(client.get("/")))
    assert labels[:6] == [
        "File active",
        "Membres",
        "Journal d'accès",
        "Doublons",
        "Conservation",
        "Orientations",
    ]


def test_reception_staff_search_persons_and_see_no_indicators(client):
    login_verified(client, MembershipFactory(role=Role.STAFF).user)
    labels = _labels(_nav(client.get("/")))
    assert labels[0] == "Rechercher une personne"
    assert "Indicateurs" not in labels
    assert "Membres" not in labels


def test_a_user_without_organisation_sees_home_and_account_only(client):
    login_verified(client, UserFactory())
    assert _labels(_nav(client.get("/compte/"))) == ["Accueil", "Mon compte"]


def test_platform_staff_see_the_administration(client, platform_admin):
    login_verified(client, platform_admin)
    assert "Administration de la plateforme" in _labels(_nav(client.get("/compte/")))


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/", "File active"),
        ("/compte/", "Mon compte"),
        ("/coordination/", "Coordination"),
        ("/informations-collectives/", "Coordination"),
        ("/territoire/", "Territoire"),
        ("/indicateurs/structure/", "Indicateurs"),
        ("/orientations/", "Orientations"),
        ("/structure/journal/", "Journal d'accès"),
        ("/recherche/services/", "Trouver un service"),
    ],
)
def test_exactly_one_entry_is_the_current_page(client, path, current):
    """Other sections' home pages (« tools:home », « territory:home »…) are not the
    caseload's « File active »."""
    login_verified(client, MembershipFactory(role=Role.MANAGER).user)
    response = client.get(path)
    assert response.status_code == 200
    assert _current(_nav(response)) == [current]


def test_the_referral_counts_are_shown_and_pluralised(client):
    membership = MembershipFactory(role=Role.REFERENT)
    ReferralFactory(receiver_organisation=membership.organisation)
    ReferralFactory(receiver_organisation=membership.organisation)
    login_verified(client, membership.user)
    nav = _nav(client.get("/compte/"))
    assert '2<span class="fr-sr-only"> nouvelles</span>' in nav


def test_the_frame_costs_no_query_per_navigation_entry(client):
    """The frame's queries (session, user, second factor, memberships, menu counts) do
    not grow with the number of organisations a user belongs to."""
    membership = MembershipFactory(role=Role.MANAGER)
    login_verified(client, membership.user)
    client.get("/compte/")
    one = count_queries(lambda: client.get("/compte/"))
    for _ in range(3):
        MembershipFactory(user=membership.user, role=Role.REFERENT)
    response = client.get("/compte/")
    assert 'id="choix-structure"' in page_text(response)
    assert count_queries(lambda: client.get("/compte/")) == one
