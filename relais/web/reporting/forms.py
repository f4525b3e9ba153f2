"""The dashboard's filters and the export request."""

from __future__ import annotations

from django import forms

from relais.pathways.models import Scheme
from relais.reporting.filters import (
    AgeBand,
    ReportFilter,
    build_filter,
    check_period,
    check_whole_months,
)
from relais.reporting.models import ExportKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReportFilterForm(forms.Form):
    debut = forms.DateField(label="Du", widget=DateInput())
    fin = forms.DateField(label="Au", widget=DateInput())
    dispositif = forms.ChoiceField(
        label="Dispositif", required=False, choices=[("", "Tous"), *Scheme.choices]
    )
    referent = forms.TypedChoiceField(
        label="Référent", required=False, coerce=int, empty_value=None
    )
    commune = forms.CharField(
        label="Commune (code INSEE)",
        required=False,
        max_length=5,
        help_text="5 caractères, par exemple 59350.",
    )
    age = forms.ChoiceField(
        label="Tranche d'âge", required=False, choices=[("", "Toutes"), *AgeBand.choices]
    )
    comparer = forms.BooleanField(
        label="Comparer avec la même période un an plus tôt", required=False
    )

    def __init__(
        self,
        *args,
        referents=(),
        show_referent: bool = False,
        show_scheme: bool = True,
        show_identity: bool = True,
        whole_months: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.whole_months = whole_months
        if whole_months:
            self.fields["debut"].help_text = "Le 1er d'un mois."
            self.fields["fin"].help_text = "Le dernier jour d'un mois."
        if not show_scheme:
            del self.fields["dispositif"]
        if not show_identity:
            # Co-followed persons: their commune and age are shared only with « Identité ».
            del self.fields["commune"]
            del self.fields["age"]
        self.show_referent = show_referent
        if show_referent:
            self.fields["referent"].choices = [("", "Tous"), *referents]
            # Any number is accepted here: the policy refuses (and journals) a professional
            # who is not a member of the organisation.
            self.fields["referent"].valid_value = lambda value: True
        else:
            del self.fields["referent"]

    def clean(self):
        data = super().clean()
        for error in check_period(data.get("debut"), data.get("fin")):
            if self.has_error({"start": "debut", "end": "fin"}[error.field]):
                continue
            if "debut" in data and "fin" in data:
                self.add_error("fin", error.message)
        if self.whole_months and not self.errors:
            for error in check_whole_months(data.get("debut"), data.get("fin")):
                self.add_error({"start": "debut", "end": "fin"}[error.field], error.message)
        commune = (data.get("commune") or "").strip()
        if commune and (len(commune) != 5 or not commune.isalnum()):
            self.add_error("commune", "Code commune INSEE invalide (5 caractères).")
        return data

    def report_filter(self) -> ReportFilter:
        data = self.cleaned_data
        return build_filter(
            start=data["debut"],
            end=data["fin"],
            scheme=data.get("dispositif") or "",
            referent_id=data.get("referent"),
            commune_code=(data.get("commune") or "").strip(),
            age_band=data.get("age") or "",
        )


class ExportForm(forms.Form):
    kind = forms.ChoiceField(choices=ExportKind.choices)
