"""The actor map page: any member reads it (no personal data), the diagram and the tables,
« < 5 », exports (SVG, CSV), partnerships declared and ended by managers only."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from relais.core.models import AccessLogEntry
from relais.network.coordination.models import Partnership
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    ReferralFactory,
    ServiceFactory,
)
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db

URL = "/recherche/cartographie/"


@pytest.fixture
def partner(organisation):
    return OrganisationFactory(name="PLIE Uni-Est", kind="plie", commune_code="69266")


def flow(sender, receiver, count, status="accepted"):
    person = PersonFactory(organisation=sender, birth_name="Secret", first_names="Personne")
    service = ServiceFactory(organisation=receiver)
    now = timezone.now() - timedelta(days=3)
    for _ in range(count):
        ReferralFactory(
            person=person,
            service=service,
            status=status,
            sent_at=now,
            answered_at=now + timedelta(hours=6),
        )


@pytest.mark.parametrize("role", ["staff", "referent", "manager"])
def test_any_member_sees_the_map_of_their_departement(client, organisation, partner, role):
    organisation.name = "CCAS de Lyon"
    organisation.save()
    flow(organisation, partner, 7)
    flow(partner, organisation, 2)
    login_verified(client, MembershipFactory(organisation=organisation, role=role).user)
    journal_before = AccessLogEntry.objects.count()
    response = client.get(URL)
    assert response.status_code == 200
    text = page_text(response)
    assert "Département 69" in text
    assert 'data-testid="actor-map"' in text and "<svg" in text
    assert 'role="img"' in text
    assert "CCAS de Lyon" in text and "PLIE Uni-Est" in text
    assert "< 5" in text  # the small flow back
    assert "Secret" not in text  # no person, ever
    assert AccessLogEntry.objects.count() == journal_before  # nothing personal read
    assert ("Déclarer un partenariat" in text) is (role == "manager")


def test_territory_and_period_from_the_form(referent_client, organisation, partner):
    flow(organisation, partner, 5)
    response = referent_client.get(URL, {"territoire": "Villeurbanne", "du": "2024-01-01"})
    text = page_text(response)
    assert "Villeurbanne — orientations du 01/01/2024" in text
    assert "PLIE Uni-Est" in text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"territoire": "Nullepart"}, "Commune inconnue"),
        ({"territoire": ""}, "Indiquez un département ou des communes."),
        (
            {"territoire": "69", "du": "2026-02-01", "au": "2026-01-01"},
            "La date de début doit précéder",
        ),
        ({"territoire": "69", "du": "pas une date"}, "Date invalide"),
    ],
)
def test_bad_input(referent_client, params, message):
    response = referent_client.get(URL, params)
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert 'data-testid="actor-map"' not in text


def test_exports(referent_client, organisation, partner):
    flow(organisation, partner, 3)
    PartnershipFactory(source=organisation, target=partner, kind="network")
    params = {"territoire": "69"}
    svg = referent_client.get("/recherche/cartographie/cartographie.svg", params)
    assert svg.status_code == 200
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert svg["Content-Disposition"].startswith('attachment; filename="cartographie-69-')
    root = ET.fromstring(svg.content.decode().split("\n", 1)[1])
    assert root.get("role") == "img"
    csv = referent_client.get("/recherche/cartographie/cartographie.csv", params)
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    body = csv.content.decode("utf-8")
    assert body.startswith("\ufefftype;de;")
    assert ";< 5;" in body
    assert "partenariat;" in body
    # A bad territory sends back to the page, which says why.
    assert (
        referent_client.get(
            "/recherche/cartographie/cartographie.csv", {"territoire": "x"}
        ).status_code
        == 302
    )


def test_manager_declares_a_partnership(client, organisation, partner):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    login_verified(client, manager)
    response = client.post(
        f"{URL}?territoire=69",
        {"target": partner.pk, "kind": "agreement", "description": "Convention 2026"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?territoire=69"
    partnership = Partnership.objects.get()
    assert (partnership.source, partnership.target) == (organisation, partner)
    text = page_text(client.get(response["Location"]))
    assert "Le partenariat avec PLIE Uni-Est est déclaré." in text
    assert "Convention 2026" in text


def test_declaration_errors_are_shown_with_the_input_kept(client, organisation, partner):
    manager = MembershipFactory(organisation=organisation, role="manager").user
    login_verified(client, manager)
    PartnershipFactory(source=organisation, target=partner, kind="agreement")
    response = client.post(
        f"{URL}?territoire=69",
        {"target": partner.pk, "kind": "agreement", "description": "Encore"},
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "Ce partenariat est déjà déclaré." in text
    assert 'value="Encore"' in text
    response = client.post(f"{URL}?territoire=69", {"target": "", "kind": "agreement"})
    assert "Choisissez la structure partenaire." in page_text(response)
    # An organisation that is not on the map cannot be chosen.
    far = OrganisationFactory(commune_code="13055")
    response = client.post(f"{URL}?territoire=69", {"target": far.pk, "kind": "agreement"})
    assert "dans la liste" in page_text(response)


@pytest.mark.parametrize("role", ["referent", "staff"])
def test_only_managers_declare(client, organisation, partner, role):
    login_verified(client, MembershipFactory(organisation=organisation, role=role).user)
    response = client.post(f"{URL}?territoire=69", {"target": partner.pk, "kind": "agreement"})
    assert response.status_code == 403
    assert not Partnership.objects.exists()


def test_ending_a_partnership(client, organisation, partner):
    partnership = PartnershipFactory(source=partner, target=organisation, kind="funding")
    referent = MembershipFactory(organisation=organisation, role="referent").user
    login_verified(client, referent)
    end_url = f"/recherche/cartographie/partenariats/{partnership.pk}/fin/"
    assert client.post(end_url, {"back": "territoire=69"}).status_code == 403
    manager = MembershipFactory(organisation=organisation, role="manager").user
    login_verified(client, manager)
    text = page_text(client.get(URL, {"territoire": "69"}))
    assert "Mettre fin" in text
    response = client.post(end_url, {"back": "territoire=69"})
    assert response.status_code == 302 and response["Location"] == f"{URL}?territoire=69"
    partnership.refresh_from_db()
    assert partnership.ended_on == timezone.localdate()
    response = client.post(end_url, {"back": "https://ailleurs.example/"})
    assert response["Location"].startswith(URL)
    assert "déjà terminé" in page_text(client.get(response["Location"]))


def test_query_count_is_constant(referent_client, organisation, partner):
    flow(organisation, partner, 2)
    referent_client.get(URL)
    few = count_queries(lambda: referent_client.get(URL))
    for i in range(5):
        other = OrganisationFactory(commune_code="69123", name=f"Structure {i}")
        flow(other, partner, 3)
        PartnershipFactory(source=other, target=organisation)
    assert count_queries(lambda: referent_client.get(URL)) == few


def test_the_legend_is_drawn_once(referent_client, organisation, partner):
    """Defect: the page drew the colour legend under the diagram as well as inside it."""
    organisation.kind = "ccas"
    organisation.save()
    flow(organisation, partner, 7)
    text = page_text(referent_client.get(URL))
    assert text.count("CCAS — CCAS / CIAS") == 1
    assert text.count("PLIE — PLIE") == 1
    assert "CCAS : CCAS / CIAS" not in text
