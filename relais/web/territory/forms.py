"""Forms of the territory pages. The services check the rules; the forms parse input and
show every error at once, keeping what was typed."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from relais.territory.models import Aggregation, GeoLevel, Indicator, Theme

AREAS_HELP = (
    "Une zone par ligne, ou séparées par des virgules : code de département (69), SIREN "
    "d'EPCI (200046977), code INSEE ou nom de commune, ou « France »."
)


class TerritoryForm(forms.Form):
    name = forms.CharField(
        label="Nom du territoire",
        max_length=150,
        error_messages={"required": "Donnez un nom au territoire."},
    )
    areas = forms.CharField(
        label="Territoire d'intervention",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=AREAS_HELP,
        error_messages={"required": "Indiquez au moins une commune, un EPCI ou un département."},
    )
    comparison = forms.CharField(
        label="Territoires de comparaison (facultatif)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Vide : le département et la France.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IndicatorForm(forms.Form):
    name = forms.CharField(
        label="Nom", max_length=200, error_messages={"required": "Donnez un nom à l'indicateur."}
    )
    theme = forms.ChoiceField(
        label="Thème",
        choices=[("", "— choisir —"), *Theme.choices],
        error_messages={"required": "Choisissez un thème."},
    )
    unit = forms.CharField(
        label="Unité", max_length=40, required=False, help_text="ex. personnes, %, euros"
    )
    source = forms.CharField(
        label="Source",
        max_length=200,
        help_text="ex. INSEE, recensement de la population 2021",
        error_messages={"required": "Indiquez la source (ex. « INSEE, RP 2021 »)."},
    )
    definition = forms.CharField(
        label="Définition",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    level = forms.ChoiceField(
        label="Niveau géographique des valeurs", choices=GeoLevel.choices, initial="commune"
    )
    aggregation = forms.ChoiceField(
        label="Agrégation sur plusieurs communes",
        choices=Aggregation.choices,
        help_text="Un effectif s'additionne ; un taux ou une moyenne se pondère (jamais de moyenne de taux).",
    )
    weight = forms.ModelChoiceField(
        label="Dénominateur (pour un taux)",
        queryset=Indicator.objects.none(),
        required=False,
        help_text="Vide : pondération par la population de chaque commune.",
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].queryset = Indicator.objects.of_organisation(organisation_id).counts()


class UploadForm(forms.Form):
    indicator = forms.ModelChoiceField(
        label="Indicateur",
        queryset=Indicator.objects.none(),
        error_messages={"required": "Choisissez l'indicateur dont le fichier donne les valeurs."},
    )
    file = forms.FileField(
        label="Fichier",
        help_text="CSV (séparateur « ; », « , » ou tabulation ; UTF-8 ou Windows-1252) ou Excel (.xlsx), 250 Mo au plus.",
        error_messages={"required": "Choisissez un fichier."},
    )

    def __init__(self, *args, organisation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(
            organisation_id=organisation_id
        )


class MappingForm(forms.Form):
    layout = forms.ChoiceField(
        label="Disposition du fichier",
        choices=[
            ("long", "Une ligne par code et par année (ou une seule année)"),
            ("wide", "Une colonne par année"),
        ],
        widget=forms.RadioSelect,
        initial="long",
    )
    code = forms.TypedChoiceField(
        label="Colonne du code géographique",
        coerce=int,
        error_messages={"required": "Choisissez la colonne du code géographique."},
    )
    value = forms.TypedChoiceField(
        label="Colonne des valeurs", coerce=int, required=False, empty_value=None
    )
    year = forms.TypedChoiceField(
        label="Colonne de l'année", coerce=int, required=False, empty_value=None
    )
    fixed_year = forms.IntegerField(
        label="Ou : année de tout le fichier",
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages={
            "min_value": "Indiquez une année entre 1900 et 2100.",
            "max_value": "Indiquez une année entre 1900 et 2100.",
            "invalid": "Indiquez une année (4 chiffres).",
        },
    )

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(i, title or f"colonne {i + 1}") for i, title in enumerate(header)]
        self.fields["code"].choices = [("", "— choisir —"), *choices]
        self.fields["value"].choices = [("", "— choisir —"), *choices]
        self.fields["year"].choices = [("", "— aucune —"), *choices]


class NeedsForm(forms.Form):
    year = forms.IntegerField(
        label="Année",
        min_value=2000,
        max_value=2100,
        required=False,
        error_messages={
            "min_value": "Année invalide.",
            "max_value": "Année invalide.",
            "invalid": "Année invalide.",
        },
    )
    radius = forms.TypedChoiceField(
        label="Distance des services",
        coerce=int,
        required=False,
        empty_value=10,
        choices=[(5, "5 km"), (10, "10 km"), (20, "20 km"), (30, "30 km")],
    )

    def values(self) -> tuple[int, int]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("year") or timezone.localdate().year, data.get("radius") or 10


class AnalysisForm(forms.Form):
    territory = forms.ModelChoiceField(
        label="Territoire", queryset=None, error_messages={"required": "Choisissez le territoire."}
    )
    year = forms.IntegerField(
        label="Année",
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": "Indiquez l'année.",
            "invalid": "Indiquez une année (4 chiffres).",
        },
    )
    title = forms.CharField(label="Titre (facultatif)", max_length=200, required=False)

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories


class SectionForm(forms.Form):
    text = forms.CharField(
        label="Texte de la section",
        max_length=20_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class WatchForm(forms.Form):
    published_on = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Indiquez la date.", "invalid": "Date invalide (jj/mm/aaaa)."},
    )
    title = forms.CharField(
        label="Titre", max_length=200, error_messages={"required": "Donnez un titre."}
    )
    source = forms.CharField(
        label="Source", max_length=200, error_messages={"required": "Indiquez la source."}
    )
    url = forms.URLField(
        label="Lien",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Lien invalide (https://…)."},
    )
    summary = forms.CharField(
        label="Résumé", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tags = forms.CharField(
        label="Mots-clés", max_length=300, required=False, help_text="séparés par des virgules"
    )
    theme = forms.ChoiceField(label="Thème", choices=[("", "—"), *Theme.choices], required=False)
    territory = forms.ModelChoiceField(label="Territoire", queryset=None, required=False)

    def __init__(self, *args, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territories

    def values(self) -> dict:
        """The service's arguments: tags typed « a, b » as a list."""
        data = {name: self.cleaned_data[name] for name in WATCH_FIELDS}
        data["tags"] = [t for t in data["tags"].split(",") if t.strip()]
        return data


