"""Forms that change a workshop once it exists: its design, a session, cancelling a session
and withdrawing an enrolment. Like the other forms of the module, they run the service's
own checks in clean() so that every error shows in one round."""

from __future__ import annotations

from django import forms

from relais.projects.workshop_changes import REASON_MAX
from relais.projects.workshops import check_capacity
from relais.web.forms_helpers import apply_rule
from relais.web.projects.forms import SessionForm, WorkshopDesignForm


class WorkshopEditForm(WorkshopDesignForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SessionEditForm(SessionForm):
    """A session's date, place, facilitator and capacity; `enrolled`: the persons enrolled
    now, below which the capacity cannot go."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, enrolled: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["submission"]
        self.enrolled = enrolled
        if enrolled:
            self.fields["capacity"].help_text = (
                f"{enrolled} personne{'s' if enrolled > 1 else ''} inscrite"
                f"{'s' if enrolled > 1 else ''} : pas moins de places."
            )

    def clean(self):
        data = super().clean()
        apply_rule(self, lambda c: check_capacity(c, self.enrolled), data.get("capacity"))
        return data


def reason_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REASON_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Indiquez le motif.",
            "max_length": f"Le motif tient en {REASON_MAX} caractères au plus.",
        },
    )


class SessionCancelForm(forms.Form):
    reason = reason_field(
        "Motif de l'annulation",
        "Visible de tous les membres de la structure et dans le calendrier : ni nom ni "
        "information personnelle.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class WithdrawForm(forms.Form):
    reason = reason_field(
        "Motif de la désinscription",
        "Ajouté au résultat de l'étape « Atelier » de son parcours, qui devient abandonnée.",
    )
