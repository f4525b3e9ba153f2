"""Forms of the information collective: a session, a registration, the attendance."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from relais.pathways.collective_models import Attendance
from relais.pathways.models import Scheme
from relais.web.forms_helpers import date_field


class SessionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    title = forms.CharField(
        label="Intitulé",
        max_length=150,
        error_messages={"required": "Indiquez l'intitulé de la session."},
    )
    scheme = forms.ChoiceField(label="Dispositif présenté", choices=Scheme.choices)
    day = date_field("Date")
    time = forms.TimeField(
        label="Heure",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Indiquez l'heure.", "invalid": "Heure illisible (HH:MM)."},
    )
    place = forms.CharField(
        label="Lieu", max_length=200, error_messages={"required": "Indiquez le lieu."}
    )
    capacity = forms.IntegerField(
        label="Nombre de places",
        min_value=1,
        max_value=500,
        error_messages={
            "required": "Indiquez le nombre de places.",
            "invalid": "Indiquez un nombre.",
            "min_value": "Au moins une place.",
            "max_value": "Au plus 500 places.",
        },
    )
    open_to_partners = forms.BooleanField(
        label="Les partenaires peuvent inscrire des personnes", required=False
    )

    def starts_at(self) -> dt.datetime:
        naive = dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        return timezone.make_aware(naive, timezone.get_default_timezone())

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "scheme": data["scheme"],
            "starts_at": self.starts_at(),
            "place": data["place"],
            "capacity": data["capacity"],
            "open_to_partners": data["open_to_partners"],
        }


class RegistrationForm(forms.Form):
    birth_name = forms.CharField(
        label="Nom", max_length=100, error_messages={"required": "Le nom est obligatoire."}
    )
    first_names = forms.CharField(
        label="Prénom(s)",
        max_length=150,
        error_messages={"required": "Le prénom est obligatoire."},
    )
    birth_date = date_field(
        "Date de naissance", required_message="La date de naissance est obligatoire."
    )
    phone = forms.CharField(label="Téléphone", max_length=20, required=False)
    email = forms.EmailField(
        label="Adresse e-mail",
        required=False,
        error_messages={"invalid": "Cette adresse e-mail n'est pas valide."},
    )
    comment = forms.CharField(
        label="Attentes, besoins d'accessibilité", max_length=300, required=False
    )
    # The duplicate check, answered: the record recognised, or "someone else".
    same_as = forms.CharField(required=False, widget=forms.HiddenInput)


class AttendanceForm(forms.Form):
    """One radio group per registration, built from the session's registrations."""

    CHOICES = [
        (Attendance.PRESENT, "Présent·e"),
        (Attendance.ABSENT, "Absent·e"),
        (Attendance.EXCUSED, "Excusé·e"),
    ]

    def __init__(self, *args, registrations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.registrations = registrations
        for r in registrations:
            self.fields[f"r{r.pk}"] = forms.ChoiceField(
                label=f"{r.first_names} {r.birth_name.upper()}",
                choices=self.CHOICES,
                widget=forms.RadioSelect,
                initial=r.attendance if r.attendance != Attendance.REGISTERED else None,
                error_messages={"required": "Indiquez la présence de cette personne."},
            )

    def attendance(self) -> dict[int, str]:
        return {r.pk: self.cleaned_data[f"r{r.pk}"] for r in self.registrations}
