"""Each indicator against the figures computed by hand on the world of conftest.py."""

from __future__ import annotations

import pytest

from relais.diagnostics.domains import Domain
from relais.reporting.filters import Scope
from relais.reporting.registry import INDICATORS
from tests.factories.reporting import period
from tests.reporting.test_scope_tables import computed

pytestmark = pytest.mark.django_db


def rows(membership, key, scope=Scope.ORGANISATION, **filters):
    """The indicator's rows as a dashboard computes them: beyond the caseload, the persons
    counted read from a temporary table (`scope_tables`; test_scope_tables.py checks that
    the subquery gives the same rows)."""
    found = computed(
        INDICATORS[key], membership, scope, period(**filters), tables=scope != Scope.CASELOAD
    )
    return {row.label: row for row in found}


def values(membership, key, scope=Scope.ORGANISATION, **filters):
    return {label: row.value for label, row in rows(membership, key, scope, **filters).items()}


def cells(row):
    return {cell.label: cell.value for cell in row.cells}


def test_persons_followed(world):
    assert values(world.manager, "persons_followed") == {"Personnes suivies": 4}


def test_persons_followed_by_filters(world):
    followed = "Personnes suivies"
    assert values(world.manager, "persons_followed", referent_id=world.r1.user_id)[followed] == 2
    assert values(world.manager, "persons_followed", commune_code="59350")[followed] == 1
    assert values(world.manager, "persons_followed", age_band="moins-25")[followed] == 1
    assert values(world.manager, "persons_followed", age_band="55-plus")[followed] == 1
    assert values(world.manager, "persons_followed", age_band="25-54")[followed] == 2
    assert values(world.manager, "persons_followed", scheme="rsa")[followed] == 2


def test_caseload_scope_counts_the_referents_persons(world):
    assert values(world.r2, "persons_followed", Scope.CASELOAD) == {"Personnes suivies": 2}


def test_new_entries(world):
    assert values(world.manager, "new_entries") == {"PLIE": 1, "Total": 1}


def test_appointments(world):
    found = values(world.manager, "appointments")
    assert found["Honoré"] == 1
    assert found["Absent sans prévenir"] == 1
    assert found["Excusé"] == 0
    assert found["Total"] == 2


def test_notes(world):
    found = values(world.manager, "notes")
    assert found["Compte rendu d'entretien"] == 1
    assert found["Appel téléphonique"] == 1
    assert found["Autre écrit"] == 1
    assert found["Total"] == 3


def test_diagnostics_done(world):
    assert values(world.manager, "diagnostics_done") == {
        "Diagnostics réalisés": 4,
        "Personnes ayant eu un diagnostic": 3,
    }


def test_reviews_on_time_and_late(world):
    assert values(world.manager, "reviews") == {
        "Bilans tenus à temps": 1,
        "Bilans tenus en retard": 1,
        "Bilans tenus (total)": 2,
        "Parcours en cours dont le bilan est dépassé": 1,
    }


def test_pathway_length(world):
    assert values(world.manager, "pathway_length") == {
        "Moins de 6 mois": 1,
        "6 à 12 mois": 0,
        "12 à 24 mois": 1,
        "24 mois et plus": 1,
        "Total des sorties": 3,
    }


def test_average_length(world):
    found = rows(world.manager, "average_length")
    assert found["Accompagnement RSA"].value == 508  # (165 + 851) / 2
    assert found["Accompagnement RSA"].n == 2
    assert found["Insertion par l'activité économique (IAE)"].value == 507


def test_goals(world):
    found = values(world.manager, "goals")
    assert found["En cours"] == 1
    assert found["Atteint"] == 2
    assert found["Abandonné"] == 1
    assert found["Objectifs atteints parmi les objectifs terminés"] == 66.7


def test_exits_by_category(world):
    found = values(world.manager, "exits_by_category")
    assert found["Sortie dynamique — emploi durable"] == 1
    assert found["Déménagement"] == 1
    assert found["Perte de contact"] == 1
    assert found["Total"] == 3


def test_dynamic_rate_by_scheme_sets_neutral_exits_aside(world):
    found = rows(world.manager, "dynamic_rate_by_scheme")
    assert found["Accompagnement RSA"].value == 1  # the move is neutral
    assert cells(found["Accompagnement RSA"])["Taux de sorties dynamiques (%)"] == 100.0
    assert found["Ensemble"].value == 2
    assert cells(found["Ensemble"])["Sorties dynamiques"] == 1
    assert cells(found["Ensemble"])["Taux de sorties dynamiques (%)"] == 50.0


