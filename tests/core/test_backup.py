"""Backup and restore: a round trip gives back every table and every file, byte for byte."""

from __future__ import annotations

import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from relais.accounts.models import Organisation
from relais.core.backup import file_fingerprints, table_fingerprints
from relais.people.models import Document, Person
from tests.factories import DocumentFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_round_trip_restores_every_table_and_file(tmp_path):
    organisation = OrganisationFactory()
    person = PersonFactory(organisation=organisation, birth_name="Évrard-N'Diaye")
    DocumentFactory(person=person)
    before_tables, before_files = table_fingerprints(), file_fingerprints()
    assert before_files

    archive = tmp_path / "sauvegarde.tar.gz"
    call_command("backup", str(archive))

    # Changes after the backup: a new organisation and person, a new file, a changed name.
    PersonFactory(organisation=OrganisationFactory())
    Person.objects.filter(pk=person.pk).update(birth_name="Changé")
    storages["default"].save("documents/ajout.pdf", ContentFile(b"%PDF-1.4 ajout"))
    assert table_fingerprints() != before_tables

    call_command("restore", str(archive), "--yes")

    assert table_fingerprints() == before_tables
    assert file_fingerprints() == before_files
    assert Person.objects.get(pk=person.pk).birth_name == "Évrard-N'Diaye"
    assert Organisation.objects.count() == 1
    document = Document.objects.get()
    with document.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4\n%test\n"


def test_restore_needs_confirmation(tmp_path):
    archive = tmp_path / "s.tar.gz"
    call_command("backup", str(archive))
    with pytest.raises(CommandError, match="relancez avec --yes"):
        call_command("restore", str(archive))


def test_restore_refuses_what_is_not_a_backup(tmp_path):
    bogus = tmp_path / "photo.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="n'est pas une sauvegarde Relais lisible"):
        call_command("restore", str(bogus), "--yes")
    empty = tmp_path / "vide.tar.gz"
    with tarfile.open(empty, "w:gz"):
        pass
    with pytest.raises(CommandError, match="n'a pas de manifeste"):
        call_command("restore", str(empty), "--yes")


def test_a_restore_that_does_not_match_its_manifest_fails_loudly(tmp_path):
    PersonFactory()
    archive = tmp_path / "s.tar.gz"
    call_command("backup", str(archive))
    # Tamper: the manifest now claims one more row in the persons table.
    tampered = tmp_path / "t.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = data.replace(b'"rows": 1,', b'"rows": 2,', 1)
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="ne correspond pas à la sauvegarde"):
        call_command("restore", str(tampered), "--yes")
