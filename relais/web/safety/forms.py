"""Forms of incidents and safety flags: every field checked in one round (the lift reason
with the service's own rule)."""

from __future__ import annotations

from django import forms

from relais.pathways.safety import check_lift_reason
from relais.pathways.safety_models import SafetyFlagKind
from relais.web.forms_helpers import apply_rule, date_field

NO_FLAG = [("", "— Aucune consigne —")]


class IncidentForm(forms.Form):
    occurred_on = date_field("Date de l'incident")
    description = forms.CharField(
        label="Ce qui s'est passé",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Des faits et les paroles rapportées, en termes neutres, sans jugement.",
        error_messages={"required": "Décrivez ce qui s'est passé."},
    )
    present = forms.CharField(label="Personnes présentes", max_length=300, required=False)
    follow_up = forms.CharField(
        label="Suite décidée",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez la suite décidée."},
    )
    flag_kind = forms.ChoiceField(
        label="Consigne de sécurité à poser",
        choices=NO_FLAG + list(SafetyFlagKind.choices),
        required=False,
        help_text="Visible par toute personne qui reçoit la personne, accueil compris, sans les détails de l'incident.",
    )
    flag_instruction = forms.CharField(
        label="Précision de la consigne", max_length=150, required=False
    )
    review_on = date_field("Consigne à réexaminer le", required=False)

    def clean(self):
        data = super().clean()
        if data.get("flag_kind") == SafetyFlagKind.OTHER and not data.get("flag_instruction"):
            self.add_error("flag_instruction", "Précisez la consigne « Autre ».")
        return data


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label="Consigne", choices=SafetyFlagKind.choices)
    instruction = forms.CharField(label="Précision", max_length=150, required=False)
    review_on = date_field("À réexaminer le", required=False)


class LiftForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la levée",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Indiquez le motif de la levée : la consigne ne peut pas être levée sans motif."
        },
    )

    def clean(self):
        data = super().clean()
        apply_rule(self, check_lift_reason, data.get("reason"))
        return data


class CloseForm(forms.Form):
    closing_note = forms.CharField(
        label="Bilan du suivi",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Indiquez le bilan du suivi avant de le terminer."},
    )
