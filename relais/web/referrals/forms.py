"""Forms of the referral pages: sending (with the consent recorded on the spot when
missing), the receiver's answers, the sender's cancellation and the answers of a partner
"hors plateforme" recorded by hand. Rules live in `relais.network.referrals.services`; these forms
only parse input and give the user every problem at once, next to its field."""

from __future__ import annotations

from django import forms

from relais.accounts.models import Organisation
from relais.diagnostics.domains import Domain
from relais.network.coordination.models import SharedCategory
from relais.network.referrals.answers import ANSWERS_BY_HAND
from relais.network.referrals.models import ReferralStatus, RefusalReason
from relais.network.referrals.services import CONTACT_PREFERENCES
from relais.pathways.models import Goal, Pathway, Step
from relais.people.models import Document, Person
from relais.web.people.forms import _SignedFormMixin, date_field

SHARED_CATEGORY_HINTS = {
    SharedCategory.IDENTITY: "Nom, prénom, date de naissance, téléphone, e-mail, adresse.",
    SharedCategory.SITUATION: "Situation familiale, ressources, diplôme, langues, mobilité, RQTH…",
    SharedCategory.DIAGNOSTIC: "Seulement les domaines cochés ci-dessous, du dernier diagnostic.",
    SharedCategory.HEALTH: "Le domaine « Santé » du diagnostic (avec « Diagnostic »), seulement "
    "avec une structure nommée dans le consentement et l'accord explicite de la personne.",
    SharedCategory.STEPS: "Si le professionnel rejoint l'équipe de coordination.",
    SharedCategory.NOTES: "Écrits marqués « partagés avec l'équipe », s'il rejoint l'équipe.",
    SharedCategory.DOCUMENTS: "Seulement les documents cochés ci-dessous.",
}


class ServiceSearchForm(forms.Form):
    q = forms.CharField(
        label="Nom du service ou de la structure",
        max_length=100,
        required=False,
        help_text="Ex. : permis, épicerie solidaire, mission locale.",
    )
    thematique = forms.ChoiceField(label="Thématique", required=False)

    def __init__(self, *args, **kwargs) -> None:
        from data_inclusion.schema import v1

        super().__init__(*args, **kwargs)
        self.fields["thematique"].choices = [
            ("", "— Toutes —"),
            *[(c.value, c.label) for c in v1.Categorie],
        ]


class PersonSearchForm(forms.Form):
    q = forms.CharField(label="Nom de la personne", max_length=100, required=False)


