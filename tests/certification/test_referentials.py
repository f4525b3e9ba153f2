"""The shipped referentials load and are valid; bad files are refused with every error, in
French, and nothing is saved."""

from __future__ import annotations

import copy
import json

import pytest

from relais.certification import referentials
from relais.certification.models import Block, Certification, Criterion
from relais.certification.referentials import ReferentialError, load, read_file, validate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", referentials.shipped_files(), ids=lambda p: p.name)
def test_every_shipped_file_is_valid(path):
    assert validate(read_file(path)) == []


def test_shipped_referentials_load_with_their_structure():
    loaded = {c.code: c for c in referentials.load_shipped()}
    assert set(loaded) == {"RNCP41885", "RNCP16575", "RNCP37504", "RS-REFERENT-PARCOURS"}
    rncp = loaded["RNCP41885"]
    assert [b.code for b in rncp.blocks.all()] == [
        "RNCP41885BC01",
        "RNCP41885BC02",
        "RNCP41885BC03",
        "RNCP41885BC04",
        "RNCP41885EF",
    ]
    assert rncp.blocks.get(is_final=True).title == "Épreuves finales"
    assert rncp.level == 6 and rncp.rome_codes == ["K1301", "K1207", "K1201", "K1801"]
    assert str(rncp.last_delivery_on) == "2033-01-28"
    correspondence = rncp.correspondences.get()
    assert correspondence.former_code == "RNCP37504" and correspondence.total
    cisp = loaded["RNCP37504"]
    assert [b.code[-1] for b in cisp.blocks.all()] == list("ABCDE")
    codes = list(cisp.blocks.get(code="RNCP37504BCE").competences.values_list("code", flat=True))
    assert codes[-1] == "RNCP37504-6.4"
    assert Criterion.objects.filter(modality__block__certification=cisp).count() == 62
    assert loaded["RNCP16575"].rules["jury"]["vae"]["min_professionals"] == 2
    assert loaded["RS-REFERENT-PARCOURS"].rules["placement_hours"] == 140


def test_loading_twice_changes_nothing():
    referentials.load_shipped()
    count = Block.objects.count()
    referentials.load_shipped()
    assert Block.objects.count() == count


@pytest.fixture
def data():
    return copy.deepcopy(read_file(referentials.DATA_DIR / "rncp16575.json"))


def test_competence_outside_any_block_is_refused(data):
    data["competences"][0]["block"] = "RNCP16575BC99"
    with pytest.raises(ReferentialError) as error:
        load(data)
    assert "compétence « RNCP16575BC01-01 » hors de tout bloc" in error.value.message
    assert not Certification.objects.exists()


def test_duplicate_codes_and_orphan_criteria_all_reported(data):
    data["competences"][1]["code"] = data["competences"][0]["code"]
    data["criteria"][0]["modality"] = "nulle-part"
    errors = validate(data)
    assert "code en double « RNCP16575BC01-01 »" in errors
    assert any("hors de toute modalité" in e for e in errors)
    with pytest.raises(ReferentialError):
        load(data)
    assert not Block.objects.exists()


def test_missing_fields_and_bad_kinds(data):
    del data["title"]
    assert validate(data) == ["champ « title » manquant"]
    assert validate([]) == ["le fichier doit contenir un objet JSON"]


def test_unknown_modality_kind_and_bad_date(data):
    data["modalities"][0]["kind"] = "tirage au sort"
    data["registered_on"] = "22/08/2016"
    errors = validate(data)
    assert any("type inconnu « tirage au sort »" in e for e in errors)
    assert any("date illisible" in e for e in errors)


def test_unreadable_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(ReferentialError, match="JSON illisible ligne 1"):
        read_file(bad)
    latin = tmp_path / "latin.json"
    latin.write_bytes(json.dumps({"title": "é"}, ensure_ascii=False).encode("latin-1"))
    with pytest.raises(ReferentialError, match="pas en UTF-8"):
        read_file(latin)
