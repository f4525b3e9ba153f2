"""Forms of the person record. Field rules come from relais.people.services (the same
functions the services apply), so every problem is shown at once, next to its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse_lazy

from relais.accounts.models import Organisation, OrganisationKind, User
from relais.core import uploads
from relais.core.communes import get_commune, is_well_formed_insee_code
from relais.core.errors import DomainError
from relais.network.directory.geo import CommuneLookupError, commune_display, resolve_commune
from relais.people import rules as person_rules
from relais.people.models import (
    AdministrativeStatus,
    ConsentMethod,
    ConsentPurpose,
    Document,
    DocumentKind,
    DrivingLicence,
    EducationLevel,
    FrenchLevel,
    Household,
    LifeEventKind,
    Person,
    Resource,
    Sex,
)
from relais.web.forms_helpers import SubmissionField
from relais.web.forms_helpers import date_field as shared_date_field


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return shared_date_field(label, required=required, help_text=help_text, required_message=None)


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "— Non renseigné —"), *choices]


def _rule(rule: Callable[[Any], Any], value: Any) -> Any:
    try:
        return rule(value)
    except DomainError as error:
        raise forms.ValidationError(error.message) from None


class _ReferentChoices(forms.models.ModelChoiceIterator):
    """The options as (id, name) from one `values_list`, without a User instance per
    option: a département's 134 référents cost about 2 ms as instances, on the intake
    page that must answer in tens of milliseconds."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, first_name, last_name, email in self.queryset.values_list(
            "pk", "first_name", "last_name", "email"
        ):
            yield (pk, f"{first_name} {last_name}".strip() or email)


class ReferentChoiceField(forms.ModelChoiceField):
    iterator = _ReferentChoices

    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.email


