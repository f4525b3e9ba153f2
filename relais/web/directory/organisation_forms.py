"""Forms of the directory's organisations: the filters of the directory list, the entry
that the managers of an organisation on the platform maintain, and a partner "hors
plateforme" (identity included). Rules that hold wherever an organisation is written live
in relais.network.directory.services."""

from __future__ import annotations

from django import forms

from relais.accounts.models import Organisation, OrganisationKind
from relais.accounts.validators import normalise_siret, validate_siret
from relais.network.directory.datainclusion import schema
from relais.web.directory.fields import (
    CommuneField,
    LocationFormMixin,
    blank_if_commune_centre,
    clean_phone,
    commune_initial,
    coordinate_field,
    max_length,
    phone_field,
    textarea,
)

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
        choices=[("", "Tous les réseaux"), *schema.choices("reseaux_porteurs")],
    )
    plateforme = forms.ChoiceField(label="Présence", required=False, choices=PLATFORM_CHOICES)


# --- Organisations -------------------------------------------------------------------------


class OrganisationEntryForm(LocationFormMixin, forms.Form):
    """What the managers of an organisation on the platform maintain in the directory."""

    # The version the manager started from: two managers editing at once do not overwrite
    # each other (absent when creating a partner).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    description = forms.CharField(
        label="Présentation",
        required=False,
        max_length=max_length(Organisation, "description"),
        widget=textarea(5),
    )
    address = forms.CharField(
        label="Adresse", required=False, max_length=max_length(Organisation, "address")
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
        max_length=max_length(Organisation, "website"),
    )
    networks = forms.MultipleChoiceField(
        label="Réseaux porteurs",
        required=False,
        choices=schema.choices("reseaux_porteurs"),
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
        "version": organisation.version,
    }
    blank_if_commune_centre(initial, organisation.commune_code)
    return initial


def organisation_values(form: forms.Form) -> dict:
    """The cleaned data under the service layer's names."""
    values = dict(form.cleaned_data)
    values.pop("version", None)
    if "commune" in values:
        values["commune_code"] = values.pop("commune")
    return values
