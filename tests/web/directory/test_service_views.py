"""Directory pages of services: the service page and its labels, the stale warning and its
confirmation, the service form (errors kept with the input, stale versions), publication,
and who may do what (403/404)."""

from __future__ import annotations

import datetime as dt

import pytest

from relais.network.directory.models import Service
from tests.helpers import page_text
from tests.web.directory.support import PERMIS, service_post, valid_service

pytestmark = pytest.mark.django_db


# --- Service page --------------------------------------------------------------------------


def test_manager_sees_stale_warning_and_confirms(manager_client, organisation):
    service = valid_service(organisation, name="Atelier CV", confirmed_on=dt.date(2020, 1, 1))
    text = page_text(manager_client.get(f"/annuaire/structures/{organisation.pk}/"))
    assert "n'a pas été confirmé à jour depuis plus de 6 mois" in text
    text = page_text(manager_client.get(f"/annuaire/services/{service.pk}/"))
    assert 'data-testid="stale-warning"' in text
    response = manager_client.post(f"/annuaire/services/{service.pk}/confirmer/")
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.confirmed_on == dt.date.today() or service.confirmed_on is not None
    text = page_text(manager_client.get(f"/annuaire/services/{service.pk}/"))
    assert 'data-testid="stale-warning"' not in text


def test_referent_sees_no_stale_warning(referent_client, organisation):
    service = valid_service(organisation, confirmed_on=dt.date(2020, 1, 1))
    text = page_text(referent_client.get(f"/annuaire/services/{service.pk}/"))
    assert 'data-testid="stale-warning"' not in text
    assert "Modifier" not in text


def test_service_page_labels(referent_client, other_organisation):
    service = valid_service(
        other_organisation,
        publics=["jeunes"],
        zone_eligibilite=["69", "69266", "france"],
        modes_accueil=["a-distance"],
        description="<script>alert(1)</script>",
    )
    response = referent_client.get(f"/annuaire/services/{service.pk}/")
    text = response.content.decode()
    assert "Mobilité : Préparer un permis" in page_text(response)
    assert "Jeunes" in text and "À distance" in page_text(response)
    assert "Département 69" in text and "Villeurbanne (69266)" in text and "France entière" in text
    assert "<script>alert(1)</script>" not in text


def test_service_page_shows_its_phone_and_email(referent_client, other_organisation):
    service = valid_service(other_organisation, phone="04 78 12 34 56", email="permis@exemple.fr")
    text = page_text(referent_client.get(f"/annuaire/services/{service.pk}/"))
    assert '<a href="tel:0478123456">04 78 12 34 56</a>' in text
    assert '<a href="mailto:permis@exemple.fr">permis@exemple.fr</a>' in text


def test_service_page_falls_back_on_its_organisations_contact(referent_client, other_organisation):
    other_organisation.phone = "04 72 00 00 01"
    other_organisation.email = "accueil@exemple.fr"
    other_organisation.save()
    service = valid_service(other_organisation, phone="", email="")
    text = page_text(referent_client.get(f"/annuaire/services/{service.pk}/"))
    assert "04 72 00 00 01</a> <span" in text and "(accueil de la structure)" in text
    assert "mailto:accueil@exemple.fr" in text
    other_organisation.phone = other_organisation.email = ""
    other_organisation.save()
    text = page_text(referent_client.get(f"/annuaire/services/{service.pk}/"))
    assert text.count("Non précisé</dd>") >= 2


# --- Permissions ---------------------------------------------------------------------------


def test_another_organisations_manager_is_refused(manager_client, other_organisation):
    published = valid_service(other_organisation)
    hidden = valid_service(other_organisation, is_published=False)
    assert manager_client.get(f"/annuaire/services/{published.pk}/modifier/").status_code == 403
    assert manager_client.post(f"/annuaire/services/{published.pk}/confirmer/").status_code == 403
    assert manager_client.post(f"/annuaire/services/{published.pk}/publication/").status_code == 403
    assert manager_client.get(f"/annuaire/services/{hidden.pk}/").status_code == 404
    assert manager_client.get(f"/annuaire/services/{hidden.pk}/modifier/").status_code == 404
    assert (
        manager_client.get(f"/annuaire/structures/{other_organisation.pk}/modifier/").status_code
        == 403
    )
    assert (
        manager_client.post(
            f"/annuaire/structures/{other_organisation.pk}/services/nouveau/", service_post()
        ).status_code
        == 403
    )
    assert Service.objects.filter(organisation=other_organisation).count() == 2