WATCH_FIELDS = ("published_on", "title", "source", "url", "summary", "tags", "theme", "territory")


class WatchEditForm(WatchForm):
    """The entry as the user opened it: `updated_at` (exact, with microseconds) lets the
    service detect that someone saved it in between (WatchItem has no version)."""

    updated_at = forms.CharField(widget=forms.HiddenInput, max_length=40)

    def clean_updated_at(self) -> dt.datetime:
        try:
            value = dt.datetime.fromisoformat(self.cleaned_data["updated_at"])
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            raise forms.ValidationError(
                "Le formulaire n'est plus valide : rechargez la page de l'entrée."
            )
        return value


class LabourUploadForm(forms.Form):
    title = forms.CharField(
        label="Titre",
        max_length=200,
        initial="Besoins en main-d'œuvre",
        error_messages={"required": "Donnez un titre aux données."},
    )
    source = forms.CharField(
        label="Source",
        max_length=200,
        initial="France Travail, enquête Besoins en main-d'œuvre",
        error_messages={"required": "Indiquez la source des chiffres."},
    )
    year = forms.IntegerField(
        label="Année",
        min_value=1990,
        max_value=2100,
        error_messages={
            "required": "Indiquez l'année des chiffres.",
            "invalid": "Indiquez une année en chiffres.",
            "min_value": "Indiquez une année entre 1990 et 2100.",
            "max_value": "Indiquez une année entre 1990 et 2100.",
        },
    )
    file = forms.FileField(
        label="Fichier",
        help_text=(
            "CSV (séparateur « ; », « , » ou tabulation ; UTF-8 ou Windows-1252) ou Excel "
            "(.xlsx), 20 Mo au plus. Colonnes reconnues par leur titre : code ROME "
            "(« code_rome »), zone (« BE23 », « code_bassin » ou « code_geo ») et son nom, "
            "projets de recrutement (« met »), difficiles (« xmet »), saisonniers (« smet »), "
            "demandeurs d'emploi (« demandeurs »)."
        ),
        error_messages={"required": "Choisissez un fichier."},
    )


class BasinForm(forms.Form):
    """The dataset and the areas (bassins, départements) that make the territory's basin."""

    jeu = forms.ModelChoiceField(
        label="Données",
        queryset=None,
        required=False,
        error_messages={"invalid_choice": "Choisissez des données de la liste."},
    )
    zones = forms.MultipleChoiceField(
        label="Zones du bassin d'emploi",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "« %(value)s » n'est pas une zone de ces données."},
    )

    def __init__(self, *args, datasets, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jeu"].queryset = datasets
        self.fields["zones"].choices = [
            (code, f"{code} — {label}" if label else code) for code, label in areas
        ]
