"""The form that uploads data·inclusion files (one JSON, or CSV files of structures and of
services): size and extension checked here, the content by the import itself
(relais.network.directory.catalogue_import)."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from relais.network.directory.datainclusion.reading import (
    MAX_UPLOAD_BYTES,
    ImportFile,
    too_big_message,
)


class ImportForm(forms.Form):
    json_file = forms.FileField(
        label="Fichier JSON (structures et/ou services)",
        required=False,
        widget=forms.FileInput(attrs={"class": "fr-upload", "accept": ".json,application/json"}),
        help_text='Une liste d\'objets, ou {"structures": [...], "services": [...]}.',
    )
    structures_file = forms.FileField(
        label="Fichier CSV des structures",
        required=False,
        widget=forms.FileInput(attrs={"class": "fr-upload", "accept": ".csv,text/csv"}),
    )
    services_file = forms.FileField(
        label="Fichier CSV des services",
        required=False,
        widget=forms.FileInput(attrs={"class": "fr-upload", "accept": ".csv,text/csv"}),
    )

    KINDS = {"json_file": "json", "structures_file": "structures", "services_file": "services"}
    EXTENSIONS = {
        "json_file": (".json",),
        "structures_file": (".csv", ".txt"),
        "services_file": (".csv", ".txt"),
    }

    def _check(self, name: str) -> UploadedFile | None:
        upload = self.cleaned_data.get(name)
        if upload is None:
            return None
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_big_message(upload.size))
        if not upload.name.lower().endswith(self.EXTENSIONS[name]):
            wanted = " ou ".join(self.EXTENSIONS[name])
            raise forms.ValidationError(f"Format attendu : {wanted}.")
        return upload

    def clean_json_file(self):
        return self._check("json_file")

    def clean_structures_file(self):
        return self._check("structures_file")

    def clean_services_file(self):
        return self._check("services_file")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in self.KINDS):
            raise forms.ValidationError(
                "Choisissez un fichier JSON, ou un fichier CSV de structures et/ou de services."
            )
        return cleaned

    def import_files(self) -> list[ImportFile]:
        files = []
        for name, kind in self.KINDS.items():
            upload = self.cleaned_data.get(name)
            if upload is not None:
                files.append(ImportFile(upload.name, upload.read(), kind))
        return files
