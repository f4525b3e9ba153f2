"""The anonymisation of case presentations: the person's own fields, common patterns, and
the words left that look like names."""

from __future__ import annotations

import datetime as dt

from relais.pathways.anonymise import Identity, anonymise, remaining_names

IDENTITY = Identity(
    surnames=("Martin-Durand",),
    first_names=("Léa", "Marie"),
    birth_date=dt.date(1990, 4, 2),
    address="4 impasse des Roses",
    phone="06 11 22 33 44",
    email="lea.md@exemple.fr",
)


def test_identity_fields_removed_whatever_the_case_and_accents():
    text = (
        "Mme LEA MARTIN-DURAND (martin durand), née le 02/04/1990, habite 4 impasse des Roses. "
        "Lea vient avec Marie. Tél. 0611223344, écrire à lea.md@exemple.fr."
    )
    result = anonymise(text, IDENTITY)
    folded = result.text.lower()
    for leaked in ("lea", "léa", "martin", "durand", "1990", "roses", "0611", "exemple"):
        assert leaked not in folded, leaked
    assert "[Prénom]" in result.text and "[Nom]" in result.text


def test_common_patterns_without_a_record():
    text = (
        "Son frère Karim (né le 3 mars 1988), 12 bis rue Victor Hugo, 69003 Lyon, "
        "06 98 76 54 32, karim@mail.fr, NIR 1 88 03 69 123 456 12, IBAN FR76 3000 6000 0112 3456 7890 189."
    )
    result = anonymise(text)
    for leaked in ("1988", "Victor", "69003", "06 98", "karim@", "123 456", "FR76"):
        assert leaked not in result.text, leaked
    kinds = {r.kind for r in result.replacements}
    assert {"date", "adresse", "code postal", "téléphone", "e-mail"} <= kinds
    assert "Karim" in result.remaining and "Lyon" in result.remaining


def test_ordinary_words_are_not_names():
    text = "Le RSA a été suspendu en mars. La CAF demande un justificatif. Elle voit la Mission Locale lundi."
    assert remaining_names(text) == []


def test_sentence_start_is_not_a_name():
    assert remaining_names("Demain elle ira. Ensuite elle reviendra.") == []
    assert remaining_names("Elle a rencontré Sofiane au foyer.") == ["Sofiane"]


def test_names_edited_back_in_are_found():
    assert "Lea" in remaining_names("Puis Lea est partie.", IDENTITY)
