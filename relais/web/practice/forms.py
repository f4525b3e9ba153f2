"""Forms of practice analysis."""

from __future__ import annotations

from django import forms

from relais.accounts.models import User
from relais.pathways.practice_models import CasePresentation
from relais.web.forms_helpers import date_field


class AnonymiseForm(forms.Form):
    title = forms.CharField(
        label="Titre",
        max_length=150,
        error_messages={"required": "Donnez un titre à la présentation."},
    )
    question = forms.CharField(label="Question posée aux pairs", max_length=500, required=False)
    person_number = forms.IntegerField(
        label="N° de dossier de la personne",
        required=False,
        min_value=1,
        help_text="Facultatif : ses nom, prénoms, date de naissance, adresse et coordonnées seront retirés du texte. Le dossier n'est pas lié à la présentation.",
        error_messages={
            "invalid": "Indiquez un numéro de dossier.",
            "min_value": "Indiquez un numéro de dossier.",
        },
    )
    raw = forms.CharField(
        label="La situation, telle que vous la présenteriez",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": "La présentation est vide."},
    )


class PresentationForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    title = forms.CharField(
        label="Titre",
        max_length=150,
        error_messages={"required": "Donnez un titre à la présentation."},
    )
    question = forms.CharField(label="Question posée aux pairs", max_length=500, required=False)
    text = forms.CharField(
        label="Présentation anonymisée (relisez-la)",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        error_messages={"required": "La présentation est vide."},
    )


class PeerSessionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    held_on = date_field("Date de la séance")
    facilitator = forms.CharField(
        label="Animation (superviseur, pair…)", max_length=150, required=False
    )
    attendees = forms.ModelMultipleChoiceField(
        label="Participants",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    presentations = forms.ModelMultipleChoiceField(
        label="Situations présentées",
        queryset=CasePresentation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minutes = forms.CharField(
        label="Compte rendu",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    lessons = forms.CharField(
        label="Enseignements retenus",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, attendees, presentations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = attendees
        self.fields["attendees"].label_from_instance = lambda u: u.get_full_name() or u.email
        self.fields["presentations"].queryset = presentations
        self.fields["presentations"].label_from_instance = lambda p: p.title


class EntryForm(forms.Form):
    written_on = date_field("Date")
    text = forms.CharField(
        label="Ce que je retiens, ce qui me questionne",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Le texte est vide."},
    )
