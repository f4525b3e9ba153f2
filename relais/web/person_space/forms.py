"""Forms of the space: few fields, large, in plain words."""

from __future__ import annotations

from django import forms

from relais.people.models import DocumentKind
from relais.person_space.models import Channel, MessageTopic
from relais.person_space.services import MESSAGE_MAX
from relais.web.forms_helpers import date_field


class ContactForm(forms.Form):
    contact = forms.CharField(
        label="Votre adresse e-mail ou votre numéro de portable",
        max_length=254,
        error_messages={"required": "Indiquez votre adresse e-mail ou votre numéro de portable."},
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Le code reçu",
        max_length=20,
        error_messages={"required": "Saisissez le code reçu."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class PaperCodeForm(forms.Form):
    code = forms.CharField(
        label="Le code écrit sur votre papier",
        help_text="10 lettres et chiffres, par exemple ABCDE-23456.",
        max_length=20,
        error_messages={"required": "Saisissez le code écrit sur votre papier."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class CosignForm(forms.Form):
    accepted = forms.BooleanField(
        label="J'ai lu ce contrat et je suis d'accord pour le signer.",
        required=False,
    )
    code = forms.CharField(
        label="Le code de signature reçu",
        max_length=20,
        error_messages={"required": "Saisissez le code de signature reçu."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    seen_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Votre message",
        max_length=MESSAGE_MAX,
        error_messages={
            "required": "Écrivez votre message.",
            "max_length": f"{MESSAGE_MAX} caractères au plus.",
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class CorrectionForm(MessageForm):
    body = forms.CharField(
        label="Ce qui est faux dans votre dossier, et ce qu'il faut écrire à la place",
        max_length=MESSAGE_MAX,
        error_messages={"required": "Écrivez ce qu'il faut corriger."},
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ReviewCommentForm(MessageForm):
    body = forms.CharField(
        label="Votre avis avant le prochain bilan",
        help_text="Ce qui va bien, ce qui est difficile, ce que vous souhaitez.",
        max_length=MESSAGE_MAX,
        error_messages={"required": "Écrivez votre avis."},
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Le fichier (photo ou PDF)",
        error_messages={
            "required": "Choisissez le fichier à envoyer.",
            "empty": "Ce fichier est vide.",
        },
    )


# --- Professional side -----------------------------------------------------------------------


class InviteForm(forms.Form):
    channel = forms.ChoiceField(
        label="Comment la personne se connectera-t-elle ?",
        choices=Channel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez comment la personne se connectera."},
    )


class DocumentRequestForm(forms.Form):
    title = forms.CharField(label="Document demandé", max_length=200)
    kind = forms.ChoiceField(label="Type de document", choices=DocumentKind.choices)
    due_on = date_field("À déposer avant le")


class ProfessionalMessageForm(MessageForm):
    body = forms.CharField(
        label="Message à la personne",
        help_text="Texte simple. La personne reçoit seulement « vous avez un nouveau message ».",
        max_length=MESSAGE_MAX,
        error_messages={"required": "Écrivez votre message."},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


TOPICS = MessageTopic
