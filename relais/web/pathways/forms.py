"""Forms of the pathway pages. They parse and check types; the rules live in the pathway
services (relais.pathways.services, goals, steps, contract, reviews: errors raised there are
put back on the matching field)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from relais.accounts.models import User
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Diagnostic
from relais.pathways.goals import check_goal_deadline
from relais.pathways.models import (
    Contract,
    ExitCategory,
    Goal,
    GoalResult,
    GoalStatus,
    Pathway,
    Review,
    Scheme,
    SignatureMode,
    Step,
    StepKind,
    StepOwner,
    StepStatus,
)
from relais.pathways.reviews import check_next_review, check_review_date
from relais.pathways.services import (
    DEFAULT_REVIEW_EVERY_MONTHS,
    check_exit_date,
    check_pathway_start,
    check_review_rhythm,
    check_scheme_detail,
)
from relais.pathways.steps import INITIAL_STEP_STATUSES, check_done_on, check_step_owner
from relais.web.forms_helpers import UserChoiceField, apply_rule
from relais.web.forms_helpers import date_field as shared_date_field


def _max(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def date_field(label: str, *, required: bool = True, help_text: str = "", **kwargs):
    return shared_date_field(
        label, required_message=None, required=required, help_text=help_text, **kwargs
    )


def text_area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class VersionField(forms.IntegerField):
    """The version the user started from (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(widget=forms.HiddenInput, min_value=1)


# --- Pathway -------------------------------------------------------------------------------


class PathwayForm(forms.Form):
    scheme = forms.ChoiceField(
        label="Dispositif", choices=[("", "Choisir un dispositif"), *Scheme.choices]
    )
    scheme_detail = forms.CharField(
        label="Précision sur le dispositif",
        max_length=_max(Pathway, "scheme_detail"),
        required=False,
        help_text="Obligatoire pour « Autre dispositif ». Ex. : Garantie jeunes, AIJ.",
    )
    referent = UserChoiceField(
        label="Référent de parcours",
        queryset=User.objects.none(),
        empty_label="Choisir le référent",
    )
    started_on = date_field("Début du parcours")
    review_every_months = forms.IntegerField(
        label="Rythme des bilans (en mois)",
        min_value=1,
        max_value=24,
        initial=DEFAULT_REVIEW_EVERY_MONTHS,
        help_text="Le prochain bilan est calculé à partir du début du parcours, puis de chaque bilan.",
    )

    def __init__(self, *args, referents, person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents
        self.person = person

    def clean(self):
        data = super().clean()
        apply_rule(self, check_scheme_detail, data.get("scheme"), data.get("scheme_detail", ""))
        apply_rule(self, check_review_rhythm, data.get("review_every_months"))
        apply_rule(self, check_pathway_start, data.get("started_on"), self.person)
        return data


class PathwayEditForm(PathwayForm):
    version = VersionField()


# --- Goals ---------------------------------------------------------------------------------


class GoalForm(forms.Form):
    text = forms.CharField(
        label="Objectif",
        max_length=_max(Goal, "text"),
        help_text="Formulé avec la personne, avec ses mots si possible.",
    )
    domain = forms.ChoiceField(
        label="Domaine de vie",
        choices=[("", "Non précisé"), *Domain.choices],
        required=False,
    )
    indicator = forms.CharField(
        label="Indicateur",
        max_length=_max(Goal, "indicator"),
        required=False,
        help_text="Comment saura-t-on que l'objectif est atteint ? Ex. : bail signé, attestation de formation.",
    )
    target = forms.CharField(
        label="Cible",
        max_length=_max(Goal, "target"),
        required=False,
        help_text="Le niveau à atteindre. Ex. : 1 logement, 3 candidatures par semaine.",
    )
    deadline = date_field(
        "Échéance",
        required=False,
        help_text="Un objectif sans indicateur, cible ou échéance est accepté, mais signalé « à préciser ».",
    )

    def __init__(self, *args, pathway: Pathway, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pathway = pathway

    def clean(self):
        data = super().clean()
        apply_rule(self, check_goal_deadline, data.get("deadline"), self.pathway)
        return data


class GoalEditForm(GoalForm):
    status = forms.ChoiceField(label="Statut", choices=GoalStatus.choices, widget=forms.RadioSelect)
    version = VersionField()


# --- Steps ---------------------------------------------------------------------------------


class GoalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Goal) -> str:
        return obj.text


class StepForm(forms.Form):
    title = forms.CharField(label="Action", max_length=_max(Step, "title"))
    kind = forms.ChoiceField(
        label="Type d'action", choices=[("", "Choisir un type"), *StepKind.choices]
    )
    goal = GoalChoiceField(
        label="Objectif lié",
        queryset=Goal.objects.none(),
        required=False,
        empty_label="Aucun objectif lié",
    )
    owner = forms.ChoiceField(
        label="Qui porte l'étape ?",
        choices=StepOwner.choices,
        initial=StepOwner.PERSON,
        widget=forms.RadioSelect,
    )
    owner_name = forms.CharField(
        label="Professionnel ou structure",
        max_length=_max(Step, "owner_name"),
        required=False,
        help_text="Obligatoire quand l'étape est portée par un autre professionnel. Ex. : Mission locale, Mme Martin (CAF).",
    )
    planned_on = date_field("Date prévue", required=False)
    status = forms.ChoiceField(
        label="Statut",
        choices=[(s, StepStatus(s).label) for s in INITIAL_STEP_STATUSES],
        initial=StepStatus.PLANNED,
        widget=forms.RadioSelect,
    )
    done_on = date_field(
        "Date de réalisation", required=False, help_text="Obligatoire si l'étape est réalisée."
    )
    outcome = forms.CharField(
        label="Résultat",
        max_length=_max(Step, "outcome"),
        required=False,
        widget=text_area(3),
    )

    def __init__(self, *args, goals, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = goals

    def clean(self):
        data = super().clean()
        apply_rule(self, check_step_owner, data.get("owner"), data.get("owner_name", ""))
        if data.get("status") and "done_on" not in self.errors:  # an empty date is an error
            apply_rule(self, lambda: check_done_on(data["status"], data.get("done_on")))
        return data


class StepEditForm(StepForm):
    version = VersionField()

    def __init__(self, *args, step: Step, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["status"]
        if step.status != StepStatus.DONE:
            del self.fields["done_on"]


class StepStatusForm(forms.Form):
    status = forms.ChoiceField(label="Nouveau statut", widget=forms.RadioSelect)
    done_on = date_field(
        "Date de réalisation", required=False, help_text="Obligatoire pour une étape réalisée."
    )
    outcome = forms.CharField(
        label="Résultat",
        max_length=_max(Step, "outcome"),
        required=False,
        widget=text_area(3),
        help_text="Ce qu'a donné l'étape, ou pourquoi elle change de statut.",
    )
    version = VersionField()

    def __init__(self, *args, allowed: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, StepStatus(s).label) for s in allowed]

    def clean(self):
        data = super().clean()
        if data.get("status") and "done_on" not in self.errors:  # an empty date is an error
            apply_rule(self, lambda: check_done_on(data["status"], data.get("done_on")))
        return data


# --- Contract ------------------------------------------------------------------------------


class ContractGenerateForm(forms.Form):
    commitments_person = forms.CharField(
        label="Engagements de la personne",
        max_length=_max(Contract, "commitments_person"),
        widget=text_area(6),
        help_text="Un engagement par ligne. Relisez-les avec la personne.",
    )
    commitments_organisation = forms.CharField(
        label="Engagements de la structure",
        max_length=_max(Contract, "commitments_organisation"),
        widget=text_area(6),
        help_text="Un engagement par ligne.",
    )


SCAN_HELP = (
    "Le contrat signé, numérisé ou photographié : PDF, JPEG, PNG ou WebP. Il rejoint les "
    "documents de la personne."
)


class ContractSignForm(forms.Form):
    signed_on = date_field("Date de signature", initial=timezone.localdate)
    signature_mode = forms.ChoiceField(
        label="Mode de signature", choices=SignatureMode.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label="Contrat signé numérisé (facultatif)",
        required=False,
        help_text=SCAN_HELP,
        error_messages={"empty": "Le fichier est vide."},
    )


class ContractScanForm(forms.Form):
    file = forms.FileField(
        label="Contrat signé numérisé",
        help_text=SCAN_HELP,
        error_messages={
            "required": "Choisissez le fichier du contrat signé.",
            "empty": "Le fichier est vide.",
        },
    )


# --- Review --------------------------------------------------------------------------------


class DiagnosticChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Diagnostic) -> str:
        label = f"Diagnostic du {obj.assessed_on:%d/%m/%Y}"
        if obj.validated_with_person_on:
            label += f" (validé avec la personne le {obj.validated_with_person_on:%d/%m/%Y})"
        return label


class ReviewForm(forms.Form):
    held_on = date_field("Date du bilan", initial=timezone.localdate)
    adjustments = forms.CharField(
        label="Ajustements décidés",
        max_length=_max(Review, "adjustments"),
        required=False,
        widget=text_area(4),
        help_text="Nouveaux objectifs, étapes modifiées… Vous pourrez les saisir juste après le bilan.",
    )
    risks = forms.CharField(
        label="Risques identifiés",
        max_length=_max(Review, "risks"),
        required=False,
        widget=text_area(3),
        help_text="Ce qui pourrait faire échouer le parcours, pour l'anticiper.",
    )
    success_factors = forms.CharField(
        label="Facteurs de réussite",
        max_length=_max(Review, "success_factors"),
        required=False,
        widget=text_area(3),
    )
    person_view = forms.CharField(
        label="Point de vue de la personne",
        max_length=_max(Review, "person_view"),
        required=False,
        widget=text_area(3),
        help_text="Avec ses mots : ce qu'elle retient, ce qu'elle souhaite.",
    )
    next_review_on = date_field("Date du prochain bilan", required=False)
    diagnostic = DiagnosticChoiceField(
        label="Diagnostic actualisé",
        queryset=Diagnostic.objects.none(),
        required=False,
        empty_label="Aucun diagnostic lié",
    )

    def __init__(
        self, *args, goals: list[Goal], diagnostics, rhythm: int, pathway: Pathway, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.goals = goals
        self.pathway = pathway
        self.fields["diagnostic"].queryset = diagnostics
        self.fields[
            "next_review_on"
        ].help_text = f"Laissez vide pour un bilan dans {rhythm} mois (rythme du parcours)."
        for goal in goals:
            # The goal is named in the labels: several groups follow one another.
            name = goal.text if len(goal.text) <= 60 else goal.text[:59] + "…"
            self.fields[f"result_{goal.pk}"] = forms.ChoiceField(
                label=f"Résultat pour « {name} »",
                choices=GoalResult.choices,
                widget=forms.RadioSelect,
            )
            self.fields[f"gap_{goal.pk}"] = forms.CharField(
                label=f"Explication de l'écart pour « {name} »",
                required=False,
                max_length=2000,
                widget=text_area(2),
                help_text="Ce qui explique l'écart entre l'objectif et le résultat.",
            )

    def clean(self):
        data = super().clean()
        apply_rule(self, check_review_date, data.get("held_on"), self.pathway)
        if "held_on" not in self.errors:
            apply_rule(self, check_next_review, data.get("next_review_on"), data.get("held_on"))
        return data

    def goal_rows(self) -> list[dict]:
        return [
            {"goal": g, "result": self[f"result_{g.pk}"], "gap": self[f"gap_{g.pk}"]}
            for g in self.goals
        ]


# --- Exit ----------------------------------------------------------------------------------


class ExitForm(forms.Form):
    exited_on = date_field("Date de sortie", initial=timezone.localdate)
    category = forms.ChoiceField(
        label="Type de sortie", choices=ExitCategory.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Commentaire",
        max_length=3000,
        required=False,
        widget=text_area(3),
        help_text="Ex. : employeur, type de contrat, formation suivie, raison de l'arrêt.",
    )
    confirm_in_progress = forms.BooleanField(
        label="Je confirme l'annulation des étapes encore en cours", required=False
    )
    version = VersionField()

    def __init__(
        self, *args, steps_in_progress: int, pathway: Pathway, goals: list[Goal] = (), **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pathway = pathway
        if not steps_in_progress:
            del self.fields["confirm_in_progress"]
        self.goals = list(goals)
        for goal in self.goals:
            name = goal.text if len(goal.text) <= 60 else goal.text[:59] + "…"
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=f"Objectif « {name} »",
                choices=[
                    (GoalStatus.ACHIEVED, "Atteint"),
                    (GoalStatus.ABANDONED, "Abandonné"),
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Indiquez si l'objectif « {name} » est atteint ou abandonné."
                },
            )

    def goal_fields(self) -> list:
        return [self[f"goal_{goal.pk}"] for goal in self.goals]

    def goal_outcomes(self) -> dict[int, str]:
        return {goal.pk: self.cleaned_data[f"goal_{goal.pk}"] for goal in self.goals}

    def clean(self):
        data = super().clean()
        apply_rule(self, check_exit_date, data.get("exited_on"), self.pathway)
        return data
