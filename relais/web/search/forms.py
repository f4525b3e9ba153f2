"""Forms of the service search (GET filters)."""

from __future__ import annotations

from django import forms

from relais.core.communes import Commune
from relais.network.directory import thematiques
from relais.network.directory.datainclusion import schema
from relais.network.directory.geo import CommuneLookupError, resolve_commune
from relais.network.directory.search import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, ServiceQuery

RADIUS_ERROR = f"Indiquez un rayon en kilomètres, nombre entier de 1 à {MAX_RADIUS_KM}."


def thematique_choices() -> list[tuple[str, str]]:
    choices = []
    for code, label, items in thematiques.groups():
        choices.append((code, f"{label} (toute la catégorie)"))
        choices.extend(items)
    return choices


class ServiceSearchForm(forms.Form):
    """Field names are the query string's (French, readable in a shared link)."""

    thematique = forms.MultipleChoiceField(
        label="Thématiques",
        required=False,
        choices=thematique_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Thématique inconnue : %(value)s."},
    )
    commune = forms.CharField(
        label="Commune",
        required=False,
        max_length=120,
        help_text="Tapez le début du nom et choisissez dans la liste, ou le code INSEE.",
    )
    rayon = forms.IntegerField(
        label="Rayon (km)",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        help_text=f"De 1 à {MAX_RADIUS_KM} km ; {DEFAULT_RADIUS_KM} km si vide.",
        error_messages={
            "invalid": RADIUS_ERROR,
            "min_value": RADIUS_ERROR,
            "max_value": RADIUS_ERROR,
        },
    )
    public = forms.ChoiceField(
        label="Public",
        required=False,
        choices=[("", "Tous les publics"), *schema.choices("publics")],
        error_messages={"invalid_choice": "Public inconnu : choisissez-le dans la liste."},
    )
    accueil = forms.ChoiceField(
        label="Mode d'accueil",
        required=False,
        choices=[("", "Indifférent"), *schema.choices("modes_accueil")],
        error_messages={"invalid_choice": "Mode d'accueil inconnu : choisissez-le dans la liste."},
    )
    q = forms.CharField(
        label="Mots-clés",
        required=False,
        max_length=200,
        help_text="Dans le nom ou la description du service (accents et majuscules indifférents).",
        error_messages={"max_length": "200 caractères au plus."},
    )

    commune_found: Commune | None = None

    def clean_commune(self) -> str:
        text = self.cleaned_data.get("commune", "").strip()
        self.commune_found = None
        if text:
            try:
                self.commune_found = resolve_commune(text)
            except CommuneLookupError as error:
                raise forms.ValidationError(error.message) from error
        return text

    def to_query(self) -> ServiceQuery:
        data = self.cleaned_data
        return ServiceQuery(
            thematiques=tuple(data.get("thematique") or ()),
            commune_code=self.commune_found.code if self.commune_found else "",
            radius_km=data.get("rayon") or DEFAULT_RADIUS_KM,
            public=data.get("public") or "",
            mode_accueil=data.get("accueil") or "",
            text=data.get("q") or "",
        )
