"""Forms of the case conferences: the conference (date, participants, agenda, minutes,
the pathway its decisions go into) and its decisions, each to become a step."""

from __future__ import annotations

from django import forms

from relais.accounts.models import User
from relais.network.coordination.conferences import check_someone_took_part
from relais.network.coordination.contributions import ADDABLE_STEP_KINDS
from relais.pathways.models import Pathway, StepKind, StepOwner
from relais.web.forms_helpers import apply_rule, date_field
from relais.web.teams.forms import PathwayChoiceField


class ParticipantsField(forms.ModelMultipleChoiceField):
    def __init__(self, *args, labels: dict[int, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.labels = labels or {}

    def label_from_instance(self, obj: User) -> str:
        return self.labels.get(obj.pk) or obj.get_full_name() or obj.email


class ConferenceForm(forms.Form):
    # The version the minutes were read at (absent when creating): two team members
    # completing the minutes at once do not overwrite each other.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    held_on = date_field("Date de la réunion")
    participants = ParticipantsField(
        label="Participants",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Professionnels de la structure et de l'équipe de coordination.",
    )
    person_present = forms.BooleanField(label="La personne était présente", required=False)
    other_participants = forms.CharField(
        label="Autres participants",
        max_length=500,
        required=False,
        help_text="Proches, interprète, partenaires hors plateforme…",
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
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Des faits, les points de vue exprimés (dont celui de la personne) et ce qui a été convenu.",
    )
    pathway = PathwayChoiceField(
        label="Parcours où inscrire les décisions",
        queryset=Pathway.objects.none(),
        required=False,
        empty_label="— Choisir —",
        help_text="Chaque décision devient une étape de ce parcours.",
    )

    def __init__(self, *args, choices, pathways, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["participants"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u, _ in choices]).order_by(
            "last_name", "first_name", "email"
        )
        field.labels = {u.pk: label for u, label in choices}
        self.pathways = list(pathways)
        if self.pathways:
            self.fields["pathway"].queryset = Pathway.objects.filter(
                pk__in=[p.pk for p in self.pathways]
            ).order_by("-started_on", "-pk")
            if len(self.pathways) == 1:
                self.fields["pathway"].initial = self.pathways[0].pk
                self.fields["pathway"].empty_label = None
        else:
            del self.fields["pathway"]

    def clean(self):
        data = super().clean()
        if "participants" not in self.errors and "other_participants" not in self.errors:
            apply_rule(
                self,
                check_someone_took_part,
                data.get("participants"),
                data.get("other_participants", ""),
            )
        return data


class DecisionForm(forms.Form):
    text = forms.CharField(label="Décision", max_length=300, required=False)
    kind = forms.ChoiceField(
        label="Type d'action",
        choices=[(k.value, k.label) for k in ADDABLE_STEP_KINDS],
        initial=StepKind.OTHER,
    )
    owner = forms.ChoiceField(
        label="Qui la porte", choices=StepOwner.choices, initial=StepOwner.REFERENT
    )
    owner_name = forms.CharField(
        label="Professionnel ou structure (si un autre professionnel)",
        max_length=200,
        required=False,
    )
    due_on = date_field("Échéance", required=False)

    def clean(self):
        data = super().clean()
        text = (data.get("text") or "").strip()
        if not text:
            return data
        if data.get("owner") == StepOwner.PARTNER and not (data.get("owner_name") or "").strip():
            self.add_error("owner_name", "Indiquez le professionnel ou la structure qui la porte.")
        return data


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3, max_num=10, absolute_max=10)
