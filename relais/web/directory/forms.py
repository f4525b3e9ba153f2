"""Forms of the directory (annuaire): filters, external partners, directory entries,
services with the data·inclusion fields, and the import of files.

They parse and check what the user typed (each error next to its field, in French); the
rules that hold wherever a service comes from live in relais.network.directory.datainclusion and
relais.network.directory.services."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from relais.accounts.models import Organisation, OrganisationKind
from relais.accounts.validators import normalise_siret, validate_siret
from relais.core.communes import get_commune
from relais.core.text import normalise_french_phone
from relais.network.directory import datainclusion
from relais.network.directory.geo import CommuneLookupError, commune_display, resolve_commune
from relais.network.directory.models import Service


def _max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class CommuneField(forms.CharField):
    """A commune typed by name or INSEE code (« Villeurbanne », « 69266 »); cleans to the
    INSEE code."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("help_text", "Nom ou code INSEE (ex. « Villeurbanne » ou « 69266 »).")
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        try:
            return resolve_commune(value).code
        except CommuneLookupError as error:
            message = error.message
            if error.candidates:
                choices = ", ".join(commune_display(c) for c in error.candidates[:6])
                message = f"{message} Par exemple : {choices}."
            raise forms.ValidationError(message) from error


def commune_initial(code: str) -> str:
    commune = get_commune(code) if code else None
    return commune_display(commune) if commune else (code or "")


def phone_field(label: str = "Téléphone") -> forms.CharField:
    return forms.CharField(
        label=label, max_length=30, required=False, help_text="Ex. 04 72 00 00 00."
    )


def clean_phone(value: str) -> str:
    if not value:
        return ""
    try:
        return normalise_french_phone(value)
    except ValueError as error:
        raise forms.ValidationError(
            "Numéro non reconnu : indiquez un numéro français à 10 chiffres "
            "(ex. 04 72 00 00 00 ou +33 4 72 00 00 00)."
        ) from error


def coordinate_field(label: str) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": "Nombre attendu, avec un point décimal (ex. 45.7578)."},
    )


def _parse_decimal(data, name: str):
    """Accept "45,76" (French decimal comma) in coordinate fields."""
    value = data.get(name)
    if isinstance(value, str) and "," in value:
        data[name] = value.replace(",", ".")


class LocationFormMixin:
    """Coordinates: both or none; empty means "the centre of the commune"."""

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if "latitude" in self.errors or "longitude" in self.errors:
            return cleaned
        error = datainclusion.coordinates_error(lat, lon)
        if error:
            self.add_error("longitude" if lon is None and lat is not None else "latitude", error)
        return cleaned

    def _prepare_data(self) -> None:
        if self.is_bound:
            self.data = self.data.copy()
            prefix = self.add_prefix
            _parse_decimal(self.data, prefix("latitude"))
            _parse_decimal(self.data, prefix("longitude"))


def _blank_if_commune_centre(initial: dict, code: str) -> None:
    """Coordinates equal to the commune's centre are shown empty: changing the commune
    then moves the point with it."""
    commune = get_commune(code) if code else None
    if (
        commune is not None
        and initial.get("latitude") == commune.latitude
        and initial.get("longitude") == commune.longitude
    ):
        initial["latitude"] = initial["longitude"] = None


# --- Directory filters ---------------------------------------------------------------------

PLATFORM_CHOICES = [
    ("", "Toutes"),
    ("sur", "Inscrites sur la plateforme"),
    ("hors", "Hors plateforme"),
]


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label="Nom, SIRET ou mot-clé", max_length=100, required=False)
    type = forms.ChoiceField(
        label="Type de structure",
        required=False,
        choices=[("", "Tous les types"), *OrganisationKind.choices],
    )
    lieu = forms.CharField(
        label="Commune ou département",
        max_length=100,
        required=False,
        help_text="Nom, code INSEE ou n° de département (ex. 69).",
    )
    reseau = forms.ChoiceField(
        label="Réseau porteur",
        required=False,
        choices=[("", "Tous les réseaux"), *datainclusion.choices("reseaux_porteurs")],
    )
    plateforme = forms.ChoiceField(label="Présence", required=False, choices=PLATFORM_CHOICES)


