"""The territory demo: indicators labelled as demo figures, the CCAS's territory, pooling
agreements, an ABS and watch entries; idempotent."""

from __future__ import annotations

import pytest

from relais.demo.accounts import seed_accounts
from relais.demo.territory import INDICATORS, seed_territory
from relais.territory.models import (
    Indicator,
    IndicatorValue,
    LabourDataset,
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
        LabourDataset.objects.count(),
    )
    assert seed_territory(organisations) == {"values": 0}
    assert counts == (
        IndicatorValue.objects.count(),
        Territory.objects.count(),
        NeedsAnalysis.objects.count(),
        WatchItem.objects.count(),
        PoolingAgreement.objects.count(),
        LabourDataset.objects.count(),
    )
    assert Indicator.objects.filter(is_demo=True).count() == len(INDICATORS)
    assert all(i.source.startswith("Chiffres de démonstration") for i in Indicator.objects.all())
    territory = Territory.objects.get()
    portrait = build_portrait(territory)
    assert len(portrait.themes) == 9  # every theme of the portrait has a figure
    assert [c.key for c in portrait.columns] == ["territoire", "departement:69", "france"]


def test_seed_territory_gives_the_employment_basin_demo_trades():
    from relais.territory.labour import default_areas, trades_in_tension

    organisations = seed_accounts()
    seed_territory(organisations)
    dataset = LabourDataset.objects.get()
    assert dataset.source.startswith("Chiffres de démonstration")
    assert "démonstration" in dataset.title
    areas = default_areas(dataset, {"69"})
    assert areas == ["69"]
    trades = trades_in_tension(dataset, areas)
    assert len(trades) >= 10
    assert all(t.difficult_share is not None for t in trades)
