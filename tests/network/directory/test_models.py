"""The Service queryset's named filters: published, searchable (published, of an active
organisation) and stale, on services and through an organisation's services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.network.directory.models import Service
from tests.factories import OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_published_and_searchable():
    active = OrganisationFactory()
    closed = OrganisationFactory(is_active=False)
    shown = ServiceFactory(organisation=active)
    hidden = ServiceFactory(organisation=active, is_published=False)
    of_closed = ServiceFactory(organisation=closed)
    assert set(Service.objects.published()) == {shown, of_closed}
    assert set(Service.objects.searchable()) == {shown}
    assert set(active.services.published()) == {shown}
    assert hidden not in Service.objects.searchable()


def test_stale_chains_with_the_other_filters():
    today = dt.date(2025, 8, 31)
    stale = ServiceFactory(confirmed_on=dt.date(2025, 2, 27))
    ServiceFactory(confirmed_on=dt.date(2025, 2, 28))
    ServiceFactory(confirmed_on=dt.date(2020, 1, 1), is_published=False)
    never_confirmed = ServiceFactory(confirmed_on=None)
    Service.objects.filter(pk=never_confirmed.pk).update(
        created_at=timezone.make_aware(dt.datetime(2024, 1, 1))
    )
    assert set(Service.objects.published().stale(today)) == {stale, never_confirmed}
    assert Service.objects.stale(today).count() == 3