# --- Organisations -------------------------------------------------------------------------


class OrganisationEntryForm(LocationFormMixin, forms.Form):
    """What the managers of an organisation on the platform maintain in the directory."""

    description = forms.CharField(
        label="Présentation",
        required=False,
        max_length=_max(Organisation, "description"),
        widget=_area(5),
    )
    address = forms.CharField(
        label="Adresse", required=False, max_length=_max(Organisation, "address")
    )
    postal_code = forms.RegexField(
        label="Code postal",
        required=False,
        regex=r"^\d{5}$",
        error_messages={"invalid": "Le code postal comporte 5 chiffres."},
        help_text="Laissez vide pour reprendre celui de la commune.",
    )
    phone = phone_field()
    email = forms.EmailField(label="E-mail de contact", required=False)
    website = forms.URLField(
        label="Site web",
        required=False,
        assume_scheme="https",
        max_length=_max(Organisation, "website"),
    )
    networks = forms.MultipleChoiceField(
        label="Réseaux porteurs",
        required=False,
        choices=datainclusion.choices("reseaux_porteurs"),
        widget=forms.CheckboxSelectMultiple,
    )
    latitude = coordinate_field("Latitude")
    longitude = coordinate_field("Longitude")

    field_order = [
        "name",
        "kind",
        "siret",
        "commune",
        "address",
        "postal_code",
        "phone",
        "email",
        "website",
        "description",
        "networks",
        "latitude",
        "longitude",
    ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._prepare_data()

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))


class PartnerForm(OrganisationEntryForm):
    """A partner "hors plateforme": everything, identity included."""

    name = forms.CharField(label="Nom de la structure", min_length=3, max_length=150)
    kind = forms.ChoiceField(
        label="Type de structure", choices=[("", "Choisir un type"), *OrganisationKind.choices]
    )
    siret = forms.CharField(
        label="SIRET", required=False, max_length=20, help_text="14 chiffres, facultatif."
    )
    commune = CommuneField(label="Commune")

    def clean_siret(self) -> str:
        siret = normalise_siret(self.cleaned_data.get("siret", ""))
        if siret:
            validate_siret(siret)
        return siret


def organisation_initial(organisation: Organisation) -> dict:
    initial = {
        "name": organisation.name,
        "kind": organisation.kind,
        "siret": organisation.siret,
        "commune": commune_initial(organisation.commune_code),
        "description": organisation.description,
        "address": organisation.address,
        "postal_code": organisation.postal_code,
        "phone": organisation.phone,
        "email": organisation.email,
        "website": organisation.website,
        "networks": list(organisation.networks or []),
        "latitude": organisation.latitude,
        "longitude": organisation.longitude,
    }
    _blank_if_commune_centre(initial, organisation.commune_code)
    return initial


def organisation_values(form: forms.Form) -> dict:
    """The cleaned data under the service layer's names."""
    values = dict(form.cleaned_data)
    if "commune" in values:
        values["commune_code"] = values.pop("commune")
    return values


# --- Services ------------------------------------------------------------------------------


