"""Pages of the employment basin: importing a labour-market file (good and broken), the
trades in tension of a territory, permissions and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relais.territory.models import LabourDataset, LabourFigure
from tests.factories.accounts import UserFactory
from tests.factories.territory import TerritoryFactory
from tests.helpers import count_queries, page_text

pytestmark = pytest.mark.django_db


def _dataset(organisation, rows):
    dataset = LabourDataset.objects.create(
        organisation=organisation,
        title="BMO 2025",
        source="France Travail, BMO",
        year=2025,
        original_name="bmo.csv",
        rows=len(rows),
        created_by=UserFactory(),
    )
    LabourFigure.objects.bulk_create(
        LabourFigure(dataset=dataset, area_code=area, rome_code=rome, projects=p, difficult=d)
        for area, rome, p, d in rows
    )
    return dataset


def test_manager_imports_a_bmo_file(manager_client, organisation):
    content = "code_rome;BE23;NOMBE23;met;xmet\nA1203;69;Rhône;120;60\n".encode("cp1252")
    response = manager_client.post(
        reverse("territory:labour"),
        {
            "title": "BMO 2025",
            "source": "France Travail",
            "year": "2025",
            "file": SimpleUploadedFile("bmo.csv", content),
        },
    )
    assert response.status_code == 302
    assert LabourFigure.objects.get(dataset__organisation=organisation).projects == 120


def test_broken_file_lists_every_line_and_keeps_input(manager_client):
    content = b"code_rome;BE23;met\nZZ;69;1\nA1203;69;abc\n"
    response = manager_client.post(
        reverse("territory:labour"),
        {
            "title": "Mon titre",
            "source": "France Travail",
            "year": "2025",
            "file": SimpleUploadedFile("bmo.csv", content),
        },
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Ligne 2 : « ZZ »" in text and "code ROME" in text
    assert "Ligne 3 : « abc »" in text
    assert 'value="Mon titre"' in text
    assert not LabourDataset.objects.exists()


def test_form_reports_every_error_at_once(manager_client):
    response = manager_client.post(
        reverse("territory:labour"), {"title": "", "source": "", "year": "deux mille"}
    )
    text = page_text(response)
    for message in (
        "Donnez un titre aux données.",
        "Indiquez la source des chiffres.",
        "Indiquez une année en chiffres.",
        "Choisissez un fichier.",
    ):
        assert message in text


def test_referent_reads_but_cannot_import(referent_client):
    assert referent_client.get(reverse("territory:labour")).status_code == 200
    response = referent_client.post(reverse("territory:labour"), {"title": "x"})
    assert response.status_code == 403


def test_basin_shows_trades_in_tension_with_rome_referential(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)  # Lyon and Villeurbanne (69)
    _dataset(
        organisation,
        [("69", "A1203", 100, 20), ("69", "G1603", 40, 30), ("01", "K2204", 900, 900)],
    )
    response = referent_client.get(reverse("territory:basin", args=[territory.pk]))
    text = page_text(response)
    assert "<svg" in text
    table = text.split('data-testid="trades-table"', 1)[1]
    # Areas named like the territory's département are its basin by default; G1603 (75 %)
    # before A1203 (20 %); the Ain's K2204 left out.
    assert table.index("G1603") < table.index("A1203") and "K2204" not in table
    assert "75,0" in table and "20,0" in table
    assert "référentiel ROME de Relais" in table


def test_basin_chosen_areas_and_bad_choice(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)
    dataset = _dataset(organisation, [("8401", "A1203", 10, 1), ("8402", "G1603", 10, 9)])
    url = reverse("territory:basin", args=[territory.pk])
    text = page_text(referent_client.get(url, {"jeu": dataset.pk, "zones": ["8402"]}))
    assert "G1603" in text.split("trades-table", 1)[1]
    assert "A1203" not in text.split("trades-table", 1)[1]
    text = page_text(referent_client.get(url, {"jeu": dataset.pk, "zones": ["0000"]}))
    assert "« 0000 »" in text and "pas une zone de ces données" in text


def test_basin_of_another_organisation_is_404_and_its_data_invisible(
    referent_client, organisation, other_organisation
):
    other = TerritoryFactory()
    assert referent_client.get(reverse("territory:basin", args=[other.pk])).status_code == 404
    theirs = _dataset(other_organisation, [("69", "A1203", 10, 1)])
    territory = TerritoryFactory(organisation=organisation)
    url = reverse("territory:basin", args=[territory.pk])
    text = page_text(referent_client.get(url, {"jeu": theirs.pk}))
    assert "A1203" not in text


def test_basin_query_count_does_not_grow_with_trades(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)
    dataset = _dataset(organisation, [("69", "A1203", 10, 1)])
    url = reverse("territory:basin", args=[territory.pk])
    few = count_queries(lambda: referent_client.get(url))
    LabourFigure.objects.bulk_create(
        LabourFigure(dataset=dataset, area_code="69", rome_code=f"B{1000 + i}", projects=5)
        for i in range(60)
    )
    assert count_queries(lambda: referent_client.get(url)) == few


def test_the_basin_is_linked_from_the_territory_pages(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation, name="Est lyonnais")
    basin = reverse("territory:basin", args=[territory.pk])
    for page in (
        reverse("territory:portrait", args=[territory.pk]),
        reverse("territory:needs", args=[territory.pk]),
        reverse("territory:home"),
        reverse("territory:labour"),
    ):
        assert f'href="{basin}"' in referent_client.get(page).content.decode(), page
    text = page_text(referent_client.get(reverse("territory:labour")))
    assert "Bassin d'emploi : Est lyonnais" in text


def test_the_demo_labour_file_shows_on_the_basin_page(manager_client, organisation, manager):
    """The demo's labour-market file, imported through the service, gives a territory of the
    Rhône its trades in tension, labelled as demo figures."""
    from relais.demo.territory import _seed_labour

    _seed_labour(manager.memberships.get())
    territory = TerritoryFactory(organisation=organisation)
    response = manager_client.get(reverse("territory:basin", args=[territory.pk]))
    assert response.context["chosen"] == ["69"]
    assert len(response.context["rows"]) >= 10
    text = page_text(response)
    assert "Chiffres de démonstration" in text
    assert "J1501" in text


def test_basin_links_each_rome_trade_to_the_organisations_positions(referent_client, organisation):
    from relais.employment.references import rome_label
    from tests.factories.employment import PositionFactory

    territory = TerritoryFactory(organisation=organisation)
    _dataset(organisation, [("69", "K2204", 100, 60), ("69", "G1603", 40, 30)])
    PositionFactory.create_batch(2, employer__organisation=organisation, rome_code="K2204")
    PositionFactory(employer__organisation=organisation, rome_code="K2204", status="filled")
    PositionFactory(rome_code="G1603")  # another organisation's
    response = referent_client.get(reverse("territory:basin", args=[territory.pk]))
    table = page_text(response).split('data-testid="trades-table"', 1)[1]
    positions = reverse("employment:positions")
    cleaning = table.split("<tr>", 3)[2]  # K2204's row (60 %)
    kitchen = table.split("<tr>", 3)[3]
    assert "G1603" in kitchen
    assert f'href="{positions}?rome=K2204&statut=open"' in cleaning
    assert rome_label("K2204") in cleaning and "2 postes ouverts" in cleaning
    assert f'href="{positions}?rome=G1603&statut=open"' in kitchen
    assert "aucun poste ouvert" in kitchen
    # The link leads to the positions of that trade.
    listed = page_text(referent_client.get(positions, {"rome": "K2204", "statut": "open"}))
    assert "2 postes" in listed


def test_basin_trade_outside_the_referential_has_no_link(referent_client, organisation):
    territory = TerritoryFactory(organisation=organisation)
    _dataset(organisation, [("69", "Z9999", 10, 5)])
    table = page_text(referent_client.get(reverse("territory:basin", args=[territory.pk])))
    table = table.split('data-testid="trades-table"', 1)[1]
    assert "Z9999" in table and "hors référentiel ROME" in table
    assert "rome=Z9999" not in table
