"""The employment indicators (placements started, outcomes, checkpoints on time or late)
against figures computed by hand, and their small counts suppressed beyond a caseload."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from relais.accounts.models import Role
from relais.employment.models import Checkpoint
from relais.reporting import tables
from relais.reporting.filters import Scope
from relais.reporting.registry import INDICATORS, indicators
from relais.reporting.scope import Context
from tests.factories import MembershipFactory, OrganisationFactory, PathwayFactory, PersonFactory
from tests.factories.employment import PlacementFactory
from tests.factories.reporting import TODAY, period

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def world():
    org = OrganisationFactory()
    manager = MembershipFactory(organisation=org, role=Role.MANAGER)
    persons = [PersonFactory(organisation=org) for _ in range(6)]
    contracts = [
        PlacementFactory(person=p, kind="contract", starts_on=D(2026, 2, 1)) for p in persons
    ]
    immersion = PlacementFactory(
        person=persons[0],
        kind="immersion",
        contract_type="",
        starts_on=D(2026, 1, 10),
        ends_on=D(2026, 1, 20),
        status="ended",
        outcome="immersion_done",
        outcome_on=D(2026, 1, 20),
    )
    PlacementFactory(person=persons[1], starts_on=D(2025, 12, 1))  # started before the period
    PlacementFactory(starts_on=D(2026, 2, 1))  # another organisation's person
    for placement, outcome, on in (
        (contracts[0], "sustainable", D(2026, 5, 1)),
        (contracts[1], "broken", D(2026, 3, 1)),
        (contracts[2], "sustainable", D(2026, 8, 1)),  # after the period
    ):
        placement.status, placement.outcome, placement.outcome_on = "ended", outcome, on
        placement.save(update_fields=["status", "outcome", "outcome_on"])
    # Checkpoints due in the period: 5 on time, 2 late, 1 not done; one not done but due
    # after the placement was broken (never due); one due after the period.
    for placement in contracts[:5]:
        Checkpoint.objects.create(
            placement=placement, label="1 mois", due_on=D(2026, 3, 1), done_on=D(2026, 2, 27)
        )
    Checkpoint.objects.create(
        placement=contracts[5], label="1 semaine", due_on=D(2026, 2, 8), done_on=D(2026, 2, 20)
    )
    Checkpoint.objects.create(
        placement=immersion, label="1 semaine", due_on=D(2026, 1, 17), done_on=D(2026, 1, 19)
    )
    Checkpoint.objects.create(placement=contracts[5], label="3 mois", due_on=D(2026, 5, 1))
    Checkpoint.objects.create(placement=contracts[1], label="3 mois", due_on=D(2026, 5, 1))
    Checkpoint.objects.create(placement=contracts[0], label="6 mois", due_on=D(2026, 8, 1))
    return SimpleNamespace(manager=manager, persons=persons, contracts=contracts)


def _rows(membership, key, **filters):
    ctx = Context(
        membership=membership, scope=Scope.ORGANISATION, filter=period(**filters), today=TODAY
    )
    return {row.label: row for row in INDICATORS[key].compute(ctx)}


def test_the_section_is_registered_by_reporting():
    keys = [i.key for i in indicators(section="emploi")]
    assert keys == ["placements_started", "placement_outcomes", "placement_checkpoints"]


def test_placements_started_by_kind(world):
    found = _rows(world.manager, "placements_started")
    assert found["Contrat de travail"].value == 6
    assert found["Immersion professionnelle (PMSMP)"].value == 1
    assert found["Total"].value == 7
    assert found["Total"].cells[0].value == 6  # persons, each once
    assert found["Immersion professionnelle (PMSMP)"].cells[0].value == 1


def test_placement_outcomes_in_the_period(world):
    found = {label: row.value for label, row in _rows(world.manager, "placement_outcomes").items()}
    assert found["Emploi durable (CDI, CDD de 6 mois et plus)"] == 1
    assert found["Rupture (fin anticipée)"] == 1
    assert found["Immersion réalisée, projet confirmé"] == 1
    assert found["Total"] == 3


def test_checkpoints_on_time_late_and_missing(world):
    found = _rows(world.manager, "placement_checkpoints")
    assert found["Faits à la date prévue ou avant"].value == 5
    assert found["Faits après la date prévue"].value == 2
    assert found["Pas encore faits (date dépassée)"].value == 1
    assert found["Total des points dus"].value == 8
    assert found["Points faits à temps parmi les points dus"].value == 62.5


def test_checkpoints_not_yet_due_are_not_late(world):
    today = D(2026, 4, 1)
    ctx = Context(membership=world.manager, scope=Scope.ORGANISATION, filter=period(), today=today)
    found = {row.label: row.value for row in INDICATORS["placement_checkpoints"].compute(ctx)}
    assert found["Pas encore faits (date dépassée)"] == 0
    assert found["Total des points dus"] == 7


def test_scheme_filter_reads_the_placements_pathway(world):
    pathway = PathwayFactory(person=world.persons[0], scheme="plie", started_on=D(2025, 11, 1))
    world.contracts[0].pathway = pathway
    world.contracts[0].save(update_fields=["pathway"])
    found = _rows(world.manager, "placements_started", scheme="plie")
    assert found["Total"].value == 1


def test_small_counts_are_suppressed_beyond_the_caseload(world):
    indicator = INDICATORS["placements_started"]
    ctx = Context(membership=world.manager, scope=Scope.ORGANISATION, filter=period(), today=TODAY)
    shown = tables.build(indicator, indicator.compute(ctx), suppress=True)
    lines = {line.label: [cell.text for cell in line.cells] for line in shown.lines}
    # One immersion (primary), hence the contracts too (secondary: 7 − 6 would give it).
    assert lines["Immersion professionnelle (PMSMP)"][0] == "< 5"
    assert lines["Contrat de travail"][0] == "< 5"
    assert lines["Total"][0] == "7"
    outcomes = INDICATORS["placement_outcomes"]
    table = tables.build(outcomes, outcomes.compute(ctx), suppress=True)
    assert all(line.cells[0].text in ("0", "< 5") for line in table.lines if not line.is_total)
    checkpoints = INDICATORS["placement_checkpoints"]
    table = tables.build(checkpoints, checkpoints.compute(ctx), suppress=True)
    rate_line = next(line for line in table.lines if line.label.startswith("Points faits"))
    # 5 of 8 on time: the rate would give back the 3 late (8 − 5), hidden like them.
    assert rate_line.cells[0].text == "< 5"
    late = next(line for line in table.lines if line.label == "Faits après la date prévue")
    assert late.cells[0].text == "< 5"
    unsuppressed = tables.build(indicator, indicator.compute(ctx), suppress=False)
    assert [line.cells[0].text for line in unsuppressed.lines] == ["6", "1", "7"]
