"""Directory pages: list with filters and pagination (constant queries), organisation and
service pages, partner and service forms, permissions (403/404), the public
data·inclusion JSON, import and export."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from data_inclusion.schema import v1
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from relais.accounts.models import Organisation
from relais.network.directory import datainclusion
from relais.network.directory.models import Service
from tests.factories import OrganisationFactory, ServiceFactory, valid_siret
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db

LIST = "/annuaire/"
PERMIS = "mobilite--preparer-un-permis"


def valid_service(organisation, **kwargs):
    kwargs.setdefault("thematiques", [PERMIS])
    return ServiceFactory(organisation=organisation, **kwargs)


def service_post(**overrides):
    data = {
        "name": "Atelier mobilité",
        "description": "Préparer son permis et trouver des solutions pour se déplacer.",
        "type": "atelier",
        "thematiques": [PERMIS, "mobilite--financer-ma-mobilite"],
        "publics": ["jeunes"],
        "frais": "gratuit",
        "modes_accueil": ["en-presentiel"],
        "modes_mobilisation": ["telephoner"],
        "mobilisable_par": ["professionnels"],
        "zone_eligibilite": "69, 2A 200046977",
        "commune": "Villeurbanne",
        "phone": "0472000000",
        "email": "mobilite@exemple.fr",
        "horaires_accueil": "du lundi au vendredi, 9 h – 12 h",
        "volume_horaire_hebdomadaire": "3,5",
    }
    data.update(overrides)
    return data


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


# --- Organisation and service pages --------------------------------------------------------


def test_organisation_page_shows_published_services(referent_client, other_organisation):
    valid_service(other_organisation, name="Atelier CV")
    valid_service(other_organisation, name="Service caché", is_published=False)
    text = page_text(referent_client.get(f"/annuaire/structures/{other_organisation.pk}/"))
    assert "Atelier CV" in text
    assert "Service caché" not in text
    assert "Ajouter un service" not in text
    assert f"/annuaire/structures/{other_organisation.pk}/services.json" in text


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


def test_unknown_or_inactive_organisation_is_404(referent_client):
    closed = OrganisationFactory(is_active=False)
    assert referent_client.get(f"/annuaire/structures/{closed.pk}/").status_code == 404
    assert referent_client.get("/annuaire/structures/999999/").status_code == 404


# --- Forms ---------------------------------------------------------------------------------


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


# --- Public data·inclusion JSON ------------------------------------------------------------


def test_services_json_is_public_and_valid(other_organisation):
    valid_service(
        other_organisation,
        name="Permis",
        publics=["jeunes"],
        zone_eligibilite=["69"],
        frais=["gratuit"],
        modes_mobilisation=["telephoner"],
        mobilisable_par=["professionnels"],
    )
    valid_service(other_organisation, name="Ancien", thematiques=["trouver-un-emploi", PERMIS])
    valid_service(other_organisation, name="Caché", is_published=False)
    response = Client().get(f"/annuaire/structures/{other_organisation.pk}/services.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    items = response.json()
    assert [item["nom"] for item in items] == ["Ancien", "Permis"]
    for item in items:
        v1.Service.model_validate(item)
        assert item["structure_id"] == f"relais--{other_organisation.pk}"
    assert items[0]["thematiques"] == [PERMIS]  # a category is not a v1 thématique


def test_structure_json_is_public_and_valid(other_organisation):
    response = Client().get(f"/annuaire/structures/{other_organisation.pk}/structure.json")
    assert response["Content-Type"] == "application/json"
    structure = v1.Structure.model_validate(response.json())
    assert structure.nom == other_organisation.name
    assert structure.code_insee == "69123"


def test_public_json_of_an_inactive_organisation_is_404():
    closed = OrganisationFactory(is_active=False)
    assert Client().get(f"/annuaire/structures/{closed.pk}/services.json").status_code == 404


# --- Import and export ---------------------------------------------------------------------

CSV_HEADER = "source,structure_id,id,nom,description,date_maj,thematiques,publics\n"


def upload(name, content: str | bytes, content_type="text/csv"):
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_import_with_errors_shows_them_by_line_and_imports_nothing(manager_client, organisation):
    content = CSV_HEADER + (
        f"csv,relais--{organisation.pk},csv--1,Atelier CV,Un atelier CV.,2025-01-10,,jeunes\n"
        f"csv,relais--{organisation.pk},csv--2,Atelier,Un atelier.,2025-01-10,,martiens\n"
    )
    response = manager_client.post(
        "/annuaire/import/", {"services_file": upload("services.csv", content)}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Rien n'a été importé : 1 erreur à corriger" in text
    row = response.context["errors_shown"][0]
    assert (row.line, row.field) == (3, "publics")
    assert "Valeur inconnue « martiens »" in text
    assert not Service.objects.exists()


def test_import_success(manager_client, organisation):
    content = (
        CSV_HEADER
        + f"csv,relais--{organisation.pk},csv--1,Atelier CV,Un atelier CV.,2025-01-10,{PERMIS},jeunes\n"
    )
    response = manager_client.post(
        "/annuaire/import/", {"services_file": upload("services.csv", content)}, follow=True
    )
    assert "Import réussi : 0 structure" in page_text(response)
    assert Service.objects.get().organisation == organisation


def test_import_form_errors(manager_client):
    response = manager_client.post("/annuaire/import/", {})
    assert "Choisissez un fichier JSON" in page_text(response)
    big = upload("services.csv", b"x" * (datainclusion.MAX_UPLOAD_BYTES + 10))
    response = manager_client.post("/annuaire/import/", {"services_file": big})
    assert "la limite est de 5 Mo" in page_text(response)
    response = manager_client.post("/annuaire/import/", {"json_file": upload("a.csv", "[]")})
    assert "Format attendu : .json" in page_text(response)


def test_exports(manager_client, referent, organisation):
    valid_service(organisation, name="Atelier")
    response = manager_client.get("/annuaire/export/structure/datainclusion.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    payload = json.loads(response.content)
    assert [s["nom"] for s in payload["services"]] == ["Atelier"]
    v1.Structure.model_validate(payload["structures"][0])
    response = manager_client.get("/annuaire/export/structure/services.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().startswith("source,structure_id,id,nom")
    referent_client = Client()
    login_verified(referent_client, referent)
    assert referent_client.get("/annuaire/export/structure/services.csv").status_code == 403
    assert referent_client.get("/annuaire/export/annuaire/structures.csv").status_code == 200
    assert referent_client.get("/annuaire/export/annuaire/autre.csv").status_code == 404


def test_organisation_page_queries_do_not_grow_with_services(manager_client, organisation):
    for n in range(3):
        valid_service(organisation, name=f"Service {n}", confirmed_on=dt.date(2020, 1, 1))
    url = f"/annuaire/structures/{organisation.pk}/"
    small = count_queries(lambda: manager_client.get(url))
    for n in range(30):
        valid_service(organisation, name=f"Autre {n}")
    assert count_queries(lambda: manager_client.get(url)) == small
