"""Document upload: real type from the content, size limit, storage, expiry."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from relais.core.errors import DomainError
from relais.core.uploads import RefusedFile
from relais.people import services
from relais.people.models import Document
from tests.factories import PersonFactory
from tests.people import files


@pytest.mark.django_db
class TestUpload:
    def upload(self, person, actor, name="cv.pdf", data=files.PDF_BYTES, **kwargs):
        params = {"kind": "cv", "title": "CV"}
        params.update(kwargs)
        return services.document_upload(
            person=person, actor=actor, uploaded_file=files.upload(name, data), **params
        )

    def test_stored_with_hash_size_and_original_name(self, referent):
        person = PersonFactory()
        document = self.upload(person, referent, name="Mon CV (2026).pdf")
        assert document.sha256 == hashlib.sha256(files.PDF_BYTES).hexdigest()
        assert document.size == len(files.PDF_BYTES)
        assert document.content_type == "application/pdf"
        assert document.original_name == "Mon CV (2026).pdf"
        # Stored under its hash, never under the name given by the user.
        sha = document.sha256
        # (The in-memory test storage outlives each test's database: a suffix may be added.)
        assert document.file.name.startswith(f"persons/{person.pk}/{sha[:2]}/{sha}")
        assert "CV" not in document.file.name
        with default_storage.open(document.file.name) as handle:
            assert handle.read() == files.PDF_BYTES

    def test_path_in_name_is_dropped(self, referent):
        document = self.upload(PersonFactory(), referent, name="../../etc/passwd.pdf")
        assert document.original_name == "passwd.pdf"

    def test_exe_renamed_pdf(self, referent):
        with pytest.raises(RefusedFile, match="exécutable") as error:
            self.upload(PersonFactory(), referent, name="facture.pdf", data=files.EXE_BYTES)
        assert error.value.field == "file"
        assert not Document.objects.exists()

    def test_extension_must_match_content(self, referent):
        with pytest.raises(RefusedFile, match=r"renommez-le en « \.pdf »"):
            self.upload(PersonFactory(), referent, name="photo.png", data=files.PDF_BYTES)

    def test_missing_extension_is_added(self, referent):
        document = self.upload(PersonFactory(), referent, name="scan", data=files.PNG_BYTES)
        assert document.original_name == "scan.png"

    def test_oversize_refused_with_the_limit_in_mb(self, referent, settings):
        settings.RELAIS_DOCUMENT_MAX_BYTES = 1024 * 1024
        data = files.PDF_BYTES + b"0" * (1024 * 1024 + 512 * 1024 - len(files.PDF_BYTES))
        with pytest.raises(RefusedFile, match=r"fait 1,5 Mo : la taille maximale est de 1 Mo"):
            self.upload(PersonFactory(), referent, data=data)

    def test_a_file_just_over_the_limit_does_not_read_as_the_limit(self, referent, settings):
        settings.RELAIS_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
        data = files.PDF_BYTES + b"0" * (10 * 1024 * 1024 + 1 - len(files.PDF_BYTES))
        with pytest.raises(RefusedFile, match=r"fait 10,1 Mo : la taille maximale est de 10 Mo"):
            self.upload(PersonFactory(), referent, data=data)

    def test_default_limit_is_10_mb(self, settings):
        assert settings.RELAIS_DOCUMENT_MAX_BYTES == 10 * 1024 * 1024

    def test_empty_file(self, referent):
        with pytest.raises(RefusedFile, match="vide"):
            self.upload(PersonFactory(), referent, data=b"")

    def test_same_file_twice_is_said(self, referent):
        person = PersonFactory()
        self.upload(person, referent, title="Carte d'identité")
        with pytest.raises(RefusedFile, match="déjà dans le dossier : « Carte d'identité »"):
            self.upload(person, referent, title="Autre")
        # Another person's record may hold the same file.
        self.upload(PersonFactory(), referent)

    def test_title_and_kind_checked(self, referent):
        with pytest.raises(DomainError) as error:
            self.upload(PersonFactory(), referent, title="  ")
        assert error.value.field == "title"
        with pytest.raises(DomainError) as error:
            self.upload(PersonFactory(), referent, kind="virus")
        assert error.value.field == "kind"

    def test_expired(self, referent):
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        document = self.upload(PersonFactory(), referent, expires_on=yesterday)
        assert services.document_is_expired(document)
        assert not services.document_is_expired(document, today=yesterday)
