"""Forms of the certification pages. Each form checks what it can on its own and reports
every error at once; the services apply the rules again (the API goes through them too)."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from relais.accounts.models import User
from relais.accounts.validators import validate_siret
from relais.certification.evaluations import check_schedule_date
from relais.certification.groups import check_funded_hours
from relais.certification.models import (
    AccessRoute,
    Certification,
    Funding,
    MemberQuality,
    Modality,
    ScoreLevel,
    SessionKind,
)
from relais.certification.surveys import Situation, check_survey_date
from relais.web.forms_helpers import apply_rule, date_field

REQUIRED = {"required": "Ce champ est obligatoire."}


def organisation_users(organisation):
    """The active members of the organisation, by name (trainers, jury members)."""
    return (
        User.objects.filter(
            memberships__organisation=organisation, memberships__is_active=True, is_active=True
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )


class CandidateForm(forms.Form):
    last_name = forms.CharField(label="Nom", max_length=150, error_messages=REQUIRED)
    first_name = forms.CharField(label="Prénom", max_length=150, error_messages=REQUIRED)
    birth_date = date_field("Date de naissance")
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(label="Téléphone", max_length=20, required=False)
    employer_name = forms.CharField(label="Employeur", max_length=200, required=False)
    employer_siret = forms.CharField(
        label="SIRET de l'employeur",
        help_text="Facultatif : 14 chiffres. Sert au contrôle des conflits d'intérêts du jury.",
        max_length=20,
        required=False,
        validators=[validate_siret],
    )
    job_title = forms.CharField(label="Fonction", max_length=200, required=False)
    diploma_level = forms.TypedChoiceField(
        label="Niveau du plus haut diplôme",
        coerce=int,
        choices=[(n, f"Niveau {n}" if n else "Sans diplôme") for n in range(9)],
        initial=0,
    )
    foreign_diploma = forms.BooleanField(label="Diplôme obtenu à l'étranger", required=False)
    experience_years = forms.DecimalField(
        label="Années d'expérience dans la fonction",
        min_value=Decimal(0),
        max_value=Decimal(60),
        decimal_places=1,
        initial=0,
        error_messages={"invalid": "Indiquez un nombre d'années (par exemple 3 ou 2,5)."},
    )
    vulnerable_experience = forms.BooleanField(
        label="Expérience de l'accompagnement ou de l'accueil de personnes vulnérables",
        required=False,
    )


class EnrolmentForm(forms.Form):
    certification = forms.ModelChoiceField(
        label="Certification",
        queryset=Certification.objects.order_by("code"),
        empty_label="Choisir…",
        error_messages=REQUIRED,
    )
    access_route = forms.ChoiceField(
        label="Voie d'accès",
        choices=[("", "Choisir…"), *AccessRoute.choices],
        error_messages=REQUIRED,
    )
    enrolled_on = date_field("Date d'inscription")
    funding = forms.ChoiceField(
        label="Financement", choices=[("", "Non renseigné"), *Funding.choices], required=False
    )
    vap_requested = forms.BooleanField(
        label="Demande de VAP (validation des acquis professionnels)", required=False
    )
    trainer = forms.ModelChoiceField(
        label="Formateur référent",
        help_text="Un membre de votre structure : il ne pourra pas siéger au jury du candidat.",
        queryset=None,
        empty_label="Moi-même",
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = organisation_users(organisation)


class PositioningForm(forms.Form):
    score_percent = forms.IntegerField(
        label="Résultat du test de positionnement (%)",
        min_value=0,
        max_value=100,
        error_messages={
            **REQUIRED,
            "min_value": "Le résultat est un pourcentage de 0 à 100.",
            "max_value": "Le résultat est un pourcentage de 0 à 100.",
        },
    )
    taken_on = date_field("Date du test")


class PlacementForm(forms.Form):
    placement_hours = forms.IntegerField(
        label="Heures de stage pratique accomplies (total)",
        help_text="Le total à ce jour : il remplace le précédent.",
        min_value=0,
        max_value=2000,
        error_messages={
            **REQUIRED,
            "invalid": "Indiquez un nombre entier d'heures.",
            "min_value": "Les heures de stage vont de 0 à 2000.",
            "max_value": "Les heures de stage vont de 0 à 2000.",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class EquivalenceForm(forms.Form):
    block = forms.ModelChoiceField(
        label="Bloc", queryset=None, empty_label="Choisir…", error_messages=REQUIRED
    )
    training_title = forms.CharField(
        label="Formation capitalisable suivie", max_length=250, error_messages=REQUIRED
    )
    completed_on = date_field("Date de la formation")
    capitalisable = forms.BooleanField(
        label="La formation est identifiée « formation capitalisable » par l'organisme de "
        "formation",
        error_messages={
            "required": "Seules les formations identifiées « formation capitalisable » sont "
            "prises en équivalence."
        },
    )
    certificate = forms.FileField(
        label="Attestation de formation (PDF)",
        error_messages={"required": "Joignez l'attestation de formation (PDF)."},
    )

    def __init__(self, *args, certification: Certification, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = certification.blocks.all()


class AccompanimentForm(forms.Form):
    held_on = date_field("Date de la séance")
    hours = forms.DecimalField(
        label="Durée (heures)", min_value=Decimal("0.5"), max_value=Decimal(12), decimal_places=1
    )
    collective = forms.BooleanField(label="Séance collective", required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="Document déposé (dossier professionnel, mémoire…)",
        max_length=200,
        error_messages=REQUIRED,
    )
    block = forms.ModelChoiceField(
        label="Bloc concerné", queryset=None, required=False, empty_label="Aucun en particulier"
    )
    file = forms.FileField(
        label="Fichier (PDF, Word, OpenDocument ou image)",
        error_messages={"required": "Joignez le fichier."},
    )

    def __init__(self, *args, certification: Certification, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = certification.blocks.all()


class PlanForm(forms.Form):
    kind = forms.ChoiceField(
        label="Nature",
        choices=SessionKind.choices,
        initial=SessionKind.TRAINING,
        required=False,
        help_text="Les sessions de synthèse et de validation (une par bloc) viennent après "
        "toutes les formations du parcours.",
    )
    title = forms.CharField(
        label="Formation, session de synthèse ou de validation, écrit, oral",
        max_length=250,
        error_messages=REQUIRED,
    )
    starts_on = date_field("Date")
    block = forms.ModelChoiceField(
        label="Bloc concerné", queryset=None, required=False, empty_label="Aucun en particulier"
    )

    def __init__(self, *args, certification: Certification, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = certification.blocks.all()

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or SessionKind.TRAINING


class GroupForm(forms.Form):
    name = forms.CharField(label="Nom du groupe", max_length=200, error_messages=REQUIRED)
    certification = forms.ModelChoiceField(
        label="Certification visée",
        queryset=Certification.objects.order_by("code"),
        empty_label="Choisir…",
        error_messages=REQUIRED,
    )
    funded_hours = forms.IntegerField(
        label="Heures d'accompagnement financées par candidat", min_value=1, initial=24
    )


class GroupOpenForm(forms.Form):
    opened_on = date_field("Début de la démarche VAE")
    version = forms.IntegerField(widget=forms.HiddenInput)


class JuryForm(forms.Form):
    certification = forms.ModelChoiceField(
        label="Certification",
        queryset=Certification.objects.order_by("code"),
        empty_label="Choisir…",
        error_messages=REQUIRED,
    )
    held_on = date_field("Date du jury")
    for_vae = forms.BooleanField(label="Jury de VAE", required=False)


class MemberForm(forms.Form):
    full_name = forms.CharField(label="Nom du membre", max_length=200, error_messages=REQUIRED)
    quality = forms.ChoiceField(
        label="Qualité", choices=[("", "Choisir…"), *MemberQuality.choices], error_messages=REQUIRED
    )
    is_president = forms.BooleanField(label="Président du jury", required=False)
    user = forms.ModelChoiceField(
        label="Compte sur la plateforme",
        help_text="Si le membre appartient à votre structure : un formateur référent d'un "
        "candidat ne peut pas le juger.",
        queryset=None,
        empty_label="Aucun (membre extérieur)",
        required=False,
    )
    employer_name = forms.CharField(
        label="Employeur du membre",
        help_text="Un membre ne peut pas juger un candidat de la même structure employeuse.",
        max_length=200,
        required=False,
    )
    employer_siret = forms.CharField(
        label="SIRET de l'employeur du membre",
        help_text="Facultatif : 14 chiffres.",
        max_length=20,
        required=False,
        validators=[validate_siret],
    )

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = organisation_users(organisation)


class DecisionForm(forms.Form):
    """One row per block: validated or not, with reasons (built in the view)."""

    def __init__(self, *args, blocks, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.blocks = blocks
        for block in blocks:
            self.fields[f"decision_{block.pk}"] = forms.ChoiceField(
                label=f"{block.code} — {block.title}",
                choices=[("", "Non examiné"), ("yes", "Validé"), ("no", "Non validé")],
                required=False,
            )
            self.fields[f"reasons_{block.pk}"] = forms.CharField(
                label=f"Motifs ({block.code})",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=2000,
                required=False,
            )

    def rows(self):
        return [(self[f"decision_{b.pk}"], self[f"reasons_{b.pk}"]) for b in self.blocks]

    def clean(self):
        data = super().clean()
        decisions = {}
        for block in self.blocks:
            choice = data.get(f"decision_{block.pk}")
            reasons = data.get(f"reasons_{block.pk}") or ""
            if choice == "no" and not reasons.strip():
                self.add_error(f"reasons_{block.pk}", "Indiquez les motifs du refus.")
            if choice:
                decisions[block.pk] = (choice == "yes", reasons)
        if not decisions and not self.errors:
            raise forms.ValidationError("Décidez d'au moins un bloc.")
        data["decisions"] = decisions
        return data


class ScoreForm(forms.Form):
    """The criteria grid of one modality: a level, evidence and a comment per criterion."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, criteria, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"level_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.text,
                choices=ScoreLevel.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Notez ce critère."},
            )
            self.fields[f"evidence_{criterion.pk}"] = forms.CharField(
                label="Éléments de preuve",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
                required=False,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label="Commentaire",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=5000,
                required=False,
            )

        if not criteria:
            # The fiche gives this modality no criteria: it is scored as a whole.
            self.fields["overall_level"] = forms.ChoiceField(
                label="Appréciation d'ensemble de l'épreuve",
                choices=ScoreLevel.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Donnez l'appréciation d'ensemble de l'épreuve."},
            )
            self.fields["overall_evidence"] = forms.CharField(
                label="Éléments de preuve",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=5000,
                required=False,
            )
            self.fields["overall_comment"] = forms.CharField(
                label="Commentaire",
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=5000,
                required=False,
            )

    def rows(self):
        return [
            (c, self[f"level_{c.pk}"], self[f"evidence_{c.pk}"], self[f"comment_{c.pk}"])
            for c in self.criteria
        ]

    def overall_fields(self):
        if self.criteria:
            return []
        return [self["overall_level"], self["overall_evidence"], self["overall_comment"]]


