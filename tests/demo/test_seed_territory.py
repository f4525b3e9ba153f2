"""The territory demo: indicators labelled as demo figures, the CCAS's territory, pooling
agreements, an ABS and watch entries; idempotent."""

from __future__ import annotations

import pytest

from relais.demo.accounts import seed_accounts
from relais.demo.territory import INDICATORS, seed_territory
from relais.territory.models import (
    Indicator,
    IndicatorValue,
    NeedsAnalysis,
    PoolingAgreement,
    Territory,
    WatchItem,
)
from relais.territory.portrait import build_portrait

pytestmark = pytest.mark.django_db


def test_seed_territory_is_idempotent_and_labelled():
    organisations = seed_accounts()
    first = seed_territory(organisations)
    assert first["values"] > 10_000
    counts = (
        IndicatorValue.objects.count(),
        Territory.objects.count(),
        NeedsAnalysis.objects.count(),
        WatchItem.objects.count(),
        PoolingAgreement.objects.count(),
    )
    assert seed_territory(organisations) == {"values": 0}
    assert counts == (
        IndicatorValue.objects.count(),
        Territory.objects.count(),
        NeedsAnalysis.objects.count(),
        WatchItem.objects.count(),
        PoolingAgreement.objects.count(),
    )
    assert Indicator.objects.filter(is_demo=True).count() == len(INDICATORS)
    assert all(i.source.startswith("Chiffres de démonstration") for i in Indicator.objects.all())
    territory = Territory.objects.get()
    portrait = build_portrait(territory)
    assert len(portrait.themes) == 9  # every theme of the portrait has a figure
    assert [c.key for c in portrait.columns] == ["territoire", "departement:69", "france"]