class ReferralForm(forms.Form):
    # The service checks the pathway (the person's, in progress) and the domains: on a POST,
    # the form only parses them, and the page's choices are loaded to show the page.
    pathway = forms.IntegerField(
        label="Parcours où inscrire l'orientation",
        widget=forms.Select,
        help_text="L'orientation y devient une étape, tenue à jour avec la réponse du partenaire.",
        error_messages={
            "required": "Choisissez le parcours où inscrire l'orientation.",
            "invalid": "Choisissez un parcours en cours de la personne.",
        },
    )
    goal = forms.IntegerField(
        label="Objectif du parcours servi par l'orientation",
        required=False,
        widget=forms.Select,
        error_messages={"invalid": "Choisissez un objectif en cours du parcours."},
    )
    # The planned step the referral carries out (sent from the pathway page), if any.
    step = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Motif de l'orientation",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Pourquoi ce service, au regard du parcours et des souhaits de la personne.",
    )
    asked_for = forms.CharField(
        label="Ce qui est demandé",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ex. : un premier entretien, une inscription à la prochaine session.",
    )
    availability = forms.CharField(
        label="Disponibilités de la personne",
        max_length=500,
        required=False,
        help_text="Ex. : les matins, sauf le mercredi (garde d'enfant).",
    )
    contact_preference = forms.ChoiceField(
        label="Préférence de contact",
        required=False,
        choices=[("", "— Non précisée —"), *[(c, c) for c in CONTACT_PREFERENCES]],
    )
    shared_categories = forms.MultipleChoiceField(
        label="Informations partagées avec la structure destinataire",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Seulement ce que la personne a accepté de partager avec cette structure.",
    )
    shared_domains = forms.MultipleChoiceField(
        label="Domaines du diagnostic partagés",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    health_consent_confirmed = forms.BooleanField(
        label="La personne a explicitement accepté de partager des informations de santé "
        "avec cette structure",
        required=False,
    )
    attachments = forms.ModelMultipleChoiceField(
        label="Pièces jointes (documents du dossier)",
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirm_redundancy = forms.BooleanField(
        label="J'ai vu les actions similaires signalées ci-dessus et je confirme l'orientation",
        required=False,
    )
    redundancy_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shared_categories"].choices = [
            (value, f"{label} — {SHARED_CATEGORY_HINTS[value]}")
            for value, label in SharedCategory.choices
        ]
        self.fields["shared_domains"].choices = domain_choices([(d, None) for d in Domain.values])
        self.fields["attachments"].queryset = Document.objects.filter(person=person)
        self.fields["attachments"].label_from_instance = lambda d: (
            f"{d.title} ({d.get_kind_display()}, déposé le {d.created_at:%d/%m/%Y})"
        )

    def show_choices(
        self,
        *,
        pathways: list[Pathway],
        domains: list[tuple[str, str]],
        goals: list[Goal] = (),
        step: Step | None = None,
    ) -> None:
        """The choices the page shows: the person's pathways in progress, their goals in
        progress, the domains of their latest diagnostic; the planned step sent from."""
        self.fields["pathway"].widget.choices = [
            ("", "— Choisir —"),
            *[(p.pk, str(p)) for p in pathways],
        ]
        if len(pathways) == 1:
            self.fields["pathway"].initial = pathways[0].pk
        several = len(pathways) > 1
        self.fields["goal"].widget.choices = [
            ("", "— Aucun objectif en particulier —"),
            *[
                (g.pk, f"{g.text} ({g.pathway.get_scheme_display()})" if several else g.text)
                for g in goals
            ],
        ]
        if step is not None:
            self.fields["pathway"].initial = step.pathway_id
            self.fields["goal"].initial = step.goal_id
            self.fields["step"].initial = step.pk
        self.fields["shared_domains"].choices = domains


class ConsentOnTheSpotForm(_SignedFormMixin):
    """The person's consent to share with the receiving organisation, recorded from the
    referral page (same rules as the consent page of the record)."""

    scope = forms.ChoiceField(label="Partage avec", widget=forms.RadioSelect)

    field_order = ["scope", "decided_on", "method", "witness_name", "document", "signed_file"]

    def __init__(self, *args, person: Person, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, person=person, **kwargs)
        self.fields["scope"].choices = [
            ("organisation", f"{organisation.name} (cette structure nommément)"),
            (
                "category",
                f"Les structures de type « {organisation.get_kind_display()} » "
                "(hors informations de santé)",
            ),
        ]
        self.fields["scope"].initial = "organisation"


# --- Answers -----------------------------------------------------------------------------------


class _VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AcceptForm(_VersionedForm):
    first_appointment_on = date_field(
        "Date du premier rendez-vous",
        required=False,
        help_text="Si elle est déjà fixée ; vous pourrez l'indiquer plus tard.",
    )
    join_team = forms.BooleanField(
        label="Rejoindre l'équipe de coordination de la personne",
        required=False,
        initial=True,
        help_text="Vous verrez ce que l'orientation partage, tant que la personne y consent.",
    )
    comment = forms.CharField(
        label="Message pour l'émetteur",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RefuseForm(_VersionedForm):
    refusal_reason = forms.ChoiceField(
        label="Motif du refus", choices=[("", "— Choisir —"), *RefusalReason.choices]
    )
    refusal_comment = forms.CharField(
        label="Commentaire",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour « Autre motif ». Une piste pour l'émetteur est bienvenue.",
    )


class StartForm(_VersionedForm):
    first_appointment_on = date_field("Date du premier rendez-vous", required=False)
    comment = forms.CharField(
        label="Message pour l'émetteur",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompleteForm(_VersionedForm):
    outcome = forms.CharField(
        label="Résultat transmis à l'émetteur",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce qui a été fait et ce qu'il en ressort, en quelques lignes factuelles.",
    )


class CancelForm(_VersionedForm):
    comment = forms.CharField(
        label="Motif de l'annulation",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Il est transmis à la structure destinataire.",
    )


class FirstAppointmentForm(_VersionedForm):
    first_appointment_on = date_field("Date du premier rendez-vous")


class AnswerByHandForm(_VersionedForm):
    decision = forms.ChoiceField(
        label="Réponse du partenaire",
        widget=forms.RadioSelect,
        choices=[(s, ReferralStatus(s).label) for s in ANSWERS_BY_HAND],
    )
    refusal_reason = forms.ChoiceField(
        label="Motif du refus",
        required=False,
        choices=[("", "— Choisir —"), *RefusalReason.choices],
        help_text="Seulement en cas de refus.",
    )
    first_appointment_on = date_field("Date du premier rendez-vous", required=False)
    outcome = forms.CharField(
        label="Résultat communiqué par le partenaire",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Obligatoire pour « Terminée ».",
    )
    comment = forms.CharField(
        label="Commentaire",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ex. : réponse reçue par téléphone de Mme X, conseillère.",
    )

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == ReferralStatus.REFUSED and not cleaned.get("refusal_reason"):
            self.add_error("refusal_reason", "Choisissez le motif du refus.")
        if decision == ReferralStatus.DONE and not (cleaned.get("outcome") or "").strip():
            self.add_error("outcome", "Indiquez le résultat communiqué par le partenaire.")
        return cleaned


def domain_choices(assessed: list[tuple[str, int | None]]) -> list[tuple[str, str]]:
    """Checkbox choices for the domains assessed in the latest diagnostic."""
    labels = dict(Domain.choices)
    choices = []
    for domain, difficulty in assessed:
        if domain == Domain.HEALTH:
            continue  # shared with the "health" category only
        label = labels.get(domain, domain)
        if difficulty is not None:
            label = f"{label} (difficulté {difficulty}/3)"
        choices.append((domain, label))
    return choices