def test_distance_travelled(world):
    found = rows(world.manager, "distance_travelled")
    housing = found[Domain.HOUSING.label]
    assert housing.value == 2
    assert cells(housing)["Difficulté en baisse"] == 1
    assert cells(housing)["Difficulté en hausse"] == 1
    assert cells(housing)["Évolution moyenne du niveau"] == -0.5
    mobility = found["Mobilité"]
    assert mobility.value == 1
    assert cells(mobility)["Stable"] == 1
    assert len(found) == 2  # P2 has one diagnostic only


def test_referral_delays(world):
    found = rows(world.manager, "referral_delays")
    assert found["Envoi → vue par le partenaire"].value == 1.5
    assert found["Envoi → vue par le partenaire"].n == 2
    assert found["Vue → réponse"].value == 2.0
    assert found["Envoi → réponse"].value == 3.5
    assert found["Envoi → premier rendez-vous"].value == 10.0
    assert found["Envoi → premier rendez-vous"].n == 1


def test_acceptance_by_partner(world):
    found = rows(world.manager, "acceptance_by_partner")
    assert found["Partenaire X"].value == 3
    assert cells(found["Partenaire X"]) == {
        "Acceptées": 1,
        "Refusées": 0,
        "Taux d'acceptation (%)": 100.0,
    }
    assert cells(found["Partenaire Y"])["Taux d'acceptation (%)"] == 0.0
    assert found["Ensemble"].value == 4
    assert cells(found["Ensemble"])["Taux d'acceptation (%)"] == 50.0


def test_without_answer(world):
    assert values(world.manager, "without_answer") == {
        "Toujours en attente de réponse": 1,
        "Expirées sans réponse": 1,
        "Annulées par votre structure": 0,
        "Orientations envoyées (total)": 4,
    }


def test_partners_per_person(world):
    assert values(world.manager, "partners_per_person") == {
        "1 partenaire": 2,
        "2 partenaires": 1,
        "3 partenaires ou plus": 0,
        "Personnes orientées (total)": 3,
    }


def test_ruptures(world):
    found = values(world.manager, "ruptures")
    assert found["Parcours sans contact depuis 60 jours"] == 1  # B: last contact 20/04
    assert found["Orientations expirées sans réponse"] == 1
    assert found["Étapes abandonnées"] == 1


def test_team_scope_sees_only_what_is_shared(world):
    assert values(world.team, "persons_followed", Scope.TEAM) == {"Personnes co-suivies": 5}
    notes = values(world.team, "notes", Scope.TEAM)
    assert notes["Total"] == 1  # the note shared with the team only
    # The diagnostic is not shared with this member: nothing is counted.
    assert values(world.team, "diagnostics_done", Scope.TEAM)["Diagnostics réalisés"] == 0
    # Referrals: only those the member's own organisation sent.
    assert values(world.team, "without_answer", Scope.TEAM)["Orientations envoyées (total)"] == 0


def test_another_organisation_counts_none_of_these(world):
    from tests.factories import MembershipFactory

    outsider = MembershipFactory(role="manager")
    assert values(outsider, "persons_followed") == {"Personnes suivies": 0}
    assert values(outsider, "without_answer")["Orientations envoyées (total)"] == 0


def test_team_scope_ignores_the_scheme_filter(world):
    # Pathways are not shared with co-following professionals: filtering on them would
    # tell what scheme the person is in.
    found = values(world.team, "persons_followed", Scope.TEAM, scheme="plie")
    assert found == {"Personnes co-suivies": 5}


def test_redundancy_warnings_raised_and_resolved(world):
    # Two raised in the period (one before it): the refused referral's is resolved.
    assert values(world.manager, "redundancy_warnings") == {
        "Résolues (une des deux actions n'est plus en cours)": 1,
        "Toujours ouvertes (les deux actions en cours)": 1,
        "Alertes de doublon signalées (total)": 2,
    }
    assert (
        values(world.r2, "redundancy_warnings", Scope.CASELOAD)[
            "Alertes de doublon signalées (total)"
        ]
        == 0
    )


def test_team_scope_ignores_the_commune_and_age_band_filters(world):
    # A co-followed person's commune and age are shared only with « Identité »: filtering on
    # them would tell where they live and how old they are.
    followed = {"Personnes co-suivies": 5}
    assert values(world.team, "persons_followed", Scope.TEAM, commune_code="75056") == followed
    assert values(world.team, "persons_followed", Scope.TEAM, age_band="55-plus") == followed
