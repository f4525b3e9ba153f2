"""The duplicates pages (managers only): search, progress, comparison, merge errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from relais.people.models import DistinctPersons, DuplicateSearch, Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

BORN = dt.date(1985, 3, 12)


def two(organisation):
    a = PersonFactory(
        organisation=organisation, birth_name="Dupont", first_names="Jean", birth_date=BORN
    )
    b = PersonFactory(
        organisation=organisation, birth_name="Dupond", first_names="Jean", birth_date=BORN
    )
    return a, b


def test_only_managers(referent_client):
    assert referent_client.get(reverse("people:duplicates")).status_code == 403


def test_search_then_pairs_listed(manager_client, organisation, django_capture_on_commit_callbacks):
    a, b = two(organisation)
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(reverse("people:duplicates"))
    assert response.status_code == 302
    page = manager_client.get(reverse("people:duplicates")).content.decode()
    assert f'data-testid="pair-{a.pk}-{b.pk}"' in page
    assert "Recherche terminée" in page


def test_progress_is_polled_while_running(manager_client, organisation, manager):
    search = DuplicateSearch.objects.create(
        organisation=organisation, requested_by=manager, status="running", progress=42
    )
    response = manager_client.get(reverse("people:duplicates_progress", args=[search.pk]))
    html = response.content.decode()
    assert "42 %" in html and 'hx-trigger="every 2s"' in html


def test_progress_of_another_organisation_is_404(manager_client, other_organisation):
    search = DuplicateSearch.objects.create(organisation=other_organisation)
    assert (
        manager_client.get(reverse("people:duplicates_progress", args=[search.pk])).status_code
        == 404
    )


def test_compare_other_organisation_or_same_record_is_404(
    manager_client, organisation, other_organisation
):
    a, _ = two(organisation)
    stranger = PersonFactory(organisation=other_organisation)
    assert (
        manager_client.get(
            reverse("people:duplicate_compare", args=[a.pk, stranger.pk])
        ).status_code
        == 404
    )
    assert (
        manager_client.get(reverse("people:duplicate_compare", args=[a.pk, a.pk])).status_code
        == 404
    )


def test_compare_shows_reasons_and_marks_distinct(manager_client, organisation):
    a, b = two(organisation)
    url = reverse("people:duplicate_compare", args=[a.pk, b.pk])
    page = manager_client.get(url).content.decode()
    assert "même prénom" in page and "même date de naissance" in page
    response = manager_client.post(url, {"action": "distinct"})
    assert response.status_code == 302
    assert DistinctPersons.objects.filter(first=a, second=b).exists()


def test_stale_merge_is_refused_with_a_french_error(manager_client, organisation):
    a, b = two(organisation)
    url = reverse("people:duplicate_compare", args=[a.pk, b.pk])
    response = manager_client.post(
        url,
        {
            "action": "merge",
            "keep": a.pk,
            f"version_{a.pk}": a.version + 1,
            f"version_{b.pk}": b.version,
        },
    )
    assert response.status_code == 400
    assert "modifié depuis l’affichage" in response.content.decode()
    assert Person.objects.get(pk=b.pk).merged_into_id is None


def test_merge_without_choosing_kept_record_is_refused(manager_client, organisation):
    a, b = two(organisation)
    url = reverse("people:duplicate_compare", args=[a.pk, b.pk])
    response = manager_client.post(url, {"action": "merge", "keep": "999999"})
    assert response.status_code == 400
    assert "Choisissez le dossier à conserver" in response.content.decode()


def test_duplicates_page_queries_do_not_grow_with_pairs(
    manager_client, organisation, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for day in range(1, 6):
        for name in ("Dupont", "Dupond"):
            PersonFactory(
                organisation=organisation,
                birth_name=name,
                first_names="Jean",
                birth_date=dt.date(1980, 1, day),
            )
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse("people:duplicates"))
    with django_assert_max_num_queries(14):
        page = manager_client.get(reverse("people:duplicates")).content.decode()
    assert page.count('data-testid="pair-') >= 5
