"""Forms of the employment pages. They parse and report every error of a field at once; the
rules themselves are the services' (their errors come back next to their fields)."""

from __future__ import annotations

from django import forms

from relais.employment import references
from relais.employment.models import (
    ContractType,
    LicenceCategory,
    Mobility,
    MobilityRequirement,
    PlacementKind,
    PlacementOutcome,
    ProspectingKind,
    ProspectingOutcome,
    Schedule,
    SituationKind,
    SizeBand,
)
from relais.employment.vocabulary import Level, ability_choices, competence_choices
from relais.web.forms_helpers import date_field

BLANK = [("", "— Choisir —")]


def _text(label: str, *, required: bool = False, max_length: int = 3000, rows: int = 3):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EmployerForm(VersionForm):
    name = forms.CharField(label="Raison sociale ou enseigne", max_length=200)
    siret = forms.CharField(
        label="SIRET", max_length=20, help_text="14 chiffres, sur l'avis de situation SIRENE."
    )
    naf_code = forms.CharField(
        label="Code d'activité (NAF)", max_length=10, help_text="Exemple : 81.21Z"
    )
    size_band = forms.ChoiceField(
        label="Effectif", choices=BLANK + list(SizeBand.choices), required=False
    )
    address = forms.CharField(label="Adresse", max_length=250, required=False)
    commune_code = forms.CharField(
        label="Commune (code INSEE)", max_length=5, required=False, help_text="Exemple : 69123"
    )
    constraints = _text("Contraintes de production et de ressources humaines")
    hiring_potential = _text("Potentiel de recrutement", max_length=2000)
    social_clauses = forms.BooleanField(label="Engagé dans des clauses sociales", required=False)
    pmsmp_host = forms.BooleanField(label="Accueille des immersions (PMSMP)", required=False)
    tutor_available = forms.BooleanField(
        label="Un tuteur ou une tutrice est disponible", required=False
    )


class ContactForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=150)
    role = forms.CharField(label="Fonction", max_length=150, required=False)
    phone = forms.CharField(label="Téléphone", max_length=20, required=False)
    email = forms.EmailField(label="Adresse e-mail", required=False)
    is_tutor = forms.BooleanField(label="Peut être tuteur ou tutrice", required=False)


class ProspectingForm(forms.Form):
    kind = forms.ChoiceField(label="Type de contact", choices=BLANK + list(ProspectingKind.choices))
    happened_on = date_field("Date du contact")
    outcome = forms.ChoiceField(label="Résultat", choices=BLANK + list(ProspectingOutcome.choices))
    summary = _text("Ce qui a été échangé")
    next_action = forms.CharField(label="Prochaine action", max_length=300, required=False)
    next_action_on = date_field("Date de la prochaine action", required=False)


