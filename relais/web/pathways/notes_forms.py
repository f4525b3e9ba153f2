"""Forms for notes (écrits professionnels), appointments and the caseload filters."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from relais.accounts.models import Membership, User
from relais.diagnostics.models import Urgency
from relais.pathways import caseload
from relais.pathways.models import (
    Appointment,
    Note,
    NoteKind,
    NoteVisibility,
    Participation,
    Pathway,
    Scheme,
)
from relais.pathways.notes import APPOINTMENT_MAX_MINUTES, APPOINTMENT_MIN_MINUTES
from relais.pathways.selectors import overlapping_appointments
from relais.people.models import Person
from relais.web.forms_helpers import SubmissionField, UserChoiceField, date_field


class PathwayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pathway) -> str:
        state = "en cours" if obj.status == "active" else "terminé"
        return f"{obj.get_scheme_display()} — depuis le {obj.started_on:%d/%m/%Y} ({state})"


def _pathways_of(person: Person):
    return Pathway.objects.filter(person=person).order_by("status", "-started_on", "-id")


PERSON_HELP = (
    "« La personne » : écrit pour elle, en mots simples ; elle le lit dans son espace "
    "personnel, votre structure aussi (jamais les partenaires)."
)


class NoteForm(forms.Form):
    kind = forms.ChoiceField(label="Type d'écrit", choices=NoteKind.choices)
    occurred_on = date_field(
        "Date de l'échange", help_text="Le jour de l'entretien, de l'appel ou de la visite."
    )
    pathway = PathwayChoiceField(
        label="Parcours concerné",
        queryset=Pathway.objects.none(),
        required=False,
        empty_label="— Aucun en particulier —",
    )
    visibility = forms.ChoiceField(
        label="Qui peut lire cet écrit ?",
        choices=NoteVisibility.choices,
        widget=forms.RadioSelect,
        initial=NoteVisibility.ORGANISATION,
        help_text=(
            "« Moi seul·e » : ni vos collègues ni votre responsable ne le liront, pas même dans "
            "leurs exports du dossier. La personne, elle, peut en obtenir copie : le droit "
            "d'accès (RGPD art. 15) couvre tout ce que son dossier contient. "
            f"{PERSON_HELP}"
        ),
    )
    body = forms.CharField(
        label="Contenu",
        max_length=Note._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=(
            "Rapportez des faits, les paroles de la personne (entre guillemets) et vos "
            "sources. La personne peut demander à lire ce qui est écrit sur elle."
        ),
        error_messages={"required": "Écrivez le contenu de l'écrit."},
        strip=True,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission = SubmissionField()
    # Fingerprint of the writing-check warnings the author has seen (see writing_check).
    flags_seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["pathway"].queryset = _pathways_of(person)
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        _offer_team_visibility(self, person)


def _offer_team_visibility(form: NoteForm, person: Person) -> None:
    """« L'équipe de coordination » is offered only when the person has one (professionals
    of other organisations co-following them), or when the note being edited already has
    it."""
    from relais.network.coordination.models import TeamMember

    has_team = TeamMember.objects.filter(team__person_id=person.pk, ended_on__isnull=True).exists()
    current = form.data.get("visibility") if form.is_bound else form.initial.get("visibility")
    field = form.fields["visibility"]
    if has_team or current == NoteVisibility.TEAM:
        field.help_text = (
            "« Moi seul·e » : ni vos collègues ni votre responsable ne le verront. "
            "« L'équipe de coordination » : votre structure et les professionnels des "
            "structures partenaires qui co-suivent la personne (s'ils ont accès aux écrits). "
            f"{PERSON_HELP}"
        )
    else:
        field.choices = [c for c in NoteVisibility.choices if c[0] != NoteVisibility.TEAM]


class AppointmentSlotForm(forms.Form):
    """When, how long, where and why: the fields every appointment form has (the
    organisation's own, and a co-following professional's)."""

    day = date_field("Date")
    time = forms.TimeField(
        label="Heure",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        input_formats=["%H:%M", "%Hh%M", "%H:%M:%S"],
        error_messages={
            "invalid": "Heure illisible (format HH:MM).",
            "required": "Indiquez l'heure.",
        },
        help_text="Heure de Paris.",
    )
    duration_minutes = forms.IntegerField(
        label="Durée (minutes)",
        min_value=APPOINTMENT_MIN_MINUTES,
        max_value=APPOINTMENT_MAX_MINUTES,
        initial=45,
        error_messages={
            "min_value": f"Au moins {APPOINTMENT_MIN_MINUTES} minutes.",
            "max_value": f"Au plus {APPOINTMENT_MAX_MINUTES} minutes.",
            "invalid": "Indiquez un nombre de minutes.",
        },
    )
    location = forms.CharField(
        label="Lieu",
        max_length=Appointment._meta.get_field("location").max_length,
        required=False,
        help_text="Adresse, bureau, « par téléphone », « en visio »…",
    )
    purpose = forms.CharField(
        label="Objet",
        max_length=Appointment._meta.get_field("purpose").max_length,
        error_messages={"required": "Indiquez l'objet du rendez-vous."},
    )

    def starts_at(self) -> dt.datetime:
        """The appointment's date and time, read in Europe/Paris, as an aware datetime."""
        naive = dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        return timezone.make_aware(naive, timezone.get_default_timezone())


