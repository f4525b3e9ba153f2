"""The form of a service, with the data·inclusion fields: each error next to its field, in
French. Rules that hold wherever a service comes from live in
relais.network.directory.datainclusion.checks and relais.network.directory.services."""

from __future__ import annotations

from django import forms

from relais.network.directory.datainclusion import schema
from relais.network.directory.datainclusion.checks import (
    normalise_zone,
    split_codes,
    zone_code_error,
)
from relais.network.directory.models import Service
from relais.network.directory.thematiques import groups as grouped_thematiques
from relais.web.directory.fields import (
    CommuneField,
    LocationFormMixin,
    blank_if_commune_centre,
    clean_phone,
    commune_initial,
    coordinate_field,
    max_length,
    parse_decimal,
    phone_field,
    textarea,
)


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
        max_length=max_length(Service, "description") or 10000,
        widget=textarea(6),
        help_text="Ce que le service propose, pour qui, comment : des phrases courtes et simples.",
    )
    type = forms.ChoiceField(
        label="Type de service",
        required=False,
        choices=[("", "Non précisé"), *schema.choices("type")],
    )
    thematiques = forms.MultipleChoiceField(
        label="Thématiques",
        required=False,
        choices=[(group_label, list(items)) for _, group_label, items in grouped_thematiques()],
        widget=forms.CheckboxSelectMultiple,
    )
    publics = forms.MultipleChoiceField(
        label="Publics",
        required=False,
        choices=schema.choices("publics"),
        widget=forms.CheckboxSelectMultiple,
        help_text="« Tous publics » ne se combine pas avec les autres.",
    )
    publics_precisions = forms.CharField(
        label="Précisions sur les publics",
        required=False,
        max_length=max_length(Service, "publics_precisions"),
        widget=textarea(2),
    )
    conditions_acces = forms.CharField(
        label="Conditions d'accès",
        required=False,
        max_length=max_length(Service, "conditions_acces"),
        widget=textarea(3),
        help_text="Prérequis, justificatifs à présenter…",
    )
    frais = forms.ChoiceField(
        label="Frais",
        required=False,
        choices=[("", "Non précisé"), *schema.choices("frais")],
        widget=forms.RadioSelect,
    )
    frais_precisions = forms.CharField(
        label="Précisions sur les frais",
        required=False,
        max_length=max_length(Service, "frais_precisions"),
        widget=textarea(2),
    )
    modes_accueil = forms.MultipleChoiceField(
        label="Modes d'accueil",
        required=False,
        choices=schema.choices("modes_accueil"),
        widget=forms.CheckboxSelectMultiple,
    )
    modes_mobilisation = forms.MultipleChoiceField(
        label="Modes de mobilisation",
        required=False,
        choices=schema.choices("modes_mobilisation"),
        widget=forms.CheckboxSelectMultiple,
    )
    mobilisable_par = forms.MultipleChoiceField(
        label="Mobilisable par",
        required=False,
        choices=schema.choices("mobilisable_par"),
        widget=forms.CheckboxSelectMultiple,
    )
    mobilisation_precisions = forms.CharField(
        label="Précisions sur la mobilisation",
        required=False,
        max_length=max_length(Service, "mobilisation_precisions"),
        widget=textarea(2),
    )
    lien_mobilisation = forms.URLField(
        label="Lien de mobilisation",
        required=False,
        assume_scheme="https",
        max_length=max_length(Service, "lien_mobilisation"),
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
    address = forms.CharField(
        label="Adresse", required=False, max_length=max_length(Service, "address")
    )
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
        max_length=max_length(Service, "horaires_accueil"),
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
            parse_decimal(self.data, self.add_prefix("volume_horaire_hebdomadaire"))

    def thematique_groups(self) -> list[dict]:
        """The thématiques checkboxes by category (for the template)."""
        widgets = {w.data["value"]: w for w in self["thematiques"].subwidgets}
        selected = set(self["thematiques"].value() or [])
        groups = []
        for code, group_label, items in grouped_thematiques():
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
        if schema.TOUS_PUBLICS in publics and len(publics) > 1:
            raise forms.ValidationError(
                "« Tous publics » ne peut pas être choisi avec d'autres publics."
            )
        return publics

    def clean_zone_eligibilite(self) -> list[str]:
        codes = normalise_zone(split_codes(self.cleaned_data.get("zone_eligibilite", "")))
        errors = [e for e in (zone_code_error(c) for c in codes) if e]
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
    blank_if_commune_centre(initial, service.commune_code)
    return initial