class PositionForm(VersionForm):
    rome_code = forms.ChoiceField(label="Métier (code ROME)", choices=())
    appellation = forms.CharField(
        label="Appellation",
        max_length=200,
        help_text="Une appellation du code ROME choisi (liste proposée à la saisie).",
        error_messages={"required": "Indiquez l'appellation du poste (exemple : Cariste)."},
        widget=forms.TextInput(attrs={"list": "appellations", "autocomplete": "off"}),
    )
    contract_type = forms.ChoiceField(label="Contrat", choices=BLANK + list(ContractType.choices))
    weekly_hours = forms.DecimalField(
        label="Heures par semaine",
        max_digits=4,
        decimal_places=1,
        min_value=1,
        max_value=48,
        error_messages={"invalid": "Indiquez un nombre d'heures (exemple : 24 ou 24,5)."},
    )
    schedule = forms.ChoiceField(label="Horaires", choices=BLANK + list(Schedule.choices))
    commune_code = forms.CharField(label="Lieu de travail (code INSEE)", max_length=5)
    starts_on = date_field("Début souhaité", required=False)
    required_abilities = forms.MultipleChoiceField(
        label="Habiletés requises",
        choices=ability_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    driving_licence_required = forms.BooleanField(label="Permis B exigé", required=False)
    other_licences = forms.MultipleChoiceField(
        label="Autres permis exigés",
        choices=LicenceCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mobility_requirement = forms.ChoiceField(
        label="Mobilité exigée",
        choices=[("", "Aucune en particulier"), *MobilityRequirement.choices],
        required=False,
    )
    languages = forms.CharField(label="Langues", max_length=200, required=False)
    requirements = _text("Autres exigences", max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rome_code"].choices = BLANK + references.rome_choices()


class StatusForm(VersionForm):
    status = forms.CharField(max_length=6)
    reason = forms.CharField(label="Motif", max_length=300, required=False)


class AnalysisForm(VersionForm):
    observed_on = date_field("Date d'observation")
    tutor_name = forms.CharField(label="Tuteur ou tutrice", max_length=150, required=False)
    physical = _text("Contraintes physiques", max_length=2000)
    pace = _text("Rythme et cadence", max_length=2000)
    hours = _text("Horaires", max_length=2000)
    environment = _text("Environnement (bruit, froid, public…)", max_length=2000)
    safety = _text("Sécurité", max_length=2000)
    adjust_post = _text("Aménagements proposés du poste")
    adjust_training = _text("Formation à prévoir")
    adjust_tutoring = _text("Rôle du tuteur ou de la tutrice")


class TaskForm(forms.Form):
    prescribed = forms.CharField(label="Tâche prescrite", max_length=500, required=False)
    real = forms.CharField(label="Tâche réellement effectuée", max_length=500, required=False)
    abilities = forms.MultipleChoiceField(
        label="Habiletés nécessaires",
        choices=ability_choices(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    gap = forms.CharField(label="Écart constaté", max_length=500, required=False)


TaskFormSet = forms.formset_factory(TaskForm, extra=0, max_num=20, absolute_max=20)


class ProjectForm(VersionForm):
    rome_code = forms.ChoiceField(label="Métier visé (ROME)", choices=())
    rome_code_2 = forms.ChoiceField(label="Autre métier visé", choices=(), required=False)
    mobility = forms.ChoiceField(
        label="Moyen de déplacement", choices=BLANK + list(Mobility.choices)
    )
    max_distance_km = forms.IntegerField(label="Distance maximale (km)", min_value=1, max_value=200)
    max_weekly_hours = forms.IntegerField(
        label="Heures par semaine au plus", min_value=1, max_value=48
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rome_code"].choices = BLANK + references.rome_choices()
        self.fields["rome_code_2"].choices = BLANK + references.rome_choices()


class AbilityForm(forms.Form):
    code = forms.ChoiceField(label="Habileté", choices=BLANK + ability_choices())
    level = forms.TypedChoiceField(label="Niveau", choices=BLANK + Level.CHOICES, coerce=int)
    situation = forms.ChoiceField(
        label="Situation qui l'a montrée", choices=BLANK + list(SituationKind.choices)
    )
    situation_detail = forms.CharField(
        label="Précisions sur la situation", max_length=300, required=False
    )
    observed_on = date_field("Observée le")
    observer_name = forms.CharField(label="Observée par", max_length=150)
    competence = forms.ChoiceField(
        label="Compétence correspondante",
        choices=[("", "— Celle de l'habileté —"), *competence_choices()],
        required=False,
    )
    evidence = _text("Éléments de preuve", max_length=2000)
    step = forms.TypedChoiceField(
        label="Étape d'immersion (PMSMP)", choices=(), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [("", "— Aucune —")] + [(s.pk, s.title) for s in steps]


class PlacementForm(forms.Form):
    employer = forms.TypedChoiceField(label="Employeur", choices=(), coerce=int)
    position = forms.TypedChoiceField(
        label="Poste", choices=(), coerce=int, required=False, empty_value=None
    )
    pathway = forms.TypedChoiceField(
        label="Parcours", choices=(), coerce=int, required=False, empty_value=None
    )
    kind = forms.ChoiceField(label="Type", choices=BLANK + list(PlacementKind.choices))
    contract_type = forms.ChoiceField(
        label="Contrat (pour un contrat de travail)",
        choices=BLANK + list(ContractType.choices),
        required=False,
    )
    job_title = forms.CharField(label="Poste occupé", max_length=200)
    starts_on = date_field("Début")
    ends_on = date_field("Fin", required=False)
    weekly_hours = forms.DecimalField(
        label="Heures par semaine",
        max_digits=4,
        decimal_places=1,
        min_value=1,
        max_value=48,
        error_messages={"invalid": "Indiquez un nombre d'heures (exemple : 24 ou 24,5)."},
    )
    tutor_name = forms.CharField(label="Tuteur ou tutrice (nom)", max_length=150)
    tutor_role = forms.CharField(label="Fonction du tuteur", max_length=150, required=False)
    tutor_phone = forms.CharField(label="Téléphone du tuteur", max_length=20, required=False)

    def __init__(self, *args, employers=(), positions=(), pathways=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = BLANK + [(e.pk, e.name) for e in employers]
        self.fields["position"].choices = [("", "— Aucun —")] + [
            (p.pk, f"{p} — {p.employer.name}") for p in positions
        ]
        self.fields["pathway"].choices = [("", "— Aucun —")] + [
            (p.pk, f"Parcours du {p.started_on:%d/%m/%Y}") for p in pathways
        ]

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error(
                "ends_on",
                f"La fin ({ends:%d/%m/%Y}) ne peut pas précéder le début ({starts:%d/%m/%Y}).",
            )
        return data


class CheckpointForm(forms.Form):
    done_on = date_field("Réalisé le")
    notes = _text("Ce qui a été dit", required=True)


class MediationForm(forms.Form):
    happened_on = date_field("Date")
    difficulty = _text("Difficulté", required=True)
    employer_words = _text("Ce qu'a dit l'employeur")
    person_words = _text("Ce qu'a dit la personne")
    tutor_words = _text("Ce qu'a dit le tuteur ou la tutrice")
    agreement = _text("Accord trouvé")


class OutcomeForm(VersionForm):
    outcome = forms.ChoiceField(label="Issue", choices=BLANK + list(PlacementOutcome.choices))
    outcome_on = date_field("Date de l'issue")


class ProposeForm(forms.Form):
    agreed = forms.BooleanField(
        label="La personne a donné son accord pour cette candidature",
        error_messages={
            "required": "Cochez l'accord de la personne : rien n'est proposé sans elle."
        },
    )
    pathway = forms.TypedChoiceField(label="Parcours", choices=(), coerce=int)

    def __init__(self, *args, pathways=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pathway"].choices = [
            (p.pk, f"Parcours du {p.started_on:%d/%m/%Y}") for p in pathways
        ]


class ImportForm(forms.Form):
    file = forms.FileField(label="Fichier (CSV ou XLSX)")