class VerifyForm(forms.Form):
    numero = forms.CharField(
        label="Numéro du certificat",
        max_length=40,
        help_text="20 caractères, par exemple ABCDE-12345-FGHJK-67890.",
        error_messages={"required": "Indiquez le numéro inscrit sur le certificat."},
    )


class FundingForm(forms.Form):
    """How the candidate's path is funded; the CPF's 24-hour cap is checked with the other
    errors (the service checks it again)."""

    funding = forms.ChoiceField(
        label="Financement", choices=[("", "Non renseigné"), *Funding.choices], required=False
    )
    funding_amount = forms.DecimalField(
        label="Montant financé (€)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal("999999.99"),
        decimal_places=2,
        error_messages={
            "invalid": "Indiquez un montant en euros (par exemple 1200 ou 1200,50).",
            "min_value": "Le montant va de 0 à 999 999,99 €.",
            "max_value": "Le montant va de 0 à 999 999,99 €.",
            "max_decimal_places": "Deux chiffres après la virgule au plus.",
        },
    )
    funded_hours = forms.IntegerField(
        label="Heures d'accompagnement financées",
        help_text="Vide : les heures du groupe de VAE collective, ou 24 h (CPF).",
        required=False,
        min_value=1,
        max_value=200,
        error_messages={
            "invalid": "Indiquez un nombre entier d'heures.",
            "min_value": "Les heures financées vont de 1 à 200.",
            "max_value": "Les heures financées vont de 1 à 200.",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if "funding" in data and data.get("funded_hours") is not None:
            apply_rule(self, check_funded_hours, data["funding"], data["funded_hours"])
        return data


class SurveyForm(forms.Form):
    months_after = forms.TypedChoiceField(
        label="Enquête",
        coerce=int,
        choices=[("", "Choisir…"), (6, "À 6 mois"), (24, "À 2 ans")],
        error_messages=REQUIRED,
    )
    situation = forms.ChoiceField(
        label="Situation du certifié",
        choices=Situation.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez la situation du certifié."},
    )
    answered_on = date_field("Date de la réponse")

    def __init__(self, *args, certified_on, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.certified_on = certified_on

    def clean(self):
        data = super().clean()
        apply_rule(
            self,
            check_survey_date,
            self.certified_on,
            data.get("months_after"),
            data.get("answered_on"),
        )
        return data


class ScheduleForm(forms.Form):
    modality = forms.ModelChoiceField(
        label="Épreuve", queryset=None, empty_label="Choisir…", error_messages=REQUIRED
    )
    scheduled_on = date_field("Date de l'épreuve")

    def __init__(self, *args, enrolment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        field = self.fields["modality"]
        field.queryset = Modality.objects.filter(
            block__certification=enrolment.certification
        ).select_related("block")
        field.label_from_instance = lambda m: (
            f"{m.block.code} — {m.get_kind_display()}"
            + (f" ({m.format_label})" if m.format_label else "")
        )

    def clean(self):
        data = super().clean()
        apply_rule(self, check_schedule_date, self.enrolment, data.get("scheduled_on"))
        return data