class PersonForm(forms.Form):
    """Identity and contact (everyone who may create a record, reception included), plus
    the situation for those who accompany (référents, managers)."""

    submission = SubmissionField()

    birth_name = forms.CharField(label="Nom de naissance", max_length=person_rules.NAME_MAX_LENGTH)
    usage_name = forms.CharField(
        label="Nom d'usage",
        max_length=person_rules.NAME_MAX_LENGTH,
        required=False,
        help_text="Nom d'époux ou d'épouse, par exemple, s'il est utilisé au quotidien.",
    )
    first_names = forms.CharField(
        label="Prénom(s)", max_length=person_rules.NAME_MAX_LENGTH, help_text="Tous les prénoms."
    )
    birth_date = date_field("Date de naissance", help_text="Format JJ/MM/AAAA.")
    sex = forms.ChoiceField(label="Sexe", choices=_blank(Sex.choices), required=False)
    phone = forms.CharField(
        label="Téléphone",
        max_length=30,
        required=False,
        help_text="Ex. 06 12 34 56 78 ou +33 6 12 34 56 78.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    email = forms.CharField(
        label="Adresse e-mail",
        max_length=254,
        required=False,
        help_text="Ex. prenom.nom@exemple.fr",
        widget=forms.TextInput(attrs={"type": "email", "autocomplete": "off"}),
    )
    address = forms.CharField(label="Adresse postale", max_length=250, required=False)
    postal_code = forms.CharField(
        label="Code postal",
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    # What the user types (« Lyon 3e », « Vaulx-en-Velin (69256) », a code) with the
    # suggestions of the service search; the commune's INSEE code is what is recorded.
    commune_code = forms.CharField(
        label="Commune",
        max_length=120,
        required=False,
        help_text="Commencez à taper son nom, puis choisissez-la dans la liste (ex. Lyon 3e, "
        "Vaulx-en-Velin) ; le code INSEE est aussi accepté.",
        widget=forms.TextInput(
            attrs={
                "list": "communes-suggestions",
                "autocomplete": "off",
                "hx-get": reverse_lazy("search:communes"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#communes-suggestions",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        ),
    )
    france_travail_id = forms.CharField(
        label="Identifiant France Travail",
        max_length=20,
        required=False,
        help_text="7 chiffres suivis d'une lettre (ex. 1234567A), ou 8 à 11 lettres et chiffres.",
    )
    household = forms.ChoiceField(
        label="Situation familiale", choices=_blank(Household.choices), required=False
    )
    children_ages = forms.CharField(
        label="Âge des enfants",
        max_length=100,
        required=False,
        help_text="En années, séparés par des virgules (ex. 3, 7). 0 pour un bébé.",
    )
    resources = forms.MultipleChoiceField(
        label="Ressources",
        choices=Resource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    education_level = forms.ChoiceField(
        label="Niveau de diplôme", choices=_blank(EducationLevel.choices), required=False
    )
    languages = forms.CharField(
        label="Langues parlées",
        max_length=200,
        required=False,
        help_text="Ex. arabe, français, anglais.",
    )
    french_level = forms.ChoiceField(
        label="Niveau de français", choices=_blank(FrenchLevel.choices), required=False
    )
    driving_licence = forms.ChoiceField(
        label="Permis de conduire", choices=_blank(DrivingLicence.choices), required=False
    )
    has_vehicle = forms.BooleanField(label="Dispose d'un véhicule", required=False)
    rqth = forms.BooleanField(
        label="Reconnaissance de la qualité de travailleur handicapé (RQTH)", required=False
    )
    administrative_status = forms.ChoiceField(
        label="Situation administrative",
        choices=_blank(AdministrativeStatus.choices),
        required=False,
    )
    referent = ReferentChoiceField(
        label="Référent de parcours",
        queryset=User.objects.none(),
        required=False,
        empty_label="— À désigner plus tard —",
    )

    identity_fields = person_rules.IDENTITY_FIELDS
    situation_fields = person_rules.SITUATION_FIELDS

    def __init__(
        self,
        *args,
        with_situation: bool,
        referents=None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.with_situation = with_situation
        if not with_situation:
            for name in self.situation_fields:
                del self.fields[name]
        if referents is None:
            del self.fields["referent"]
        else:
            self.fields["referent"].queryset = referents

    # Each field goes through the same rule as in the service.
    def clean_birth_name(self) -> str:
        return _rule(
            lambda v: person_rules.clean_name(v, field="birth_name", label="Nom de naissance"),
            self.cleaned_data["birth_name"],
        )

    def clean_usage_name(self) -> str:
        return _rule(
            lambda v: person_rules.clean_name(
                v, field="usage_name", label="Nom d'usage", required=False
            ),
            self.cleaned_data["usage_name"],
        )

    def clean_first_names(self) -> str:
        return _rule(
            lambda v: person_rules.clean_name(v, field="first_names", label="Prénom(s)"),
            self.cleaned_data["first_names"],
        )

    def clean_birth_date(self):
        return _rule(person_rules.clean_birth_date, self.cleaned_data["birth_date"])

    def clean_phone(self) -> str:
        return _rule(person_rules.clean_phone, self.cleaned_data["phone"])

    def clean_email(self) -> str:
        return _rule(person_rules.clean_email, self.cleaned_data["email"])

    def clean_postal_code(self) -> str:
        return _rule(person_rules.clean_postal_code, self.cleaned_data["postal_code"])

    def clean_commune_code(self) -> str:
        text = (self.cleaned_data["commune_code"] or "").strip()
        if text and not is_well_formed_insee_code(text):
            try:
                text = resolve_commune(text).code
            except CommuneLookupError as error:
                raise forms.ValidationError(error.message) from None
        return _rule(person_rules.clean_commune_code, text)

    def clean_france_travail_id(self) -> str:
        return _rule(person_rules.clean_france_travail_id, self.cleaned_data["france_travail_id"])

    def clean_children_ages(self) -> list[int]:
        return _rule(person_rules.clean_children_ages, self.cleaned_data["children_ages"])

    def clean_resources(self) -> list[str]:
        return _rule(person_rules.clean_resources, self.cleaned_data["resources"])

    def clean(self):
        cleaned = super().clean()
        household = cleaned.get("household")
        ages = cleaned.get("children_ages")
        if household in (Household.ALONE_WITH_CHILDREN, Household.COUPLE_WITH_CHILDREN) and (
            ages == []
        ):
            self.add_error("children_ages", "Indiquez l'âge de chaque enfant (ex. 3, 7).")
        return cleaned

    def person_data(self) -> dict[str, Any]:
        names = [*self.identity_fields]
        if self.with_situation:
            names += self.situation_fields
        return {name: self.cleaned_data[name] for name in names}

    @property
    def identity_bound_fields(self):
        return [self[name] for name in self.identity_fields]

    @property
    def situation_bound_fields(self):
        return [self[name] for name in self.situation_fields if name in self.fields]

    @classmethod
    def initial_from(cls, person: Person) -> dict[str, Any]:
        initial = {name: getattr(person, name) for name in person_rules.PERSON_FIELDS}
        initial["children_ages"] = ", ".join(str(a) for a in person.children_ages or [])
        commune = get_commune(person.commune_code) if person.commune_code else None
        if commune is not None:
            initial["commune_code"] = commune_display(commune)
        return initial


class PersonEditForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors:
            # A hidden field: its error is said at the top of the form.
            del self.errors["version"]
            self.add_error(
                None, "Le formulaire n'est plus valable : rechargez la page puis recommencez."
            )
        return cleaned


class ReassignReferentForm(forms.Form):
    referent = ReferentChoiceField(
        label="Nouveau référent", queryset=User.objects.none(), empty_label="— Choisir —"
    )

    def __init__(self, *args, referents, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents


class _SignedFormMixin(forms.Form):
    """How a consent decision was collected: oral with a witness, or a signed form chosen
    among the record's documents or uploaded now."""

    method = forms.ChoiceField(
        label="Comment a-t-il été recueilli ?",
        choices=ConsentMethod.professional_choices(),
        widget=forms.RadioSelect,
    )
    witness_name = forms.CharField(
        label="Nom du témoin",
        max_length=150,
        required=False,
        help_text="Obligatoire pour un recueil oral : le collègue présent, par exemple.",
    )
    document = forms.ModelChoiceField(
        label="Formulaire signé déjà dans le dossier",
        queryset=Document.objects.none(),
        required=False,
        empty_label="— Aucun —",
    )
    signed_file = forms.FileField(
        label="Ou déposer le formulaire signé",
        required=False,
        help_text="PDF ou photo (JPEG, PNG), 10 Mo au plus.",
    )
    decided_on = date_field("Date")

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = Document.objects.filter(person=person)
        self.fields[
            "signed_file"
        ].help_text = f"{uploads.ALLOWED_TYPES_TEXT} ; {uploads.size_in_mb(settings.RELAIS_DOCUMENT_MAX_BYTES)} Mo au plus."

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        if method == ConsentMethod.ORAL_WITH_WITNESS and not cleaned.get("witness_name"):
            self.add_error(
                "witness_name",
                "Un consentement oral doit être recueilli devant un témoin : indiquez son nom.",
            )
        if (
            method == ConsentMethod.SIGNED_FORM
            and not cleaned.get("document")
            and not cleaned.get("signed_file")
        ):
            self.add_error(
                "signed_file",
                "Joignez le formulaire signé : choisissez un document du dossier ou déposez-le.",
            )
        return cleaned


class ConsentForm(_SignedFormMixin):
    purpose = forms.ChoiceField(
        label="Objet du consentement", choices=ConsentPurpose.choices, widget=forms.RadioSelect
    )
    partner_organisation = forms.ModelChoiceField(
        label="Structure partenaire",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="— Choisir —",
        help_text="Seulement pour un partage avec une structure nommée.",
    )
    partner_category = forms.ChoiceField(
        label="Catégorie de partenaires",
        choices=[("", "— Choisir —"), *OrganisationKind.choices],
        required=False,
        help_text="Seulement pour un partage avec une catégorie de partenaires.",
    )

    field_order = [
        "purpose",
        "partner_organisation",
        "partner_category",
        "decided_on",
        "method",
        "witness_name",
        "document",
        "signed_file",
    ]

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, person=person, **kwargs)
        self.fields["partner_organisation"].queryset = Organisation.objects.filter(
            is_active=True
        ).exclude(pk=person.organisation_id)

    def clean(self):
        cleaned = super().clean()
        purpose = cleaned.get("purpose")
        if purpose == ConsentPurpose.SHARE_ORGANISATION and not cleaned.get("partner_organisation"):
            self.add_error(
                "partner_organisation", "Choisissez la structure partenaire avec laquelle partager."
            )
        if purpose == ConsentPurpose.SHARE_CATEGORY and not cleaned.get("partner_category"):
            self.add_error("partner_category", "Choisissez la catégorie de partenaires concernée.")
        return cleaned


class ConsentWithdrawForm(_SignedFormMixin):
    pass


class LifeEventForm(forms.Form):
    kind = forms.ChoiceField(
        label="Événement", choices=[("", "— Choisir —"), *LifeEventKind.choices]
    )
    occurred_on = date_field(
        "Date", help_text="Approximative si besoin (le 1er du mois, par exemple)."
    )
    is_rupture = forms.BooleanField(
        label="Rupture dans le parcours de la personne",
        required=False,
        initial=True,
        help_text="Un événement qui a fragilisé la situation (perte d'emploi, de logement…).",
    )
    description = forms.CharField(
        label="Ce qui s'est passé",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Des faits, avec les mots de la personne si elle le souhaite.",
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label="Type de document", choices=[("", "— Choisir —"), *DocumentKind.choices]
    )
    title = forms.CharField(label="Intitulé", max_length=200, help_text="Ex. Carte d'identité.")
    expires_on = date_field(
        "Date d'expiration", required=False, help_text="Pour un titre de séjour, par exemple."
    )
    file = forms.FileField(label="Fichier")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "file"
        ].help_text = f"{uploads.ALLOWED_TYPES_TEXT} ; {uploads.size_in_mb(settings.RELAIS_DOCUMENT_MAX_BYTES)} Mo au plus."
        self.fields["file"].error_messages["empty"] = "Le fichier est vide."