class AppointmentForm(AppointmentSlotForm):
    with_user = UserChoiceField(
        label="Avec",
        queryset=User.objects.none(),
        empty_label=None,
        help_text="Le professionnel de la structure qui reçoit la personne.",
    )
    # The other appointments of the professional at that time, as shown to the user (ids):
    # « Enregistrer quand même » confirms exactly these (see `overlap_to_confirm`).
    overlap_seen = forms.CharField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    pathway = PathwayChoiceField(
        label="Parcours concerné",
        queryset=Pathway.objects.none(),
        required=False,
        empty_label="— Aucun en particulier —",
    )

    def __init__(self, *args, person: Person, with_pathway: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.active().filter(organisation_id=person.organisation_id)
        self.fields["with_user"].queryset = User.objects.filter(
            pk__in=members.values("user_id")
        ).order_by("last_name", "first_name", "email")
        if with_pathway:
            self.fields["pathway"].queryset = _pathways_of(person)
        else:  # staff: pathways are not theirs to see
            del self.fields["pathway"]

    def overlap_to_confirm(self, appointment: Appointment | None = None) -> list[Appointment]:
        """The professional's other appointments at that time (double booking), unless the
        user confirmed exactly these; empty when nothing is to confirm. A valid form only."""
        start = self.starts_at()
        end = start + dt.timedelta(minutes=self.cleaned_data["duration_minutes"])
        others = overlapping_appointments(
            self.cleaned_data["with_user"], start, end, exclude=appointment
        )
        self.overlapping = others  # read, shown or not: the view journals them
        key = ",".join(str(a.pk) for a in others)
        if not others or (
            self.data.get("overlap_confirmed") == "1" and self.cleaned_data["overlap_seen"] == key
        ):
            return []
        data = self.data.copy()
        data["overlap_seen"] = key
        self.data = data
        return others

    @staticmethod
    def initial_for(appointment: Appointment) -> dict:
        local = timezone.localtime(appointment.starts_at)
        return {
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": appointment.duration_minutes,
            "location": appointment.location,
            "purpose": appointment.purpose,
            "with_user": appointment.with_user_id,
            "pathway": appointment.pathway_id,
            "version": appointment.version,
        }


class ParticipationForm(forms.Form):
    participation = forms.ChoiceField(label="Participation", choices=Participation.choices)


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher une personne",
        required=False,
        max_length=100,
        help_text="Nom ou prénom, avec ou sans accents.",
    )
    referent = forms.ChoiceField(label="Référent", required=False)
    scheme = forms.ChoiceField(
        label="Dispositif", required=False, choices=[("", "Tous"), *Scheme.choices]
    )
    urgency = forms.ChoiceField(
        label="Urgence",
        required=False,
        choices=[
            ("", "Toutes"),
            *[(str(v), label) for v, label in reversed(Urgency.choices)],
            (caseload.NO_DIAGNOSTIC, "Sans diagnostic"),
        ],
    )
    alert = forms.ChoiceField(
        label="Alerte", required=False, choices=[("", "Toutes"), *caseload.alert_choices()]
    )
    suivi = forms.ChoiceField(label="Personnes", required=False, choices=caseload.FOLLOWED_CHOICES)
    tri = forms.CharField(required=False, widget=forms.HiddenInput, max_length=20)

    def __init__(self, *args, referents=(), show_referent: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if show_referent:
            self.fields["referent"].choices = [
                ("", "Tous"),
                *[(str(u.pk), u.get_full_name() or u.email) for u in referents],
                (caseload.NO_REFERENT, "Sans référent"),
            ]
        else:
            del self.fields["referent"]

    def filters(self) -> caseload.CaseloadFilters:
        data = self.cleaned_data if self.is_valid() else {}
        sort = (data.get("tri") or caseload.Sort.NAME).strip()
        if sort.lstrip("-") not in caseload.Sort.__members__.values():
            sort = caseload.Sort.NAME
        return caseload.CaseloadFilters(
            referent=data.get("referent", "") or "",
            scheme=data.get("scheme", "") or "",
            urgency=data.get("urgency", "") or "",
            alert=data.get("alert", "") or "",
            search=data.get("q", "") or "",
            sort=sort,
            followed=data.get("suivi", "") or "",
        )


class ReassignForm(forms.Form):
    referent = UserChoiceField(
        label="Nouveau référent",
        queryset=User.objects.none(),
        empty_label="— Choisir —",
        error_messages={"required": "Choisissez le nouveau référent."},
    )
    persons = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        error_messages={"required": "Cochez au moins une personne dans la liste."},
    )

    def __init__(self, *args, referents, persons, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents
        self.fields["persons"].queryset = persons
