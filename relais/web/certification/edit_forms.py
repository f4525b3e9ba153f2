"""Forms that correct a candidate's file: their details, an enrolment's access route and
trainer, a withdrawal. Each carries the version read (optimistic locking)."""

from __future__ import annotations

from django import forms

from relais.certification.edits import WITHDRAWAL_REASON_MAX
from relais.certification.models import AccessRoute
from relais.web.certification.forms import REQUIRED, CandidateForm, organisation_users
from relais.web.forms_helpers import date_field


class CandidateEditForm(CandidateForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class EnrolmentEditForm(forms.Form):
    access_route = forms.ChoiceField(
        label="Voie d'accès",
        choices=[("", "Choisir…"), *AccessRoute.choices],
        error_messages=REQUIRED,
    )
    vap_requested = forms.BooleanField(
        label="Demande de VAP (validation des acquis professionnels)", required=False
    )
    trainer = forms.ModelChoiceField(
        label="Formateur référent",
        help_text="Un membre de votre structure : il ne pourra pas siéger au jury du candidat.",
        queryset=None,
        empty_label="Inchangé",
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = organisation_users(organisation)


class WithdrawForm(forms.Form):
    withdrawn_on = date_field("Date de l'abandon")
    reason = forms.CharField(
        label="Motif de l'abandon",
        help_text="Par exemple : changement de poste, raisons personnelles, réorientation.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=WITHDRAWAL_REASON_MAX,
        error_messages={
            "required": "Indiquez le motif de l'abandon.",
            "max_length": f"Motif : {WITHDRAWAL_REASON_MAX} caractères au plus.",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