class ServiceForm(LocationFormMixin, forms.Form):
    name = forms.CharField(
        label="Nom du service",
        min_length=3,
        max_length=150,
        help_text="Ex. « Atelier CV et lettre de motivation ».",
    )
    description = forms.CharField(
        label="Description",
        min_length=5,
        max_length=_max(Service, "description") or 10000,
        widget=_area(6),
        help_text="Ce que le service propose, pour qui, comment : des phrases courtes et simples.",
    )
    type = forms.ChoiceField(
        label="Type de service",
        required=False,
        choices=[("", "Non précisé"), *datainclusion.choices("type")],
    )
    thematiques = forms.MultipleChoiceField(
        label="Thématiques",
        required=False,
        choices=[
            (group_label, list(items))
            for _, group_label, items in datainclusion.thematique_groups()
        ],
        widget=forms.CheckboxSelectMultiple,
    )
    publics = forms.MultipleChoiceField(
        label="Publics",
        required=False,
        choices=datainclusion.choices("publics"),
        widget=forms.CheckboxSelectMultiple,
        help_text="« Tous publics » ne se combine pas avec les autres.",
    )
    publics_precisions = forms.CharField(
        label="Précisions sur les publics",
        required=False,
        max_length=_max(Service, "publics_precisions"),
        widget=_area(2),
    )
    conditions_acces = forms.CharField(
        label="Conditions d'accès",
        required=False,
        max_length=_max(Service, "conditions_acces"),
        widget=_area(3),
        help_text="Prérequis, justificatifs à présenter…",
    )
    frais = forms.ChoiceField(
        label="Frais",
        required=False,
        choices=[("", "Non précisé"), *datainclusion.choices("frais")],
        widget=forms.RadioSelect,
    )
    frais_precisions = forms.CharField(
        label="Précisions sur les frais",
        required=False,
        max_length=_max(Service, "frais_precisions"),
        widget=_area(2),
    )
    modes_accueil = forms.MultipleChoiceField(
        label="Modes d'accueil",
        required=False,
        choices=datainclusion.choices("modes_accueil"),
        widget=forms.CheckboxSelectMultiple,
    )
    modes_mobilisation = forms.MultipleChoiceField(
        label="Modes de mobilisation",
        required=False,
        choices=datainclusion.choices("modes_mobilisation"),
        widget=forms.CheckboxSelectMultiple,
    )
    mobilisable_par = forms.MultipleChoiceField(
        label="Mobilisable par",
        required=False,
        choices=datainclusion.choices("mobilisable_par"),
        widget=forms.CheckboxSelectMultiple,
    )
    mobilisation_precisions = forms.CharField(
        label="Précisions sur la mobilisation",
        required=False,
        max_length=_max(Service, "mobilisation_precisions"),
        widget=_area(2),
    )
    lien_mobilisation = forms.URLField(
        label="Lien de mobilisation",
        required=False,
        assume_scheme="https",
        max_length=_max(Service, "lien_mobilisation"),
    )
    zone_eligibilite = forms.CharField(
        label="Zone d'éligibilité",
        required=False,
        max_length=2000,
        help_text=(
            "Codes séparés par des espaces ou des virgules : commune (code INSEE, 5 caractères, "
            "ex. 69123), département (ex. 69, 2A, 974), EPCI (SIREN, 9 chiffres) ou « france »."
        ),
    )
    phone = phone_field()
    email = forms.EmailField(label="E-mail", required=False)
    address = forms.CharField(label="Adresse", required=False, max_length=_max(Service, "address"))
    commune = CommuneField(
        label="Commune",
        required=False,
        help_text="Nom ou code INSEE. Obligatoire pour un accueil en présentiel.",
    )
    postal_code = forms.RegexField(
        label="Code postal",
        required=False,
        regex=r"^\d{5}$",
        error_messages={"invalid": "Le code postal comporte 5 chiffres."},
        help_text="Laissez vide pour reprendre celui de la commune.",
    )
    latitude = coordinate_field("Latitude")
    longitude = coordinate_field("Longitude")
    horaires_accueil = forms.CharField(
        label="Horaires d'accueil",
        required=False,
        max_length=_max(Service, "horaires_accueil"),
        help_text="En clair (ex. « du lundi au vendredi, 9 h – 12 h ») ou au format OpenStreetMap (Mo-Fr 09:00-12:00).",
    )
    volume_horaire_hebdomadaire = forms.FloatField(
        label="Volume horaire hebdomadaire (heures)",
        required=False,
        min_value=0,
        max_value=168,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={"invalid": "Nombre d'heures attendu (ex. 3.5)."},
    )
    nombre_semaines = forms.IntegerField(
        label="Durée en semaines", required=False, min_value=1, max_value=520
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._prepare_data()
        if self.is_bound:
            _parse_decimal(self.data, self.add_prefix("volume_horaire_hebdomadaire"))

    def thematique_groups(self) -> list[dict]:
        """The thématiques checkboxes by category (for the template)."""
        widgets = {w.data["value"]: w for w in self["thematiques"].subwidgets}
        selected = set(self["thematiques"].value() or [])
        groups = []
        for code, group_label, items in datainclusion.thematique_groups():
            options = [widgets[value] for value, _ in items if value in widgets]
            groups.append(
                {
                    "code": code,
                    "label": group_label,
                    "options": options,
                    "selected": sum(1 for value, _ in items if value in selected),
                }
            )
        return groups

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_publics(self) -> list[str]:
        publics = self.cleaned_data.get("publics") or []
        if datainclusion.TOUS_PUBLICS in publics and len(publics) > 1:
            raise forms.ValidationError(
                "« Tous publics » ne peut pas être choisi avec d'autres publics."
            )
        return publics

    def clean_zone_eligibilite(self) -> list[str]:
        codes = datainclusion.normalise_zone(
            datainclusion.split_codes(self.cleaned_data.get("zone_eligibilite", ""))
        )
        errors = [e for e in (datainclusion.zone_code_error(c) for c in codes) if e]
        if errors:
            raise forms.ValidationError(errors)
        return codes

    def clean(self):
        cleaned = super().clean()
        if (
            "en-presentiel" in (cleaned.get("modes_accueil") or [])
            and not cleaned.get("commune")
            and "commune" not in self.errors
        ):
            self.add_error(
                "commune", "Indiquez la commune où le service accueille le public en présentiel."
            )
        return cleaned

    def service_values(self) -> dict:
        values = dict(self.cleaned_data)
        values.pop("version", None)
        values["commune_code"] = values.pop("commune")
        values["frais"] = [values["frais"]] if values.get("frais") else []
        for name in (
            "publics_precisions",
            "conditions_acces",
            "frais_precisions",
            "mobilisation_precisions",
            "horaires_accueil",
            "address",
            "postal_code",
            "lien_mobilisation",
            "email",
            "phone",
        ):
            values[name] = values.get(name) or ""
        return values


def service_initial(service: Service) -> dict:
    initial = {
        name: getattr(service, name)
        for name in (
            "name",
            "description",
            "type",
            "thematiques",
            "publics",
            "publics_precisions",
            "conditions_acces",
            "frais_precisions",
            "modes_accueil",
            "modes_mobilisation",
            "mobilisable_par",
            "mobilisation_precisions",
            "lien_mobilisation",
            "phone",
            "email",
            "address",
            "postal_code",
            "latitude",
            "longitude",
            "horaires_accueil",
            "volume_horaire_hebdomadaire",
            "nombre_semaines",
            "version",
        )
    }
    initial["frais"] = (service.frais or [""])[0]
    initial["zone_eligibilite"] = " ".join(service.zone_eligibilite or [])
    initial["commune"] = commune_initial(service.commune_code)
    _blank_if_commune_centre(initial, service.commune_code)
    return initial


# --- Import --------------------------------------------------------------------------------


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
        if upload.size > datainclusion.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(datainclusion.too_big_message(upload.size))
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

    def import_files(self) -> list[datainclusion.ImportFile]:
        files = []
        for name, kind in self.KINDS.items():
            upload = self.cleaned_data.get(name)
            if upload is not None:
                files.append(datainclusion.ImportFile(upload.name, upload.read(), kind))
        return files
