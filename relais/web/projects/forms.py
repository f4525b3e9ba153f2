"""Forms of the projects pages. Each form's clean() runs the service's own small checks
where it can, so every error shows in one round; the service checks everything again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.core.errors import DomainError
from relais.diagnostics.domains import barriers
from relais.employment.vocabulary import ABILITIES, Level, competence_label
from relais.network.directory.search import PUBLIC_LABELS
from relais.network.directory.thematiques import groups
from relais.projects import needs as observed_needs
from relais.projects.checks import check_range
from relais.projects.models import (
    CONTRIBUTION_LABELS,
    AttendanceStatus,
    BudgetKind,
    ExpenseCategory,
    FundingStatus,
    MeetingKind,
    Objective,
    ProjectStatus,
    SwotQuadrant,
    Task,
)
from relais.projects.workshops import check_session_times
from relais.web.forms_helpers import SubmissionField, UserChoiceField, apply_rule, date_field

PARIS = timezone.get_default_timezone()
SCALE = [(1, "1 — faible"), (2, "2 — moyenne"), (3, "3 — forte")]
TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _members(organisation_id: int):
    ids = Membership.objects.active().filter(organisation_id=organisation_id).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "email")


def _thematique_choices() -> list[tuple[str, str]]:
    return [(code, label) for code, label, _items in groups()]


class ProjectForm(forms.Form):
    title = forms.CharField(label="Intitulé du projet", max_length=200)
    purpose = forms.CharField(
        label="Finalité : à quoi le projet doit-il servir ?", max_length=4000, widget=TEXTAREA
    )
    public = forms.ChoiceField(label="Public visé", required=False)
    public_detail = forms.CharField(
        label="Précisions sur le public", max_length=300, required=False
    )
    commune_code = forms.CharField(
        label="Commune du projet (code INSEE)",
        max_length=5,
        required=False,
        help_text="Sert à chercher l'offre existante à proximité. Exemple : 69123 pour Lyon.",
    )
    thematiques = forms.MultipleChoiceField(
        label="Thématiques (data·inclusion)", required=False, widget=forms.CheckboxSelectMultiple
    )
    starts_on = date_field("Début prévu", required=False)
    ends_on = date_field("Fin prévue", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission = SubmissionField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["public"].choices = [
            ("", "— Tous publics —"),
            *sorted(PUBLIC_LABELS.items(), key=lambda i: i[1]),
        ]
        self.fields["thematiques"].choices = _thematique_choices()

    def clean(self):
        data = super().clean()
        apply_rule(
            self,
            lambda s, e: check_range(s, e, what="La fin prévue"),
            data.get("starts_on"),
            data.get("ends_on"),
        )
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(label="Nouveau statut", choices=ProjectStatus.choices)
    reason = forms.CharField(label="Motif", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class NeedForm(forms.Form):
    barrier_code = forms.ChoiceField(
        label="Frein observé chez les personnes accompagnées", required=False
    )
    observed_need = forms.ChoiceField(label="Besoin observé sur le territoire", required=False)
    text = forms.CharField(label="Besoin (en clair)", max_length=500, required=False)

    def __init__(self, *args, organisation_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["barrier_code"].choices = [
            ("", "—"),
            *sorted(((b.code, b.label) for b in barriers().values()), key=lambda i: i[1]),
        ]
        observed = observed_needs.choices(organisation_id)
        if observed:
            self.fields["observed_need"].choices = [("", "—"), *observed]
        else:
            del self.fields["observed_need"]


class ObjectiveForm(forms.Form):
    text = forms.CharField(label="Objectif", max_length=300)
    indicator = forms.CharField(label="Indicateur", max_length=200, required=False)
    baseline = forms.CharField(label="Valeur de départ", max_length=100, required=False)
    target = forms.CharField(label="Cible", max_length=100, required=False)
    deadline = date_field("Échéance", required=False)


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Structure de l'annuaire", queryset=Organisation.objects.none(), required=False
    )
    name = forms.CharField(label="Ou partenaire hors annuaire", max_length=200, required=False)
    contributions = forms.MultipleChoiceField(
        label="Ce qu'il apporte",
        choices=list(CONTRIBUTION_LABELS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contribution_detail = forms.CharField(
        label="Détail des apports", max_length=500, required=False
    )
    stakes = forms.CharField(label="Ses enjeux dans le projet", max_length=500, required=False)

    def __init__(self, *args, organisation_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(is_active=True).exclude(pk=organisation_id).order_by("name")
        )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="Type de réunion", choices=MeetingKind.choices)
    held_on = date_field("Date")
    participants = forms.CharField(label="Participants", max_length=500, required=False)
    minutes = forms.CharField(
        label="Compte rendu", max_length=10000, required=False, widget=TEXTAREA
    )


class MemberForm(forms.Form):
    user = UserChoiceField(
        label="Professionnel de la structure", queryset=User.objects.none(), required=False
    )
    name = forms.CharField(label="Ou personne hors Relais", max_length=200, required=False)
    role = forms.CharField(label="Rôle dans le projet", max_length=200)

    def __init__(self, *args, organisation_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = _members(organisation_id)


class RiskForm(forms.Form):
    description = forms.CharField(label="Risque", max_length=300)
    probability = forms.TypedChoiceField(label="Probabilité", choices=SCALE, coerce=int)
    impact = forms.TypedChoiceField(label="Impact", choices=SCALE, coerce=int)
    mitigation = forms.CharField(label="Mesure de prévention", max_length=500, required=False)
    owner_name = forms.CharField(label="Responsable", max_length=200, required=False)


class SwotForm(forms.Form):
    quadrant = forms.ChoiceField(label="Case", choices=SwotQuadrant.choices)
    text = forms.CharField(label="Élément", max_length=300)


class LogForm(forms.Form):
    written_on = date_field("Date")
    text = forms.CharField(label="Fait marquant", max_length=4000, widget=TEXTAREA)


class IndicatorForm(forms.Form):
    name = forms.CharField(label="Indicateur d'impact", max_length=200)
    unit = forms.CharField(label="Unité", max_length=40, required=False)
    baseline = forms.DecimalField(label="Valeur de départ", max_digits=12, decimal_places=2)
    target = forms.DecimalField(label="Cible", max_digits=12, decimal_places=2)
    objective = forms.ModelChoiceField(
        label="Objectif mesuré", queryset=Objective.objects.none(), required=False
    )

    def __init__(self, *args, project, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = project.objectives.all()


class MeasurementForm(forms.Form):
    measured_on = date_field("Date de mesure")
    value = forms.DecimalField(label="Valeur mesurée", max_digits=12, decimal_places=2)
    comment = forms.CharField(label="Commentaire", max_length=300, required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label="Tâche", max_length=200)
    owner = UserChoiceField(label="Responsable", queryset=User.objects.none(), required=False)
    owner_name = forms.CharField(label="Ou responsable hors Relais", max_length=200, required=False)
    starts_on = date_field("Début")
    ends_on = date_field("Fin")
    after = forms.TypedMultipleChoiceField(
        label="Commence après la fin de",
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, project, task=None, task_choices=None, **kwargs) -> None:
        """`task_choices`: (id, title) of the project's tasks, read once by the page (a plan
        of 300 tasks must not be read again for each list of choices)."""
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(project.organisation_id)
        if task is None:
            self.fields["after"].choices = (
                task_choices if task_choices is not None else _task_choices(project)
            )
        else:
            del self.fields["after"]

    def clean(self):
        data = super().clean()
        apply_rule(
            self,
            lambda s, e: check_range(s, e, what="La fin de la tâche"),
            data.get("starts_on"),
            data.get("ends_on"),
        )
        return data


def _task_choices(project) -> list[tuple[int, str]]:
    return list(
        Task.objects.filter(project=project).order_by("starts_on", "id").values_list("pk", "title")
    )


class DependencyForm(forms.Form):
    predecessor = forms.TypedChoiceField(label="La tâche", coerce=int)
    successor = forms.TypedChoiceField(label="doit être terminée avant", coerce=int)

    def __init__(self, *args, project, task_choices=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = task_choices if task_choices is not None else _task_choices(project)
        self.fields["predecessor"].choices = choices
        self.fields["successor"].choices = choices


class BudgetLineForm(forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=BudgetKind.choices, widget=forms.RadioSelect)
    label = forms.CharField(label="Libellé", max_length=200)
    amount = forms.DecimalField(
        label="Montant (€)",
        max_digits=12,
        decimal_places=2,
        localize=True,  # « 1250,50 » as typed in French
        error_messages={
            "invalid": "Le montant doit être un nombre (ex. 1250,50).",
            "max_decimal_places": "Le montant a au plus deux décimales (centimes).",
        },
    )
    category = forms.ChoiceField(
        label="Catégorie (charge)", choices=[("", "—"), *ExpenseCategory.choices], required=False
    )
    funder = forms.CharField(label="Financeur (produit)", max_length=200, required=False)
    funding_status = forms.ChoiceField(
        label="Financement (produit)", choices=[("", "—"), *FundingStatus.choices], required=False
    )
    submission = SubmissionField()

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(
                "Le montant ne peut pas être négatif : une recette se saisit en produit, une dépense en charge."
            )
        return amount

    def clean(self):
        data = super().clean()
        if data.get("kind") == BudgetKind.EXPENSE and not data.get("category"):
            self.add_error("category", "Choisissez la catégorie de la charge.")
        if data.get("kind") == BudgetKind.RESOURCE:
            if not (data.get("funder") or "").strip():
                self.add_error("funder", "Indiquez le financeur.")
            if not data.get("funding_status"):
                self.add_error(
                    "funding_status", "Indiquez si le financement est acquis ou demandé."
                )
        return data


def _ability_choices() -> list[tuple[str, str]]:
    return [
        (code, f"{label} ({competence_label(competence).lower()})")
        for code, (label, competence) in ABILITIES.items()
    ]


def required_abilities_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label="Habiletés requises ou travaillées",
        help_text=(
            "Celles des habiletés observées en situation de travail (module emploi) : les "
            "besoins du groupe comptent les participants à qui chacune manque."
        ),
        choices=_ability_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Habileté inconnue : « %(value)s ». Choisissez dans la liste des habiletés."
        },
    )


def required_level_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label="Niveau à partir duquel une habileté est acquise",
        choices=Level.CHOICES,
        coerce=int,
        initial=Level.MET,
        error_messages={"invalid_choice": "Le niveau requis va de 1 à 4."},
    )


class RequirementsForm(forms.Form):
    required_abilities = required_abilities_field()
    required_level = required_level_field()
    version = forms.IntegerField(widget=forms.HiddenInput)


class WorkshopDesignForm(forms.Form):
    """The design of a sequence (3.11), as created and as edited."""

    title = forms.CharField(label="Intitulé", max_length=200)
    project = forms.ModelChoiceField(label="Projet collectif", queryset=None, required=False)
    objectives = forms.CharField(label="Objectifs pédagogiques", max_length=3000, widget=TEXTAREA)
    content = forms.CharField(label="Contenu", max_length=6000, required=False, widget=TEXTAREA)
    duration_hours = forms.DecimalField(
        label="Durée totale (heures)",
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0.5"),
        localize=True,  # « 7,5 » as typed in French
        error_messages={"invalid": "Indiquez la durée en heures (ex. 7,5)."},
    )
    methods = forms.CharField(
        label="Méthodes pédagogiques", max_length=3000, required=False, widget=TEXTAREA
    )
    materials = forms.CharField(
        label="Supports et matériel", max_length=3000, required=False, widget=TEXTAREA
    )
    evaluation = forms.CharField(
        label="Modalités d'évaluation", max_length=3000, required=False, widget=TEXTAREA
    )

    def __init__(self, *args, organisation_id: int, **kwargs) -> None:
        from relais.projects.models import Project

        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(
            organisation_id=organisation_id
        ).order_by("title")


class WorkshopForm(WorkshopDesignForm):
    required_abilities = required_abilities_field()
    required_level = required_level_field()
    submission = SubmissionField()


class SessionForm(forms.Form):
    day = date_field("Date")
    starts = forms.TimeField(
        label="Heure de début",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Indiquez l'heure de début.",
            "invalid": "Heure illisible (HH:MM).",
        },
    )
    ends = forms.TimeField(
        label="Heure de fin",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Indiquez l'heure de fin.",
            "invalid": "Heure illisible (HH:MM).",
        },
    )
    place = forms.CharField(label="Lieu", max_length=200)
    facilitator = UserChoiceField(label="Animateur ou animatrice", queryset=User.objects.none())
    capacity = forms.IntegerField(label="Nombre de places", min_value=1, max_value=500)
    submission = SubmissionField()

    def __init__(self, *args, organisation_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facilitator"].queryset = _members(organisation_id)

    def clean(self):
        """The service's rules on the times (order, 12 hours at most, a plausible date),
        reported with the form's own errors in one round."""
        data = super().clean()
        if data.get("day") and data.get("starts") and data.get("ends"):
            data["starts_at"] = dt.datetime.combine(data["day"], data["starts"], PARIS)
            data["ends_at"] = dt.datetime.combine(data["day"], data["ends"], PARIS)
            try:
                check_session_times(data["starts_at"], data["ends_at"])
            except DomainError as error:
                field = {"starts_at": "day", "ends_at": "ends"}.get(error.field or "")
                if field not in self.errors:
                    self.add_error(field, error.message)
        return data


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="Appréciation du participant",
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—"), *[(i, f"{i} / 5") for i in range(1, 6)]],
    )
    evaluation = forms.CharField(
        label="Ce qu'il ou elle en dit", max_length=3000, required=False, widget=TEXTAREA
    )


class FacilitatorEvaluationForm(forms.Form):
    facilitator_evaluation = forms.CharField(
        label="Évaluation de l'animation", max_length=6000, widget=TEXTAREA
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


ATTENDANCE_CHOICES = AttendanceStatus.choices
