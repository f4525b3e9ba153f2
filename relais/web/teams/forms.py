"""Forms of the coordination team: inviting a professional and what is shared with them,
ending a membership, what a co-following professional adds (step, note shared with the
team, appointment). Case conference forms are in `relais.web.conferences.forms`."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.network.coordination.contributions import ADDABLE_STEP_KINDS
from relais.network.coordination.models import SharedCategory, TeamMember
from relais.network.coordination.sharing import CHOOSABLE_DOMAINS
from relais.network.coordination.sharing_choices import HealthConsent
from relais.pathways.models import Note, NoteKind, Pathway, StepKind, StepOwner
from relais.people.models import Consent, ConsentMethod, ConsentPurpose, ConsentStatus, Document
from relais.web.forms_helpers import UserChoiceField, date_field
from relais.web.pathways.notes_forms import AppointmentSlotForm

CATEGORY_HELP = {
    SharedCategory.IDENTITY: "Nom, date de naissance, téléphone, e-mail, adresse.",
    SharedCategory.SITUATION: "Famille, ressources, diplôme, langues, permis, situation administrative.",
    SharedCategory.DIAGNOSTIC: "Seulement les domaines cochés ci-dessous.",
    SharedCategory.HEALTH: "Le domaine santé du diagnostic et la RQTH : accord explicite de la personne requis.",
    SharedCategory.STEPS: "Les parcours, objectifs et étapes ; le professionnel peut ajouter des étapes.",
    SharedCategory.NOTES: "Les écrits marqués « équipe de coordination » ; il peut en écrire.",
    SharedCategory.DOCUMENTS: "Seulement les documents cochés ci-dessous.",
}


class OrganisationChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, consented: set[int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.consented = consented or set()

    def label_from_instance(self, obj: Organisation) -> str:
        suffix = " — consentement au partage en vigueur" if obj.pk in self.consented else ""
        return f"{obj.name} ({obj.get_kind_display()}){suffix}"


class DocumentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Document) -> str:
        return f"{obj.title} ({obj.get_kind_display()}, déposé le {obj.created_at:%d/%m/%Y})"


class PathwayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Pathway) -> str:
        return f"{obj.get_scheme_display()} — depuis le {obj.started_on:%d/%m/%Y}"


def consented_organisations(person) -> tuple[set[int], set[str]]:
    """Organisations and organisation kinds the person's standing consents name. One query."""
    rows = Consent.objects.filter(
        person=person,
        status=ConsentStatus.GIVEN,
        superseded_by__isnull=True,
        purpose__in=[ConsentPurpose.SHARE_ORGANISATION, ConsentPurpose.SHARE_CATEGORY],
    ).values_list("partner_organisation_id", "partner_category")
    organisations = {org for org, _ in rows if org}
    kinds = {kind for _, kind in rows if kind}
    return organisations, kinds


