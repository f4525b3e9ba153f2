"""Forms of the record's lifecycle: retention policy, postponement, rights requests."""

from __future__ import annotations

from django import forms

from relais.records.models import (
    DOCUMENT_RETENTION_MAX_MONTHS,
    DOCUMENT_RETENTION_MIN_MONTHS,
    RETENTION_MAX_MONTHS,
    RETENTION_MIN_MONTHS,
    RequestKind,
    RequestStatus,
)
from relais.web.forms_helpers import date_field


class RetentionPolicyForm(forms.Form):
    # Bounds are checked by the service (one message, the same for the API and commands).
    months = forms.IntegerField(
        label="Durée de conservation des dossiers (mois)",
        help_text=(
            f"Après la fin de l'accompagnement (dernier contact, sortie du dernier parcours) : "
            f"entre {RETENTION_MIN_MONTHS} et {RETENTION_MAX_MONTHS} mois. La CNIL recommande "
            "2 ans (24 mois) pour l'accompagnement social."
        ),
        error_messages={"invalid": "Indiquez un nombre entier de mois."},
    )
    document_months = forms.IntegerField(
        label="Conservation des justificatifs après leur expiration (mois)",
        help_text=(
            f"Entre {DOCUMENT_RETENTION_MIN_MONTHS} et {DOCUMENT_RETENTION_MAX_MONTHS} mois ; "
            "le fichier est ensuite supprimé."
        ),
        error_messages={"invalid": "Indiquez un nombre entier de mois."},
    )


class HoldForm(forms.Form):
    until = date_field("Reporter l'effacement jusqu'au")
    reason = forms.CharField(
        label="Motif du report",
        max_length=300,
        help_text="Contentieux en cours, réclamation en instance… (300 caractères au plus).",
    )


class RightsRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type de demande", choices=[("", "— Choisir —"), *RequestKind.choices]
    )
    received_on = date_field("Reçue le")
    details = forms.CharField(
        label="Ce que la personne demande",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ExtendForm(forms.Form):
    reason = forms.CharField(
        label="Motif de la prolongation",
        max_length=500,
        help_text="La personne doit en être informée dans le premier mois (art. 12.3 RGPD).",
    )


class CloseForm(forms.Form):
    decision = forms.ChoiceField(
        label="Décision",
        choices=[
            ("", "— Choisir —"),
            (RequestStatus.DONE, "Demande satisfaite"),
            (RequestStatus.REFUSED, "Demande refusée"),
        ],
    )
    reason = forms.CharField(
        label="Motif communiqué à la personne",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire en cas de refus.",
    )
