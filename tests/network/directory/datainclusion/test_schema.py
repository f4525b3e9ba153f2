"""The schema's vocabularies, with their French labels, and what a réseau porteur tells of
a new structure's kind."""

from __future__ import annotations

from relais.network.directory.datainclusion import schema


def test_vocabularies_come_from_the_schema_with_french_labels():
    assert ("gratuit", "Gratuit") in schema.choices("frais")
    assert schema.label("publics", "jeunes") == "Jeunes"
    assert schema.label("reseaux_porteurs", "mission-locale")
    assert schema.label("publics", "martiens") == "martiens"  # old data stays readable


def test_unknown_codes_and_their_suggestion():
    assert schema.unknown_codes("publics", ["jeunes", "jeune"]) == ["jeune"]
    assert "« jeunes »" in schema.unknown_value_message("publics", "jeune")
    assert "documentation" in schema.unknown_value_message("publics", "martiens")
    assert schema.known_codes("publics", ["martiens", "jeunes"]) == ["jeunes"]


def test_identity_of_records_created_here():
    assert schema.relais_pk("relais", "relais--42") == 42
    assert schema.relais_pk("dora", "relais--42") is None
    assert schema.relais_pk("relais", "dora--42") is None
    assert schema.kind_from_networks(["restos-du-coeur", "mission-locale"]) == "mission_locale"
    assert schema.kind_from_networks([]) == "other"
