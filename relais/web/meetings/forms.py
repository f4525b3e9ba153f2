"""Forms of partner meetings: the meeting and its new actions (a small formset)."""

from __future__ import annotations

from django import forms

from relais.accounts.models import Organisation, User
from relais.network.coordination.meeting_models import MeetingActionStatus
from relais.web.forms_helpers import UserChoiceField, date_field


class MeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    title = forms.CharField(
        label="Objet",
        max_length=150,
        error_messages={"required": "Indiquez l'objet de la réunion."},
    )
    held_on = date_field("Date de la réunion")
    place = forms.CharField(label="Lieu", max_length=200, required=False)
    partners = forms.ModelMultipleChoiceField(
        label="Structures partenaires",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Les partenaires déclarés de la structure (annuaire, cartographie).",
    )
    attendees = forms.ModelMultipleChoiceField(
        label="Participants de la structure",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_participants = forms.CharField(
        label="Autres participants", max_length=500, required=False
    )
    agenda = forms.CharField(
        label="Ordre du jour",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    minutes = forms.CharField(
        label="Compte rendu",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Une réunion partenariale ne porte sur aucune personne : pour parler d'une situation, tenez une réunion de synthèse dans son dossier.",
    )

    def __init__(self, *args, partners, attendees, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = partners
        self.fields["partners"].label_from_instance = lambda o: o.name
        self.fields["attendees"].queryset = attendees
        self.fields["attendees"].label_from_instance = lambda u: u.get_full_name() or u.email


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", max_length=300, required=False)
    owner = UserChoiceField(
        label="Porteur",
        queryset=User.objects.none(),
        required=False,
        empty_label="— Hors plateforme —",
    )
    owner_name = forms.CharField(
        label="Porteur hors plateforme (nom, structure)", max_length=150, required=False
    )
    due_on = date_field("Échéance", required=False)

    def __init__(self, *args, owners=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip():
            return data
        if data.get("owner") is None and not (data.get("owner_name") or "").strip():
            self.add_error(
                "owner", "Chaque action a un porteur : un professionnel de la liste ou un nom."
            )
        if data.get("due_on") is None and "due_on" not in self.errors:
            self.add_error("due_on", "Indiquez l'échéance de l'action.")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=10, absolute_max=10)


class CloseActionForm(forms.Form):
    status = forms.ChoiceField(
        label="L'action est",
        choices=[(MeetingActionStatus.DONE, "Faite"), (MeetingActionStatus.DROPPED, "Abandonnée")],
    )
    note = forms.CharField(label="Commentaire", max_length=300, required=False)
