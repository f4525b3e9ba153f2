"""Forms of the actor map: the territory and period shown, declaring a partnership."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from relais.core.errors import DomainError
from relais.network.actor_map.flows import check_period
from relais.network.actor_map.territory import Territory, parse_territory
from relais.network.coordination.models import PartnershipKind


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
