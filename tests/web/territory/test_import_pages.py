"""The import page: the file's format, the progress of each pass, an import that stopped
(« Interrompu ») and its relaunch, refused twice for one indicator."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.territory.models import ImportStatus, IndicatorImport
from tests.factories.territory import IndicatorFactory
from tests.helpers import login_verified, page_text

pytestmark = pytest.mark.django_db

CONTENT = "Code;Année;Valeur\n69266;2021;12 345,6\n".encode("cp1252")
MAPPING = {"layout": "long", "code": 0, "year": 1, "value": 2}


def uploaded(client, organisation, content=CONTENT) -> IndicatorImport:
    indicator = IndicatorFactory(organisation=organisation)
    client.post(
        reverse("territory:import_upload"),
        {"indicator": indicator.pk, "file": SimpleUploadedFile("rsa.csv", content)},
    )
    return IndicatorImport.objects.latest("id")


def stalled(job: IndicatorImport) -> None:
    IndicatorImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, updated_at=timezone.now() - dt.timedelta(minutes=12)
    )


def test_the_format_found_at_upload_is_shown(manager_client, organisation):
    job = uploaded(manager_client, organisation)
    url = reverse("territory:import_detail", args=[job.pk])
    assert "Encodage : Windows-1252 · séparateur : point-virgule" in page_text(
        manager_client.get(url)
    )
    manager_client.post(url, MAPPING)  # queued: the task runs on commit, not in this test
    text = page_text(manager_client.get(url))
    assert "Encodage : Windows-1252 · séparateur : point-virgule" in text
    assert "Import en file d'attente" in text


def test_the_store_pass_shows_its_own_progress(manager_client, organisation):
    job = uploaded(manager_client, organisation)
    IndicatorImport.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, values_checked=200, values_imported=50
    )
    text = page_text(manager_client.get(reverse("territory:import_progress", args=[job.pk])))
    assert "Enregistrement des valeurs : 25 % (50 sur 200)." in text


def test_a_stalled_import_is_shown_interrupted_and_relaunched(
    manager_client, organisation, django_capture_on_commit_callbacks
):
    job = uploaded(manager_client, organisation)
    manager_client.post(reverse("territory:import_detail", args=[job.pk]), MAPPING)
    stalled(job)
    response = manager_client.get(reverse("territory:import_detail", args=[job.pk]))
    text = page_text(response)
    assert "Interrompu" in text and "Relancer l'import" in text
    assert "hx-trigger" not in response.content.decode()  # no polling of a dead import
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("territory:import_restart", args=[job.pk]))
    assert response.url == reverse("territory:import_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ImportStatus.DONE, 2), job.errors
    text = page_text(manager_client.get(response.url))
    assert "Import terminé : 1 valeur enregistrée" in text
    assert "tentative 2" in text


def test_a_running_import_is_not_relaunched(manager_client, organisation):
    job = uploaded(manager_client, organisation)
    manager_client.post(reverse("territory:import_detail", args=[job.pk]), MAPPING)
    response = manager_client.post(reverse("territory:import_restart", args=[job.pk]), follow=True)
    assert "n'est pas interrompu" in page_text(response)
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ImportStatus.QUEUED, 1)


def test_relaunch_is_a_post_of_the_organisation_s_managers_with_csrf(
    manager_client, organisation, manager, referent
):
    job = uploaded(manager_client, organisation)
    stalled(job)
    url = reverse("territory:import_restart", args=[job.pk])
    assert manager_client.get(url).status_code == 405
    referent_client = Client()
    login_verified(referent_client, referent)
    assert referent_client.post(url).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    login_verified(strict, manager)
    assert strict.post(url).status_code == 403
    other = IndicatorImport.objects.create(
        organisation=IndicatorFactory().organisation,
        created_by=manager,
        indicator=IndicatorFactory(),
        file="territory/imports/x.csv",
        original_name="x.csv",
    )
    assert (
        manager_client.post(reverse("territory:import_restart", args=[other.pk])).status_code == 404
    )
    job.refresh_from_db()
    assert job.attempt == 1


def test_a_second_import_of_one_indicator_is_refused_on_the_page(manager_client, organisation):
    first = uploaded(manager_client, organisation)
    manager_client.post(reverse("territory:import_detail", args=[first.pk]), MAPPING)
    manager_client.post(
        reverse("territory:import_upload"),
        {"indicator": first.indicator_id, "file": SimpleUploadedFile("bis.csv", CONTENT)},
    )
    second = IndicatorImport.objects.latest("id")
    text = page_text(
        manager_client.post(reverse("territory:import_detail", args=[second.pk]), MAPPING)
    )
    assert "Un import de cet indicateur est déjà en cours" in text
    second.refresh_from_db()
    assert second.status == ImportStatus.PENDING


def test_the_list_of_imports_says_interrupted(manager_client, organisation):
    job = uploaded(manager_client, organisation)
    stalled(job)
    text = page_text(manager_client.get(reverse("territory:indicators")))
    assert f"rsa.csv</a> — {job.indicator.name} — Interrompu" in text
