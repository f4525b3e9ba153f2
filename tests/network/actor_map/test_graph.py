"""The labels of the actor map's figures (relais.network.actor_map.graph): small counts
masked, delays and rates in French."""

from __future__ import annotations

from datetime import timedelta

from relais.network.actor_map import graph


def test_labels():
    assert graph.count_label(0) == "0"
    assert graph.count_label(4) == "< 5"
    assert graph.count_label(5) == "5"
    assert graph.count_label(12345) == "12\u202f345"
    assert graph.delay_label(timedelta(hours=5, minutes=20)) == "5 h"
    assert graph.delay_label(timedelta(hours=36)) == "1,5 jours"
    assert graph.delay_label(None) == "—"
    assert graph.rate_label(None) == "—"
    assert graph.rate_label(0.75) == "75\u202f%"
