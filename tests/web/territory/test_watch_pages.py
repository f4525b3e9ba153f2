"""The watch log's pages: search and filters, pagination keeping them, a fixed number of
queries; editing and deleting an entry (author or manager; colleagues read; another
organisation: 404), bad input kept with French errors, concurrent edits."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from relais.territory import watch
from relais.territory.models import WatchItem
from tests.factories.accounts import MembershipFactory
from tests.factories.territory import NeedsAnalysisFactory, TerritoryFactory, WatchItemFactory
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


@pytest.fixture
def entry(organisation, referent):
    return watch.watch_item_create(
        membership=referent.memberships.get(),
        published_on=timezone.localdate(),
        title="Loi plein emploi",
        source="Légifrance",
        summary="Inscription de tous les allocataires",
        tags=["rsa", "emploi"],
        theme="employment",
    )


def _post_data(item, **values) -> dict:
    data = {
        "published_on": item.published_on.isoformat(),
        "title": item.title,
        "source": item.source,
        "url": item.url,
        "summary": item.summary,
        "tags": ", ".join(item.tags),
        "theme": item.theme,
        "territory": item.territory_id or "",
        "updated_at": item.updated_at.isoformat(),
    }
    return data | values


def test_list_filters_by_words_theme_territory_and_tag(referent_client, organisation, referent):
    membership = referent.memberships.get()
    east = TerritoryFactory(organisation=organisation, name="Est")
    today = timezone.localdate()

    def add(title, **values):
        return watch.watch_item_create(
            membership=membership, published_on=today, title=title, source="DREETS", **values
        )

    add("Appel à projets insertion", summary="Jeunes NEET", tags=["jeunes"], theme="youth")
    add("Schéma habitat", territory=east, theme="housing", tags=["logement"])
    add("Baromètre santé", tags=["santé mentale"], theme="health")
    url = reverse("territory:watch")

    def titles(**params):
        text = page_text(referent_client.get(url, params))
        return {
            t
            for t in ("Appel à projets insertion", "Schéma habitat", "Baromètre santé")
            if t in text
        }

    assert titles(q="neet") == {"Appel à projets insertion"}  # summary
    assert titles(q="dreets habitat") == {"Schéma habitat"}  # source and title
    assert titles(q="mentale") == {"Baromètre santé"}  # tags
    assert titles(theme="housing") == {"Schéma habitat"}
    assert titles(territoire=east.pk) == {"Schéma habitat"}
    assert titles(tag="Santé mentale") == {"Baromètre santé"}
    # Unknown theme or another organisation's territory: the filter is ignored.
    assert len(titles(theme="astrologie", territoire=TerritoryFactory().pk)) == 3
    text = page_text(referent_client.get(url, {"tag": "jeunes"}))
    assert 'value="jeunes"' in text and "1 entrée" in text
    assert 'href="?tag=sant%C3%A9%20mentale"' in page_text(referent_client.get(url))


def test_pagination_keeps_the_filters(referent_client, organisation):
    for i in range(31):
        WatchItemFactory(
            organisation=organisation, title=f"Note {i}", search_key="note", theme="health"
        )
    WatchItemFactory(organisation=organisation, title="Autre", search_key="autre")
    response = referent_client.get(reverse("territory:watch"), {"q": "note", "theme": "health"})
    text = page_text(response)
    assert "31 entrées" in text and "1 / 2" in text
    assert 'href="?page=2&q=note&theme=health"' in text
    second = referent_client.get(reverse("territory:watch"), {"page": 2, "q": "note"})
    assert len(second.context["page"].object_list) == 1


def test_list_query_count_does_not_grow_with_entries(
    referent_client, organisation, entry, django_assert_num_queries
):
    url = reverse("territory:watch")
    few = count_queries(lambda: referent_client.get(url))
    for i in range(12):
        WatchItemFactory(
            organisation=organisation,
            territory=TerritoryFactory(organisation=organisation),
            tags=["a", "b"],
            created_by=MembershipFactory(organisation=organisation).user,
            title=f"Entrée {i}",
        )
    with django_assert_num_queries(few):
        response = referent_client.get(url, {"tag": "a"})
    assert len(response.context["page"].object_list) == 12


def test_only_the_author_and_managers_see_the_edit_links(
    referent_client, organisation, entry, manager
):
    edit = reverse("territory:watch_edit", args=[entry.pk])
    assert edit in referent_client.get(reverse("territory:watch")).content.decode()
    assert edit in _client(manager).get(reverse("territory:watch")).content.decode()
    colleague = MembershipFactory(organisation=organisation, role="referent").user
    page = _client(colleague).get(reverse("territory:watch")).content.decode()
    assert "Loi plein emploi" in page and edit not in page


def test_author_edits_an_entry(referent_client, entry):
    url = reverse("territory:watch_edit", args=[entry.pk])
    form = page_text(referent_client.get(url))
    assert 'value="Loi plein emploi"' in form and 'value="emploi, rsa"' in form
    assert f'name="updated_at" value="{entry.updated_at.isoformat()}"' in form
    response = referent_client.post(url, _post_data(entry, title="Loi du 18 décembre 2023"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('territory:watch')}#veille-{entry.pk}"
    entry.refresh_from_db()
    assert entry.title == "Loi du 18 décembre 2023"


def test_manager_edits_and_deletes_a_colleagues_entry(entry, manager):
    client = _client(manager)
    url = reverse("territory:watch_edit", args=[entry.pk])
    assert client.post(url, _post_data(entry, source="JORF")).status_code == 302
    entry.refresh_from_db()
    assert entry.source == "JORF"
    delete = reverse("territory:watch_delete", args=[entry.pk])
    assert "Supprimer définitivement" in page_text(client.get(delete))
    assert client.post(delete).status_code == 302
    assert not WatchItem.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("role", ["referent", "staff"])
def test_colleagues_read_but_may_not_change(organisation, entry, role):
    client = _client(MembershipFactory(organisation=organisation, role=role).user)
    assert "Loi plein emploi" in page_text(client.get(reverse("territory:watch")))
    for name in ("territory:watch_edit", "territory:watch_delete"):
        url = reverse(name, args=[entry.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, _post_data(entry, title="Non")).status_code == 403
    entry.refresh_from_db()
    assert entry.title == "Loi plein emploi"


def test_another_organisation_gets_404_and_sees_nothing(entry):
    outsider = _client(MembershipFactory(role="manager").user)
    assert "Loi plein emploi" not in page_text(outsider.get(reverse("territory:watch")))
    for name in ("territory:watch_edit", "territory:watch_delete"):
        url = reverse(name, args=[entry.pk])
        assert outsider.get(url).status_code == 404
        assert outsider.post(url, _post_data(entry)).status_code == 404
    assert WatchItem.objects.filter(pk=entry.pk, title="Loi plein emploi").exists()


def test_bad_input_keeps_what_was_typed(referent_client, entry):
    url = reverse("territory:watch_edit", args=[entry.pk])
    data = _post_data(
        entry,
        title="",
        source="x" * 201,
        published_on="31/02/2026",
        url="pas un lien",
        summary="Mon résumé",
        tags="a, " + "b" * 60,
        theme="astrologie",
    )
    response = referent_client.post(url, data)
    text = page_text(response)
    assert response.status_code == 200
    for message in ("Donnez un titre.", "Date invalide", "Lien invalide", "Sélectionnez un choix"):
        assert message in text, message
    assert "Mon résumé</textarea>" in text and 'value="pas un lien"' in text
    entry.refresh_from_db()
    assert entry.title == "Loi plein emploi"
    # The service's own rules, with every other field valid.
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    text = page_text(
        referent_client.post(url, _post_data(entry, published_on=future, tags="b" * 60))
    )
    assert "La date ne peut pas être dans le futur." in text
    assert "50 caractères au plus" in text
    assert 'value="' + "b" * 60 + '"' in text


def test_a_tampered_updated_at_is_refused(referent_client, entry):
    url = reverse("territory:watch_edit", args=[entry.pk])
    for value in ("hier", "2026-01-01T10:00:00"):  # not a date; no time zone
        text = page_text(referent_client.post(url, _post_data(entry, updated_at=value)))
        assert "rechargez la page" in text
    entry.refresh_from_db()
    assert entry.title == "Loi plein emploi"


def test_a_concurrent_edit_is_detected_and_the_input_kept(referent_client, entry, manager):
    url = reverse("territory:watch_edit", args=[entry.pk])
    opened = _post_data(entry)
    assert (
        _client(manager).post(url, opened | {"title": "Titre de la responsable"}).status_code == 302
    )
    response = referent_client.post(url, opened | {"title": "Mon titre"})
    text = page_text(response)
    assert response.status_code == 409
    assert "modifiée entre-temps" in text and "Vos saisies sont conservées" in text
    assert 'value="Mon titre"' in text
    stale = text.split('data-testid="watch-stale"', 1)[1]
    assert "Titre de la responsable" in stale
    entry.refresh_from_db()
    assert entry.title == "Titre de la responsable"
    # The form now carries the current updated_at: saving again applies the input.
    assert f'name="updated_at" value="{entry.updated_at.isoformat()}"' in text
    again = referent_client.post(
        url, opened | {"title": "Mon titre", "updated_at": entry.updated_at.isoformat()}
    )
    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "Mon titre"


def test_deleting_a_cited_entry_is_refused_with_the_analyses_named(
    referent_client, organisation, entry
):
    analysis = NeedsAnalysisFactory(
        territory__organisation=organisation,
        title="ABS 2026 — Est",
        narratives={"problem": f"Comme le montre [veille {entry.pk}]."},
    )
    url = reverse("territory:watch_delete", args=[entry.pk])
    page = page_text(referent_client.get(url))
    citing = page.split('data-testid="watch-citing"', 1)[1]
    assert "ABS 2026 — Est" in citing
    assert reverse("territory:analysis", args=[analysis.pk]) in citing
    assert "Supprimer définitivement" not in page
    response = referent_client.post(url)
    text = page_text(response)
    assert response.status_code == 409
    assert "retirez d'abord la citation" in text
    assert WatchItem.objects.filter(pk=entry.pk).exists()
    # The analysis still lists it among the cited watch.
    cited = page_text(referent_client.get(reverse("territory:analysis", args=[analysis.pk])))
    assert "Loi plein emploi" in cited.split('data-testid="watch-cited"', 1)[1]


def test_an_unknown_entry_is_404(referent_client):
    assert referent_client.get(reverse("territory:watch_edit", args=[999999])).status_code == 404
