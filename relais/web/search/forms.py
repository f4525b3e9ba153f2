"""Forms of the service search and the actor map (GET filters), and of the declaration of
a partnership (POST)."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from relais.core.communes import Commune
from relais.core.errors import DomainError
from relais.network.actor_map.flows import Territory, check_period, parse_territory
from relais.network.coordination.models import PartnershipKind
from relais.network.directory import datainclusion
from relais.network.directory.geo import CommuneLookupError, resolve_commune
from relais.network.directory.search import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, ServiceQuery

RADIUS_ERROR = f"Indiquez un rayon en kilomètres, nombre entier de 1 à {MAX_RADIUS_KM}."


def thematique_choices() -> list[tuple[str, str]]:
    choices = []
    for code, label, items in datainclusion.thematique_groups():
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
        choices=[("", "Tous les publics"), *datainclusion.choices("publics")],
        error_messages={"invalid_choice": "Public inconnu : choisissez-le dans la liste."},
    )
    accueil = forms.ChoiceField(
        label="Mode d'accueil",
        required=False,
        choices=[("", "Indifférent"), *datainclusion.choices("modes_accueil")],
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


class ActorMapForm(forms.Form):
    territoire = forms.CharField(
        label="Territoire",
        max_length=2000,
        help_text=(
            "Un département (ex. 69, 2A, 974), ou des communes séparées par des virgules "
            "(noms ou codes INSEE)."
        ),
        error_messages={"required": "Indiquez un département ou des communes."},
    )
    du = forms.DateField(
        label="Orientations envoyées du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Date invalide (jj/mm/aaaa)."},
    )
    au = forms.DateField(
        label="au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Date invalide (jj/mm/aaaa)."},
    )

    territory: Territory | None = None

    def clean_territoire(self) -> str:
        text = self.cleaned_data["territoire"]
        try:
            self.territory = parse_territory(text)
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        return text

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        data["au"] = data.get("au") or today
        data["du"] = data.get("du") or data["au"] - timedelta(days=365)
        if not self.errors:
            try:
                check_period(data["du"], data["au"])
            except DomainError as error:
                self.add_error(error.field or None, error.message)
        return data


class PartnershipForm(forms.Form):
    target = forms.TypedChoiceField(
        label="Structure partenaire",
        coerce=int,
        error_messages={
            "required": "Choisissez la structure partenaire.",
            "invalid_choice": "Choisissez la structure partenaire dans la liste.",
        },
    )
    kind = forms.ChoiceField(
        label="Nature du partenariat",
        choices=PartnershipKind.choices,
        error_messages={
            "required": "Choisissez la nature du partenariat.",
            "invalid_choice": "Choisissez la nature du partenariat dans la liste.",
        },
    )
    description = forms.CharField(
        label="Précision",
        required=False,
        max_length=300,
        help_text="Par exemple : convention d'orientation 2026, réseau des acteurs de l'emploi.",
        error_messages={"max_length": "300 caractères au plus."},
    )
    started_on = forms.DateField(
        label="Depuis le",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Date invalide (jj/mm/aaaa)."},
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", "Choisir une structure"), *organisations]
