"""Form fields and helpers shared by the directory's forms: a commune typed by name or
code, a French phone number, coordinates with a decimal comma (both or none), and the
initial values that keep a commune's centre out of the coordinate fields."""

from __future__ import annotations

from django import forms

from relais.core.communes import get_commune
from relais.core.text import normalise_french_phone
from relais.network.directory.datainclusion.checks import coordinates_error
from relais.network.directory.geo import CommuneLookupError, commune_display, resolve_commune


def max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def textarea(rows: int = 4) -> forms.Textarea:
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


def parse_decimal(data, name: str):
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
        error = coordinates_error(lat, lon)
        if error:
            self.add_error("longitude" if lon is None and lat is not None else "latitude", error)
        return cleaned

    def _prepare_data(self) -> None:
        if self.is_bound:
            self.data = self.data.copy()
            prefix = self.add_prefix
            parse_decimal(self.data, prefix("latitude"))
            parse_decimal(self.data, prefix("longitude"))


def blank_if_commune_centre(initial: dict, code: str) -> None:
    """Coordinates equal to the commune's centre are shown empty: changing the commune
    then moves the point with it."""
    commune = get_commune(code) if code else None
    if (
        commune is not None
        and initial.get("latitude") == commune.latitude
        and initial.get("longitude") == commune.longitude
    ):
        initial["latitude"] = initial["longitude"] = None
