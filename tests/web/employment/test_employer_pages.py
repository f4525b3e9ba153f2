"""Employer and position pages: lists, forms keeping input and reporting every error,
concurrent edits, the import, permissions, and query counts with a batch of rows."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from relais.core.models import AccessLogEntry
from relais.employment.models import Employer, Position, WorkstationAnalysis
from tests.factories import valid_siret
from tests.factories.employment import EmployerFactory, PositionFactory
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_membership(manager):
    return manager.memberships.get()


def test_create_an_employer(manager_client, organisation):
    response = manager_client.post(
        reverse("employment:employer_create"),
        {
            "name": "Boulangerie Martin",
            "siret": valid_siret(44_000_001),
            "naf_code": "1071C",
            "commune_code": "69123",
            "pmsmp_host": "on",
        },
    )
    employer = Employer.objects.get()
    assert response.status_code == 302
    assert employer.naf_code == "10.71C" and employer.pmsmp_host
    page = page_text(manager_client.get(reverse("employment:employer_detail", args=[employer.pk])))
    assert "Boulangerie et boulangerie-pâtisserie" in page


def test_bad_employer_form_keeps_input_and_reports_every_error(manager_client):
    response = manager_client.post(
        reverse("employment:employer_create"),
        {
            "name": "Garage Dupont",
            "siret": "12345678901234",
            "naf_code": "00.00A",
            "commune_code": "99999",
        },
    )
    page = page_text(response)
    assert response.status_code == 200
    assert "clé de contrôle" in page
    assert "00.00A" in page and "n'existe pas" in page
    assert "commune" in page and "inconnue" in page
    assert 'value="Garage Dupont"' in page
    assert not Employer.objects.exists()


def test_concurrent_employer_edit_is_detected(manager_client, organisation):
    employer = EmployerFactory(organisation=organisation, name="Avant")
    Employer.objects.filter(pk=employer.pk).update(version=2, name="Par un collègue")
    response = manager_client.post(
        reverse("employment:employer_update", args=[employer.pk]),
        {"name": "Ma saisie", "siret": employer.siret, "naf_code": "81.21Z", "version": 1},
    )
    page = page_text(response)
    assert "Modifié entre-temps" in page
    assert 'value="Ma saisie"' in page and "Par un collègue" in page
    assert Employer.objects.get().name == "Par un collègue"


def test_other_organisation_employer_is_404(manager_client, other_organisation):
    employer = EmployerFactory(organisation=other_organisation)
    assert (
        manager_client.get(reverse("employment:employer_detail", args=[employer.pk])).status_code
        == 404
    )


def test_staff_reads_but_does_not_write(client, organisation, staff_member):
    login_verified(client, staff_member)
    assert client.get(reverse("employment:employers")).status_code == 200
    assert client.get(reverse("employment:employer_create")).status_code == 403


def test_employer_list_search_and_query_count(manager_client, organisation):
    for n in range(30):
        employer = EmployerFactory(organisation=organisation, name=f"Entreprise {n}")
        PositionFactory(employer=employer)
    EmployerFactory(organisation=organisation, name="Propreté Rhône", naf_code="81.21Z")
    url = reverse("employment:employers")
    page = page_text(manager_client.get(url, {"q": "proprete"}))
    assert "Propreté Rhône" in page and "Entreprise 1" not in page
    small = count_queries(lambda: manager_client.get(url))
    for n in range(30):
        PositionFactory(employer=EmployerFactory(organisation=organisation))
    assert count_queries(lambda: manager_client.get(url)) == small


def test_employer_page_journals_contacts_and_counts_queries(
    manager_client, manager_membership, organisation
):
    from relais.employment import services

    employer = EmployerFactory(organisation=organisation)
    services.employer_contact_add(
        membership=manager_membership, employer=employer, name="Mme Lefèvre"
    )
    url = reverse("employment:employer_detail", args=[employer.pk])
    small = count_queries(lambda: manager_client.get(url))
    for n in range(10):
        services.employer_contact_add(
            membership=manager_membership, employer=employer, name=f"C{n}"
        )
        PositionFactory(employer=employer)
    assert count_queries(lambda: manager_client.get(url)) == small
    assert AccessLogEntry.objects.filter(target_type="employment.employer", action="view").exists()


def test_import_all_or_nothing_with_lines(manager_client, organisation):
    good = valid_siret(44_100_001)
    content = (
        "siret;nom;naf;commune\n"
        f"{good};Entreprise A;81.21Z;69123\n"
        "12345678901234;Entreprise B;81.21Z;69123\n"
        f"{valid_siret(44_100_002)};Entreprise C;99.99Z;69123\n"
        f"{good};Entreprise A bis;81.21Z;69123\n"
    ).encode()
    upload = io.BytesIO(content)
    upload.name = "employeurs.csv"
    page = page_text(manager_client.post(reverse("employment:employer_import"), {"file": upload}))
    assert "Ligne 3" in page and "clé de contrôle" in page
    assert "Ligne 4" in page and "99.99Z" in page
    assert "Ligne 5" in page and "figure déjà ligne 2" in page
    assert not Employer.objects.exists()


def test_import_missing_columns_and_broken_encoding(manager_client):
    upload = io.BytesIO(b"nom;ville\nA;Lyon\n")
    upload.name = "a.csv"
    page = page_text(manager_client.post(reverse("employment:employer_import"), {"file": upload}))
    assert "colonne(s) obligatoire(s) absente(s) : SIRET, NAF" in page
    broken = io.BytesIO(b"siret;nom;naf\n\x81\x8d\x8f;A;B\n")
    broken.name = "b.csv"
    page = page_text(manager_client.post(reverse("employment:employer_import"), {"file": broken}))
    assert "Encodage non reconnu" in page


def test_import_xlsx(manager_client, organisation):
    book = Workbook()
    sheet = book.active
    sheet.append(["SIRET", "Raison sociale", "Code NAF", "Commune", "PMSMP"])
    sheet.append([valid_siret(44_200_001), "Hôtel du Parc", "55.10Z", "69123", "oui"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "liste.xlsx"
    response = manager_client.post(reverse("employment:employer_import"), {"file": buffer})
    assert response.status_code == 302
    employer = Employer.objects.get()
    assert employer.name == "Hôtel du Parc" and employer.pmsmp_host


def test_referent_cannot_import(referent_client):
    assert referent_client.get(reverse("employment:employer_import")).status_code == 403


def test_position_without_rome_is_refused_and_input_kept(manager_client, organisation):
    employer = EmployerFactory(organisation=organisation)
    page = page_text(
        manager_client.post(
            reverse("employment:position_create", args=[employer.pk]),
            {
                "rome_code": "",
                "contract_type": "cdi",
                "weekly_hours": "70",
                "schedule": "day",
                "commune_code": "69123",
                "requirements": "Savoir nager",
            },
        )
    )
    assert "Ce champ est obligatoire" in page or "code ROME" in page
    assert "Savoir nager" in page
    assert not Position.objects.exists()


def test_position_create_and_status(manager_client, organisation):
    employer = EmployerFactory(organisation=organisation)
    response = manager_client.post(
        reverse("employment:position_create", args=[employer.pk]),
        {
            "rome_code": "G1605",
            "appellation": "Plongeur / Plongeuse en restauration",
            "contract_type": "cdd",
            "weekly_hours": "20",
            "schedule": "split",
            "commune_code": "69123",
            "required_abilities": ["pace", "hygiene"],
        },
    )
    position = Position.objects.get()
    assert response.status_code == 302
    manager_client.post(
        reverse("employment:position_status", args=[position.pk]),
        {"status": "filled", "version": position.version},
    )
    position.refresh_from_db()
    assert position.status == "filled"


def test_positions_list_query_count(manager_client, organisation):
    PositionFactory(employer__organisation=organisation)
    url = reverse("employment:positions")
    small = count_queries(lambda: manager_client.get(url))
    for _ in range(20):
        PositionFactory(employer__organisation=organisation)
    assert count_queries(lambda: manager_client.get(url)) == small


def test_analysis_create_edit_conflict_and_pdf(manager_client, organisation):
    position = PositionFactory(employer__organisation=organisation)
    data = {
        "observed_on": "2026-11-02",
        "tutor_name": "Mme Durand",
        "pace": "Soutenu",
        "task-TOTAL_FORMS": "3",
        "task-INITIAL_FORMS": "0",
        "task-0-prescribed": "Nettoyer",
        "task-0-real": "Nettoyer et ranger",
        "task-0-abilities": ["hygiene"],
        "task-0-gap": "Rangement non prévu",
    }
    response = manager_client.post(reverse("employment:analysis_create", args=[position.pk]), data)
    analysis = WorkstationAnalysis.objects.get()
    assert response.status_code == 302 and analysis.tasks[0]["gap"] == "Rangement non prévu"
    WorkstationAnalysis.objects.filter(pk=analysis.pk).update(version=2)
    url = reverse("employment:analysis_update", args=[position.pk, analysis.pk])
    page = page_text(manager_client.post(url, {**data, "version": 1, "pace": "Mon rythme"}))
    assert "Modifié entre-temps" in page and "Mon rythme" in page
    pdf = manager_client.get(reverse("employment:analysis_pdf", args=[position.pk, analysis.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_basin(manager_client, organisation):
    for _ in range(3):
        PositionFactory(employer__organisation=organisation)
    PositionFactory(employer__organisation=organisation, rome_code="N1103", appellation="")
    page = page_text(manager_client.get(reverse("employment:basin")))
    assert "Services à la personne et à la collectivité" in page
    assert "Transport et logistique" in page
    assert "<svg" in manager_client.get(reverse("employment:basin")).content.decode()
