"""The watch log's writes (create, update with concurrent edits, delete refused while an
analysis cites the entry), who may change an entry, and the territory QuerySets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.territory import watch
from relais.territory.models import (
    Indicator,
    LabourDataset,
    NeedsAnalysis,
    PoolingAgreement,
    Territory,
    WatchItem,
)
from relais.territory.policies import can_change_watch_item
from relais.territory.services import MultipleErrors
from tests.factories.accounts import MembershipFactory, UserFactory
from tests.factories.territory import (
    IndicatorFactory,
    NeedsAnalysisFactory,
    PoolingAgreementFactory,
    TerritoryFactory,
    WatchItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(organisation):
    return MembershipFactory(organisation=organisation, role="referent")


def _create(membership, **values):
    defaults = {"published_on": timezone.localdate(), "title": "Loi", "source": "Légifrance"}
    return watch.watch_item_create(membership=membership, **(defaults | values))


def _update(membership, item, **values):
    fields = {
        "published_on": item.published_on,
        "title": item.title,
        "source": item.source,
        "url": item.url,
        "summary": item.summary,
        "tags": item.tags,
        "theme": item.theme,
        "territory": item.territory,
        "expected_updated_at": item.updated_at,
    }
    return watch.watch_item_update(membership=membership, item=item, **(fields | values))


def test_watch_item_create(author):
    item = _create(
        author,
        title="Loi plein emploi",
        tags=["RSA", " emploi ", "rsa", ""],
        theme="employment",
        summary="  France Travail  ",
    )
    assert item.tags == ["emploi", "rsa"]
    assert item.summary == "France Travail"
    assert "loi plein emploi" in item.search_key and "france travail" in item.search_key
    with pytest.raises(DomainError, match="futur"):
        _create(author, published_on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(DomainError, match="Territoire inconnu"):
        _create(author, territory=TerritoryFactory())
    staff = MembershipFactory(organisation=author.organisation, role="staff")
    with pytest.raises(PermissionDenied):
        _create(staff)


def test_create_reports_every_error_at_once(author):
    with pytest.raises(MultipleErrors) as error:
        _create(author, title=" ", source="", theme="astrologie", tags=["x" * 51])
    assert {e.field for e in error.value.errors} == {"title", "source", "theme", "tags"}


def test_update_changes_fields_and_search_key(author):
    item = _create(author, title="Ancien titre", tags=["rsa"])
    territory = TerritoryFactory(organisation=author.organisation)
    _update(
        author,
        item,
        title="Plan pauvreté",
        source="DREETS",
        summary="Appel à projets",
        tags=["Pauvreté", "jeunes"],
        theme="income",
        territory=territory,
    )
    item.refresh_from_db()
    assert (item.title, item.source, item.theme, item.territory) == (
        "Plan pauvreté",
        "DREETS",
        "income",
        territory,
    )
    assert item.tags == ["jeunes", "pauvreté"]
    assert "plan pauvrete dreets appel a projets" in item.search_key
    assert "ancien" not in item.search_key


def test_update_refuses_a_stale_edit_and_writes_nothing(author):
    item = _create(author, title="Premier")
    opened = item.updated_at
    _update(author, item, title="Collègue")
    with pytest.raises(StaleObjectError, match="modifiée entre-temps"):
        _update(author, item, title="Moi", expected_updated_at=opened)
    item.refresh_from_db()
    assert item.title == "Collègue"


def test_update_of_a_deleted_entry(author):
    item = _create(author)
    opened = item.updated_at
    WatchItem.objects.filter(pk=item.pk).delete()
    with pytest.raises(DomainError, match="supprimée entre-temps"):
        _update(author, item, expected_updated_at=opened)


def test_update_checks_the_rules(author):
    item = _create(author)
    with pytest.raises(DomainError, match="Donnez un titre"):
        _update(author, item, title="")
    with pytest.raises(DomainError, match="Territoire inconnu"):
        _update(author, item, territory=TerritoryFactory())


def test_who_may_change_an_entry(organisation, author):
    item = _create(author)
    manager = MembershipFactory(organisation=organisation, role="manager")
    colleague = MembershipFactory(organisation=organisation, role="referent")
    staff = MembershipFactory(organisation=organisation, role="staff")
    outsider = MembershipFactory(role="manager")
    assert can_change_watch_item(author, item)
    assert can_change_watch_item(manager, item)
    assert not can_change_watch_item(colleague, item)
    assert not can_change_watch_item(staff, item)
    assert not can_change_watch_item(outsider, item)
    assert not can_change_watch_item(None, item)
    author.role = "staff"  # the author no longer writes the watch log
    assert not can_change_watch_item(author, item)
    author.role, author.is_active = "referent", False
    assert not can_change_watch_item(author, item)
    author.is_active = True
    _update(manager, item, title="Par la responsable")
    for refused in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            _update(refused, item, title="Non")
        with pytest.raises(PermissionDenied):
            watch.watch_item_delete(membership=refused, item=item)
    item.refresh_from_db()
    assert item.title == "Par la responsable"


def test_delete_by_the_author_or_a_manager(organisation, author):
    mine, other = _create(author), _create(author)
    watch.watch_item_delete(membership=author, item=mine)
    manager = MembershipFactory(organisation=organisation, role="manager")
    watch.watch_item_delete(membership=manager, item=other)
    assert not WatchItem.objects.exists()


def test_delete_is_refused_while_an_analysis_cites_the_entry(organisation, author):
    item = _create(author)
    unrelated = _create(author)
    analysis = NeedsAnalysisFactory(
        territory__organisation=organisation,
        title="ABS 2026",
        narratives={"context": "Rien.", "proposals": f"Voir [Veille {item.pk}]."},
    )
    # Another organisation's analysis citing the same number cites nothing of ours.
    NeedsAnalysisFactory(narratives={"context": f"[veille {unrelated.pk}]"})
    assert watch.citing_analyses(item) == [analysis]
    assert watch.citing_analyses(unrelated) == []
    with pytest.raises(DomainError, match=r"citée \(\[veille \d+\]\) dans l'analyse « ABS 2026 »"):
        watch.watch_item_delete(membership=author, item=item)
    assert WatchItem.objects.filter(pk=item.pk).exists()
    # « [veille 1] » is not « [veille 12] ».
    analysis.narratives = {"context": f"[veille {item.pk}0]"}
    analysis.save()
    watch.watch_item_delete(membership=author, item=item)
    watch.watch_item_delete(membership=author, item=unrelated)
    assert not WatchItem.objects.exists()


def test_watch_queryset_search_filters_and_scope(organisation, author):
    territory = TerritoryFactory(organisation=organisation)
    loi = _create(author, title="Loi", summary="Réforme du RSA", tags=["Santé", "rsa"])
    plan = _create(author, title="Plan", source="Préfecture", theme="housing", territory=territory)
    theirs = WatchItemFactory(title="Loi", search_key="loi rsa", tags=["rsa"])
    mine = WatchItem.objects.of_organisation(organisation)
    assert set(mine) == {loi, plan}
    assert list(mine.search("réforme RSA")) == [loi]
    assert list(mine.search("prefecture")) == [plan]
    assert list(mine.search("sante")) == [loi]  # tags are searched too
    assert set(mine.search("  ")) == {loi, plan}
    assert list(mine.with_theme("housing")) == [plan]
    assert list(mine.in_territory(territory)) == [plan]
    assert list(mine.tagged("Santé")) == [loi]
    assert list(mine.tagged("sant")) == []  # a tag is matched whole
    assert set(mine.tagged("")) == {loi, plan}
    assert list(WatchItem.objects.tagged("rsa").order_by("pk")) == [loi, theirs]
    assert list(WatchItem.objects.visible_to(author).search("loi")) == [loi]
    author.is_active = False
    assert not WatchItem.objects.visible_to(author).exists()
    assert not WatchItem.objects.visible_to(None).exists()


def test_other_querysets_keep_to_the_organisation(organisation, author):
    ours = TerritoryFactory(organisation=organisation)
    TerritoryFactory()
    assert list(Territory.objects.of_organisation(organisation)) == [ours]
    assert list(Territory.objects.visible_to(author)) == [ours]
    own = IndicatorFactory(organisation=organisation)
    rate = IndicatorFactory(organisation=organisation, rate=True)
    shared = IndicatorFactory(organisation=None)
    IndicatorFactory()
    assert set(Indicator.objects.catalogue_of(organisation)) == {own, rate, shared}
    assert set(Indicator.objects.of_organisation(organisation.pk).counts()) == {own}
    analysis = NeedsAnalysisFactory(territory=ours)
    NeedsAnalysisFactory()
    assert list(NeedsAnalysis.objects.visible_to(author)) == [analysis]
    withdrawn = PoolingAgreementFactory(organisation=organisation, withdrawn_at=timezone.now())
    active = PoolingAgreementFactory(organisation=organisation)
    assert list(PoolingAgreement.objects.of_organisation(organisation).active()) == [active]
    assert withdrawn not in PoolingAgreement.objects.active()
    dataset = LabourDataset.objects.create(
        organisation=organisation,
        title="BMO",
        source="France Travail",
        year=2025,
        original_name="bmo.csv",
        created_by=UserFactory(),
    )
    assert list(LabourDataset.objects.visible_to(author)) == [dataset]
    assert not LabourDataset.objects.visible_to(MembershipFactory()).exists()