class SharingForm(forms.Form):
    """What is shared with a member (also the second half of the invitation form)."""

    role = forms.CharField(
        label="Rôle auprès de la personne (qui fait quoi)",
        max_length=200,
        help_text="Par exemple : « Conseillère en insertion — suivi emploi », « Infirmier du CMP ».",
        error_messages={"required": "Indiquez le rôle de ce professionnel auprès de la personne."},
    )
    categories = forms.MultipleChoiceField(
        label="Informations partagées avec ce professionnel",
        choices=SharedCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Seulement ce qui lui est utile. La personne en est informée.",
        error_messages={"required": "Choisissez au moins une catégorie d'informations à partager."},
    )
    domains = forms.MultipleChoiceField(
        label="Domaines du diagnostic partagés",
        choices=[(d.value, d.label) for d in CHOOSABLE_DOMAINS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Si « Diagnostic » est coché. La santé se partage avec la catégorie « Santé ».",
    )
    documents = DocumentChoiceField(
        label="Documents partagés",
        queryset=Document.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Si « Documents choisis » est coché.",
    )
    health_confirmed = forms.BooleanField(
        label="La personne a donné son accord explicite pour partager ses informations de santé avec ce professionnel",
        required=False,
    )
    health_consent_on = date_field("Date de l'accord sur la santé", required=False)
    health_consent_method = forms.ChoiceField(
        label="Accord recueilli",
        choices=[("", "— Choisir —"), *ConsentMethod.professional_choices()],
        required=False,
    )
    health_consent_witness = forms.CharField(
        label="Témoin de l'accord oral", max_length=150, required=False
    )

    def __init__(self, *args, person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["documents"].queryset = Document.objects.filter(person=person).order_by(
            "-created_at", "-pk"
        )
        self.fields["health_consent_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean(self):
        data = super().clean()
        categories = data.get("categories") or []
        if SharedCategory.HEALTH in categories and not data.get("health_confirmed"):
            self.add_error(
                "health_confirmed",
                "Cochez cette case seulement si la personne a donné son accord explicite ; "
                "sinon décochez « Santé ».",
            )
        return data

    def health_consent(self) -> HealthConsent | None:
        data = self.cleaned_data
        if SharedCategory.HEALTH not in (data.get("categories") or []):
            return None
        return HealthConsent(
            decided_on=data.get("health_consent_on"),
            method=data.get("health_consent_method") or "",
            witness_name=data.get("health_consent_witness") or "",
        )

    def sharing(self) -> dict:
        data = self.cleaned_data
        return {
            "categories": data["categories"],
            "domains": data.get("domains") or [],
            "documents": list(data.get("documents") or []),
            "health_consent": self.health_consent(),
        }

    @staticmethod
    def initial_for(member: TeamMember) -> dict:
        return {
            "role": member.role,
            "categories": list(member.shared_categories or []),
            "domains": list(member.shared_domains or []),
            "documents": [d.pk for d in member.shared_documents.all()],
            "health_confirmed": member.health_consent_on is not None,
            "health_consent_on": member.health_consent_on,
            "health_consent_method": member.health_consent_method,
            "health_consent_witness": member.health_consent_witness,
        }

    def category_help(self) -> list[dict]:
        return [{"label": SharedCategory(c).label, "help": h} for c, h in CATEGORY_HELP.items()]


class OrganisationPickForm(forms.Form):
    """Step 1 of the invitation (GET): the professional's organisation."""

    structure = OrganisationChoiceField(
        label="Structure du professionnel",
        queryset=Organisation.objects.none(),
        empty_label="— Choisir une structure —",
        help_text=(
            "Structures de la plateforme, hors la vôtre. La personne doit avoir consenti au "
            "partage avec la structure (ou avec son type de structure)."
        ),
        error_messages={
            "required": "Choisissez la structure du professionnel.",
            "invalid_choice": "Cette structure n'est pas proposée : choisissez-en une dans la liste.",
        },
    )

    def __init__(self, *args, person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        organisations, kinds = consented_organisations(person)
        candidates = Organisation.objects.filter(is_active=True, is_external=False).exclude(
            pk=person.organisation_id
        )
        field = self.fields["structure"]
        field.queryset = candidates.order_by("name", "pk")
        field.consented = organisations | (
            set(candidates.filter(kind__in=kinds).values_list("pk", flat=True)) if kinds else set()
        )


class MemberAddForm(SharingForm):
    """Step 2 of the invitation (POST): who, their role, what is shared."""

    user = UserChoiceField(
        label="Professionnel",
        queryset=User.objects.none(),
        empty_label="— Choisir —",
        help_text="Membres actifs de la structure choisie.",
        error_messages={"required": "Choisissez le professionnel."},
    )

    field_order = ["user", "role", "categories"]

    def __init__(self, *args, person, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, person=person, **kwargs)
        self.organisation = organisation
        members = Membership.objects.active().filter(organisation=organisation)
        self.fields["user"].queryset = User.objects.filter(
            pk__in=members.values("user_id")
        ).order_by("last_name", "first_name", "email")


class EndMembershipForm(forms.Form):
    reason = forms.CharField(
        label="Motif",
        max_length=300,
        help_text="Par exemple : « Fin de l'accompagnement santé », « Changement de conseillère ».",
        error_messages={"required": "Indiquez pourquoi ce professionnel quitte l'équipe."},
    )


# --- What a co-following professional adds -------------------------------------------------


class TeamStepForm(forms.Form):
    pathway = PathwayChoiceField(
        label="Parcours",
        queryset=Pathway.objects.none(),
        empty_label=None,
        error_messages={"required": "Choisissez le parcours."},
    )
    title = forms.CharField(
        label="Action",
        max_length=300,
        error_messages={"required": "Décrivez l'action."},
    )
    kind = forms.ChoiceField(
        label="Type d'action",
        choices=[(k.value, k.label) for k in ADDABLE_STEP_KINDS],
        initial=StepKind.OTHER,
    )
    owner = forms.ChoiceField(
        label="Qui la porte",
        choices=StepOwner.choices,
        initial=StepOwner.PARTNER,
        widget=forms.RadioSelect,
    )
    owner_name = forms.CharField(
        label="Professionnel ou structure",
        max_length=200,
        required=False,
        help_text="Si « Un autre professionnel » : laissé vide, c'est vous.",
    )
    planned_on = date_field("Date prévue", required=False)

    def __init__(self, *args, pathways, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pathway"].queryset = pathways


class TeamNoteForm(forms.Form):
    kind = forms.ChoiceField(label="Type d'écrit", choices=NoteKind.choices)
    occurred_on = date_field(
        "Date de l'échange", help_text="Le jour de l'entretien, de l'appel ou de la visite."
    )
    body = forms.CharField(
        label="Contenu",
        max_length=Note._meta.get_field("body").max_length,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=(
            "Partagé avec l'équipe de coordination, dont la structure qui accompagne la "
            "personne. Rapportez des faits et les paroles de la personne ; elle peut lire ce "
            "qui est écrit sur elle."
        ),
        error_messages={"required": "Écrivez le contenu de l'écrit."},
        strip=True,
    )
    flags_seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class TeamAppointmentForm(AppointmentSlotForm):
    """A co-following professional's appointment: with themselves, outside any pathway."""
