"""Directory pages of organisations: the list with its filters and pagination (constant
queries), an organisation's page, partners "hors plateforme" and directory entries (forms
and permissions)."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.accounts.models import Organisation
from tests.factories import OrganisationFactory, valid_siret
from tests.helpers import count_queries, page_text
from tests.web.directory.support import service_post, valid_service

pytestmark = pytest.mark.django_db


LIST = "/annuaire/"


# --- Directory list ------------------------------------------------------------------------


def test_login_required(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/connexion/" in response["Location"] or "login" in response["Location"]


def test_directory_lists_active_organisations_and_external_partners(referent_client, organisation):
    partner = OrganisationFactory(
        name="Restos du cœur",
        is_external=True,
        networks=["restos-du-coeur"],
        siret="",
        phone="04 78 00 00 00",
    )
    OrganisationFactory(name="Fermée", is_active=False)
    valid_service(partner)
    valid_service(partner, is_published=False)
    text = page_text(referent_client.get(LIST))
    assert organisation.name in text
    assert "Restos du cœur" in text
    assert "Hors plateforme" in text
    assert "Restaurants du Cœur" in text or "Restos" in text
    assert "04 78 00 00 00" in text
    assert "1 service" in text
    assert "Fermée" not in text
    assert 'aria-current="page">Annuaire' in text.replace('href="/annuaire/" ', "")


def test_filters(referent_client):
    OrganisationFactory(name="Mission locale de Lyon", kind="mission_locale", commune_code="69123")
    OrganisationFactory(
        name="CCAS d'Ajaccio", kind="ccas", commune_code="2A004", networks=["ccas-cias"]
    )
    OrganisationFactory(
        name="Garage solidaire",
        kind="association",
        commune_code="69266",
        is_external=True,
        siret="",
    )
    ml = Organisation.objects.get(name="Mission locale de Lyon")
    valid_service(ml, name="Permis de conduire accompagné")

    def names(**params):
        response = referent_client.get(LIST, params)
        return {o.name for o in (r["organisation"] for r in response.context["rows"])} - {
            o.name for o in Organisation.objects.filter(memberships__isnull=False)
        }

    assert names(type="mission_locale") == {"Mission locale de Lyon"}
    assert names(lieu="2A") == {"CCAS d'Ajaccio"}
    assert names(lieu="Villeurbanne") == {"Garage solidaire"}
    assert names(lieu="69266") == {"Garage solidaire"}
    assert names(plateforme="hors") == {"Garage solidaire"}
    assert names(reseau="ccas-cias") == {"CCAS d'Ajaccio"}
    assert names(q="garage") == {"Garage solidaire"}
    assert names(q="permis de conduire") == {"Mission locale de Lyon"}
    response = referent_client.get(LIST, {"lieu": "Nullepartville"})
    assert "Commune inconnue" in page_text(response)
    assert response.context["rows"] == []


def test_pagination_and_constant_queries(referent_client):
    for n in range(3):
        valid_service(OrganisationFactory(name=f"Structure A{n}"))
    small = count_queries(lambda: referent_client.get(LIST))
    for n in range(30):
        organisation = OrganisationFactory(name=f"Structure B{n:02d}", networks=["plie"])
        valid_service(organisation)
        valid_service(organisation, confirmed_on=dt.date(2020, 1, 1))
    big = count_queries(lambda: referent_client.get(LIST))
    assert big == small
    response = referent_client.get(LIST, {"page": 2})
    assert "page 2 sur 2" in page_text(response)


def test_managers_see_their_stale_services_in_the_directory(
    manager_client, organisation, other_organisation
):
    valid_service(organisation, confirmed_on=dt.date(2020, 1, 1))
    valid_service(other_organisation, confirmed_on=dt.date(2020, 1, 1))
    response = manager_client.get(LIST)
    rows = {r["organisation"].pk: r for r in response.context["rows"]}
    assert rows[organisation.pk]["organisation"].stale_services == 1
    assert "1 service à confirmer" in page_text(response)
    assert page_text(response).count("à confirmer</p>") == 1  # not the other organisation's


# --- Organisation page ---------------------------------------------------------------------


def test_organisation_page_shows_published_services(referent_client, other_organisation):
    valid_service(other_organisation, name="Atelier CV")
    valid_service(other_organisation, name="Service caché", is_published=False)
    text = page_text(referent_client.get(f"/annuaire/structures/{other_organisation.pk}/"))
    assert "Atelier CV" in text
    assert "Service caché" not in text
    assert "Ajouter un service" not in text
    assert f"/annuaire/structures/{other_organisation.pk}/services.json" in text


def test_organisation_page_queries_do_not_grow_with_services(manager_client, organisation):
    for n in range(3):
        valid_service(organisation, name=f"Service {n}", confirmed_on=dt.date(2020, 1, 1))
    url = f"/annuaire/structures/{organisation.pk}/"
    small = count_queries(lambda: manager_client.get(url))
    for n in range(30):
        valid_service(organisation, name=f"Autre {n}")
    assert count_queries(lambda: manager_client.get(url)) == small


def test_unknown_or_inactive_organisation_is_404(referent_client):
    closed = OrganisationFactory(is_active=False)
    assert referent_client.get(f"/annuaire/structures/{closed.pk}/").status_code == 404
    assert referent_client.get("/annuaire/structures/999999/").status_code == 404


# --- Partners and directory entries --------------------------------------------------------


def test_member_adds_an_external_partner_with_errors_first(referent_client, referent):
    url = "/annuaire/partenaires/nouveau/"
    bad = {
        "name": "Secours <b>populaire</b>",
        "kind": "association",
        "siret": "123 456 789 00010",
        "commune": "Nullepartville",
        "phone": "12",
        "email": "pas-un-courriel",
    }
    response = referent_client.post(url, bad)
    text = page_text(response)
    assert response.status_code == 200
    assert "clé de contrôle" in text
    assert "Commune inconnue" in text
    assert "Numéro non reconnu" in text
    assert 'value="Secours &lt;b&gt;populaire&lt;/b&gt;"' in response.content.decode()
    good = {
        **bad,
        "siret": valid_siret(9_000_001),
        "commune": "Vénissieux",
        "phone": "04 78 00 00 00",
        "email": "contact@secours.example",
        "networks": ["secours-populaire"],
    }
    response = referent_client.post(url, good)
    partner = Organisation.objects.get(name="Secours <b>populaire</b>")
    assert response.status_code == 302
    assert response["Location"] == f"/annuaire/structures/{partner.pk}/"
    assert partner.is_external and partner.created_by == referent
    assert partner.commune_code == "69259"
    assert partner.networks == ["secours-populaire"]
    # The référent may edit it and add its services (the partner is their organisation's).
    assert referent_client.get(f"/annuaire/structures/{partner.pk}/modifier/").status_code == 200
    response = referent_client.post(
        f"/annuaire/structures/{partner.pk}/services/nouveau/", service_post()
    )
    assert response.status_code == 302


def test_partner_siret_already_in_directory(referent_client, other_organisation):
    response = referent_client.post(
        "/annuaire/partenaires/nouveau/",
        {"name": "Doublon", "kind": "other", "siret": other_organisation.siret, "commune": "69123"},
    )
    assert f"déjà celui de « {other_organisation.name} »" in page_text(response)


def test_manager_edits_the_directory_entry(manager_client, organisation):
    url = f"/annuaire/structures/{organisation.pk}/modifier/"
    response = manager_client.get(url)
    assert "name" not in response.context["form"].fields  # identity is the admins'
    response = manager_client.post(
        url,
        {
            "address": "1 place Bellecour",
            "phone": "0478000000",
            "networks": ["plie"],
            "description": "Présentation",
        },
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.address == "1 place Bellecour"
    assert organisation.networks == ["plie"]


def test_a_stale_directory_entry_form_is_refused_and_keeps_the_input(manager_client, organisation):
    """#11, 3: a manager saving a form opened before a colleague's save is told, and what
    they typed is kept with the current version."""
    url = f"/annuaire/structures/{organisation.pk}/modifier/"
    form = {"address": "2 rue Neuve", "phone": "0478000001", "description": "Ma version"}
    manager_client.post(url, {**form, "version": "1"})
    stale = manager_client.post(url, {**form, "address": "3 rue Vieille", "version": "1"})
    assert stale.status_code == 200
    text = page_text(stale)
    assert "Modifié entre-temps" in text
    assert 'value="3 rue Vieille"' in stale.content.decode()
    organisation.refresh_from_db()
    assert organisation.address == "2 rue Neuve"
    again = manager_client.post(url, {**form, "address": "3 rue Vieille", "version": "2"})
    assert again.status_code == 302