def test_referent_cannot_edit_own_organisation_services(referent_client, organisation):
    service = valid_service(organisation)
    assert referent_client.get(f"/annuaire/services/{service.pk}/modifier/").status_code == 403
    assert (
        referent_client.get(f"/annuaire/structures/{organisation.pk}/services/nouveau/").status_code
        == 403
    )
    assert referent_client.get("/annuaire/import/").status_code == 403


# --- Service form and publication -----------------------------------------------------------


def test_manager_creates_a_service(manager_client, organisation):
    response = manager_client.get(f"/annuaire/structures/{organisation.pk}/services/nouveau/")
    assert response.status_code == 200
    assert "Mobilité" in page_text(response)
    response = manager_client.post(
        f"/annuaire/structures/{organisation.pk}/services/nouveau/", service_post()
    )
    service = Service.objects.get(organisation=organisation)
    assert response.status_code == 302
    assert response["Location"] == f"/annuaire/services/{service.pk}/"
    assert service.thematiques == [PERMIS, "mobilite--financer-ma-mobilite"]
    assert service.frais == ["gratuit"]
    assert service.zone_eligibilite == ["69", "2A", "200046977"]
    assert service.commune_code == "69266"
    assert service.volume_horaire_hebdomadaire == 3.5
    assert service.phone == "04 72 00 00 00"
    assert set(service.thematique_rows.values_list("thematique", flat=True)) == {
        "mobilite",
        PERMIS,
        "mobilite--financer-ma-mobilite",
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"zone_eligibilite": "69 lyon 20"}, "n'est pas un code reconnu"),
        ({"publics": ["tous-publics", "jeunes"]}, "« Tous publics » ne peut pas"),
        ({"commune": ""}, "Indiquez la commune où le service accueille le public en présentiel"),
        ({"latitude": "40.42", "longitude": "-3.70"}, "hors de France"),
        ({"latitude": "45.7"}, "ensemble"),
        ({"name": "AB"}, "au moins 3 caractères"),
        ({"thematiques": ["mobilite"]}, "Sélectionnez un choix valide"),
        ({"lien_mobilisation": "javascript:alert(1)"}, "Saisissez une URL valide"),
    ],
)
def test_service_form_errors_keep_input(manager_client, organisation, overrides, message):
    response = manager_client.post(
        f"/annuaire/structures/{organisation.pk}/services/nouveau/", service_post(**overrides)
    )
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert 'value="Atelier mobilité"' in text or 'value="AB"' in text
    assert not Service.objects.exists()


def test_edit_with_a_stale_version_keeps_input(manager_client, organisation, manager):
    service = valid_service(
        organisation, name="Atelier", thematiques=[PERMIS], commune_code="69123"
    )
    url = f"/annuaire/services/{service.pk}/modifier/"
    page = manager_client.get(url)
    assert page.context["form"]["version"].value() == 1
    Service.objects.filter(pk=service.pk).update(
        version=2, name="Atelier renommé", updated_by=manager
    )
    response = manager_client.post(url, service_post(name="Mon nom", version="1"))
    text = page_text(response)
    assert "Modifié entre-temps par" in text
    assert "Atelier renommé" in text  # the colleague's version
    assert 'value="Mon nom"' in text
    assert response.context["form"]["version"].value() == "2"
    response = manager_client.post(url, service_post(name="Mon nom", version="2"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Mon nom" and service.version == 3


def test_edit_form_shows_commune_centre_coordinates_empty(manager_client, organisation):
    service = valid_service(
        organisation, commune_code="69123", latitude=45.76404, longitude=4.83566
    )
    form = manager_client.get(f"/annuaire/services/{service.pk}/modifier/").context["form"]
    assert form["latitude"].value() is None
    assert form["commune"].value() == "Lyon (69123)"


def test_unpublish_and_publish(manager_client, organisation):
    service = valid_service(organisation)
    manager_client.post(f"/annuaire/services/{service.pk}/publication/", {"publier": "0"})
    service.refresh_from_db()
    assert not service.is_published
    manager_client.post(f"/annuaire/services/{service.pk}/publication/", {"publier": "1"})
    service.refresh_from_db()
    assert service.is_published
