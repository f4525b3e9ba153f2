from django import forms

from relais.accounts.models import Role
from relais.core.models import JournalAction


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Adresse e-mail professionnelle", max_length=254)
    role = forms.ChoiceField(
        label="Rôle dans la structure", choices=Role.choices, initial=Role.REFERENT
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)


class JournalFilterForm(forms.Form):
    person = forms.IntegerField(
        label="N° de dossier de personne", required=False, min_value=1, max_value=2**62
    )
    actor = forms.ChoiceField(label="Utilisateur", required=False)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Toutes"), *list(JournalAction.choices)]
    )
    date_from = forms.DateField(
        label="Du",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label="Au",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, actors: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", "Tous"), *actors]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "La date de fin doit être postérieure à la date de début.")
        return cleaned
