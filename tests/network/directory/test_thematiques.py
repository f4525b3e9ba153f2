"""The one home of the thématiques' labels: a category's, a thématique's after its
category's, a service's list of them, and the groups for checkboxes."""

from __future__ import annotations

from data_inclusion.schema import v1

from relais.network.directory import thematiques

PERMIS = "mobilite--preparer-un-permis"
VEHICULE = "mobilite--acceder-a-un-vehicule"
LOGEMENT = "logement-hebergement"


def test_label_of_a_category_a_thematique_and_an_unknown_code():
    assert thematiques.label("mobilite") == "Mobilité"
    assert thematiques.label(PERMIS) == "Mobilité : Préparer un permis"
    assert thematiques.label("mobilite--voler") == "mobilite--voler"  # old data stays readable
    assert thematiques.category_of(PERMIS) == "mobilite"
    assert thematiques.category_of("mobilite") == "mobilite"


def test_labels_of_a_service_categories_alone_first_then_thematiques_up_to_a_limit():
    assert thematiques.labels([PERMIS, VEHICULE]) == [
        "Mobilité : Préparer un permis",
        "Mobilité : Accéder à un véhicule",
    ]
    # A category whose thématique is listed too adds nothing; one given alone comes first.
    labels = thematiques.labels([PERMIS, "mobilite", LOGEMENT])
    assert labels == [thematiques.label(LOGEMENT), thematiques.label(PERMIS)]
    assert thematiques.labels([PERMIS, VEHICULE], 1) == ["Mobilité : Préparer un permis"]
    assert thematiques.labels(None) == []


def test_known_codes():
    assert thematiques.is_known("mobilite")
    assert thematiques.is_known(PERMIS)
    assert not thematiques.is_known("mobilite--voler")
    assert not thematiques.is_known("")


def test_groups_hold_every_thematique_under_its_category_with_its_own_label():
    groups = thematiques.groups()
    assert sum(len(items) for _, _, items in groups) == len(v1.Thematique)
    assert {code for code, _, _ in groups} == {c.value for c in v1.Categorie}
    mobilite = next(items for code, label, items in groups if code == "mobilite")
    assert (PERMIS, "Préparer un permis") in mobilite
    assert all(thematiques.category_of(code) == "mobilite" for code, _ in mobilite)
