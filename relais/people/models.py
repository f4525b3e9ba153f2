"""The accompanied person: identity and situation, consents, key life events, documents.

Every model here holds personal data (`holds_personal_data = True`): loading one in a
request that does not journal it is an error (see relais.core.journal)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from relais.core.models import TimeStampedModel, VersionedModel
from relais.core.text import fold
from relais.people import cofollowing


class Sex(models.TextChoices):
    FEMALE = "F", "Femme"
    MALE = "M", "Homme"
    OTHER = "X", "Autre / non précisé"


class Household(models.TextChoices):
    ALONE = "alone", "Vit seul·e"
    COUPLE = "couple", "En couple sans enfant"
    ALONE_WITH_CHILDREN = "alone_children", "Seul·e avec enfant(s)"
    COUPLE_WITH_CHILDREN = "couple_children", "En couple avec enfant(s)"
    HOSTED = "hosted", "Hébergé·e (famille, tiers)"
    OTHER = "other", "Autre"


class Resource(models.TextChoices):
    RSA = "rsa", "RSA"
    ARE = "are", "ARE (allocation chômage)"
    ASS = "ass", "ASS"
    AAH = "aah", "AAH"
    PRIME_ACTIVITE = "prime_activite", "Prime d'activité"
    SALARY = "salary", "Salaire"
    PENSION = "pension", "Pension / retraite / invalidité"
    FAMILY_BENEFITS = "family", "Prestations familiales"
    OTHER = "other", "Autre ressource"
    NONE = "none", "Aucune ressource"


class EducationLevel(models.TextChoices):
    """Nomenclature nationale des niveaux de diplôme (décret 2019-14)."""

    NONE = "none", "Aucun diplôme"
    LEVEL_1 = "1", "Niveau 1 — savoirs de base"
    LEVEL_2 = "2", "Niveau 2 — socle de compétences (CléA)"
    LEVEL_3 = "3", "Niveau 3 — CAP, BEP"
    LEVEL_4 = "4", "Niveau 4 — baccalauréat"
    LEVEL_5 = "5", "Niveau 5 — bac + 2 (BTS, DUT)"
    LEVEL_6 = "6", "Niveau 6 — bac + 3 / 4 (licence)"
    LEVEL_7 = "7", "Niveau 7 — bac + 5 (master)"
    LEVEL_8 = "8", "Niveau 8 — doctorat"


class FrenchLevel(models.TextChoices):
    NATIVE = "native", "Langue maternelle"
    FLUENT = "fluent", "Courant"
    INTERMEDIATE = "intermediate", "Intermédiaire"
    BEGINNER = "beginner", "Débutant"
    BELOW_A1 = "below_a1", "Inférieur au niveau A1"


class DrivingLicence(models.TextChoices):
    NONE = "none", "Pas de permis"
    IN_PROGRESS = "in_progress", "Permis en cours"
    B = "b", "Permis B"
    SUSPENDED = "suspended", "Permis suspendu / non valide"
    OTHER = "other", "Autre permis"


class AdministrativeStatus(models.TextChoices):
    FRENCH = "french", "Nationalité française"
    EU = "eu", "Ressortissant·e de l'UE / EEE / Suisse"
    RESIDENCE_PERMIT = "permit", "Titre de séjour en cours de validité"
    PENDING = "pending", "Récépissé / demande en cours"
    ASYLUM_SEEKER = "asylum", "Demandeur·se d'asile"
    PROTECTED = "protected", "Bénéficiaire d'une protection internationale"
    NO_PERMIT = "no_permit", "Sans titre de séjour"
    OTHER = "other", "Autre / à préciser"


class PersonQuerySet(models.QuerySet):
    def visible_to(self, membership) -> PersonQuerySet:
        """The only way a view gets persons: those of the organisation the user is acting
        for (`request.membership`), if that membership is active, and the persons that
        user co-follows for that organisation (active coordination-team membership, the
        person's consent standing: see relais.network.coordination.sharing). One query.

        What may be seen of a co-followed person is decided by the policies
        (relais.people.policies.can); lists of the organisation's own persons (caseload,
        search) use `own_of`."""
        if membership is None or not membership.is_active:
            return self.none()
        return self.filter(
            models.Q(organisation_id=membership.organisation_id)
            | cofollowing.provider().cofollowed_q(membership),
            merged_into__isnull=True,
        )

    def own_of(self, membership) -> PersonQuerySet:
        """The persons of the organisation the user is acting for, if that membership is
        active: `visible_to` without the co-followed persons, for the lists of the
        organisation's own persons (caseload, searches). The same result as
        `visible_to(membership).filter(organisation_id=…)`, in a simpler query: the
        co-following condition would be evaluated for nothing on every person."""
        if membership is None or not membership.is_active:
            return self.none()
        return self.filter(organisation_id=membership.organisation_id, merged_into__isnull=True)

    def search(self, text: str, *, organisation_id: int) -> PersonQuerySet:
        """Accent-, case- and hyphen-insensitive search on every name, among the persons of
        `organisation_id`. The names are matched in a subquery on the index (organisation,
        name_key), which holds all it needs: the database reads that index only, not the
        records (20,000 persons in one organisation: 9 ms → 3 ms on SQLite)."""
        terms = fold(text).split()[:5]
        if not terms:
            return self
        matching = Person.objects.filter(organisation_id=organisation_id, merged_into__isnull=True)
        for term in terms:
            matching = matching.filter(name_key__contains=term)
        return self.filter(pk__in=matching.values("pk"))


class Person(TimeStampedModel, VersionedModel):
    holds_personal_data = True

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure",
        on_delete=models.PROTECT,
        related_name="persons",
    )
    referent = models.ForeignKey(
        "accounts.User",
        verbose_name="référent de parcours",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referred_persons",
    )
    birth_name = models.CharField("nom de naissance", max_length=100)
    usage_name = models.CharField("nom d'usage", max_length=100, blank=True)
    first_names = models.CharField("prénom(s)", max_length=150)
    birth_date = models.DateField("date de naissance")
    sex = models.CharField("sexe", max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune_code = models.CharField("commune (code INSEE)", max_length=5, blank=True)
    household = models.CharField(
        "situation familiale", max_length=20, choices=Household.choices, blank=True
    )
    children_ages = models.JSONField("âge des enfants", default=list, blank=True)
    resources = models.JSONField("ressources", default=list, blank=True)
    education_level = models.CharField(
        "niveau de diplôme", max_length=4, choices=EducationLevel.choices, blank=True
    )
    languages = models.CharField("langues parlées", max_length=200, blank=True)
    french_level = models.CharField(
        "niveau de français", max_length=15, choices=FrenchLevel.choices, blank=True
    )
    driving_licence = models.CharField(
        "permis de conduire", max_length=12, choices=DrivingLicence.choices, blank=True
    )
    has_vehicle = models.BooleanField("dispose d'un véhicule", default=False)
    rqth = models.BooleanField("RQTH (reconnaissance travailleur handicapé)", default=False)
    administrative_status = models.CharField(
        "situation administrative", max_length=12, choices=AdministrativeStatus.choices, blank=True
    )
    france_travail_id = models.CharField("identifiant France Travail", max_length=11, blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="créé par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # Folded names for search and duplicate detection (kept in sync by save()).
    name_key = models.CharField(max_length=400, editable=False, db_index=False)
    archived_at = models.DateTimeField("archivé le", null=True, blank=True)
    # A record merged into another one (relais.people.merging): kept for 30 days so that
    # the merge can be undone, and hidden everywhere meanwhile.
    merged_into = models.ForeignKey(
        "self",
        verbose_name="fusionné dans",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "personne accompagnée"
        verbose_name_plural = "personnes accompagnées"
        ordering = ["birth_name", "first_names"]
        indexes = [
            models.Index(fields=["organisation", "birth_date"], name="person_org_birth"),
            models.Index(fields=["organisation", "referent"], name="person_org_referent"),
            models.Index(fields=["organisation", "name_key"], name="person_org_namekey"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(birth_name=""), name="person_birth_name_required"
            ),
            models.CheckConstraint(
                condition=~models.Q(first_names=""), name="person_first_names_required"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        last = self.usage_name or self.birth_name
        return f"{last.upper()} {self.first_names}"

    @property
    def journal_person_id(self) -> int:
        return self.pk

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id

    @property
    def age(self) -> int:
        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    def refresh_name_key(self) -> None:
        self.name_key = fold(f"{self.birth_name} {self.usage_name} {self.first_names}")

    def save(self, *args, **kwargs):
        self.refresh_name_key()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        identity = (self.birth_name, self.usage_name, self.first_names, self.birth_date)
        changed = identity != getattr(self, "_saved_identity", None)
        super().save(*args, **kwargs)
        if changed:
            from relais.people.duplicates import store_match_keys

            store_match_keys([self], replace=not kwargs.get("force_insert", False))
            self._saved_identity = identity

    @classmethod
    def from_db(cls, db, field_names, values):
        person = super().from_db(db, field_names, values)
        values = person.__dict__
        if {"birth_name", "usage_name", "first_names", "birth_date"} <= values.keys():
            person._saved_identity = (
                values["birth_name"],
                values["usage_name"],
                values["first_names"],
                values["birth_date"],
            )
        return person


class PersonMatchKey(models.Model):
    """A blocking key of the duplicate check (relais.people.duplicates): the phonetic keys
    of a person's names, paired together and with the birth date. Found through the index
    (organisation, key), never by reading the persons. Kept by Person.save; rows written
    otherwise (bulk loads) call `relais.people.duplicates.store_match_keys`."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="match_keys")
    key = models.CharField(max_length=80)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "key", "person"], name="matchkey_org_key"),
        ]

    def __str__(self) -> str:
        return self.key


class ConsentPurpose(models.TextChoices):
    ACCOMPANIMENT = "accompaniment", "Accompagnement et traitement des données"
    SHARE_ORGANISATION = "share_org", "Partage avec une structure partenaire nommée"
    SHARE_CATEGORY = "share_category", "Partage avec une catégorie de partenaires"
    CONTACT_SMS = "contact_sms", "Être contacté·e par SMS"
    CONTACT_EMAIL = "contact_email", "Être contacté·e par e-mail"


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", "Formulaire signé (déposé)"
    ORAL_WITH_WITNESS = "oral_witness", "Oral, devant témoin"
    # Decided by the person themselves, signed in to their own space (relais.person_space):
    # never offered in the professionals' forms.
    PERSON_SPACE = "person_space", "Par la personne, dans son espace personnel"

    @classmethod
    def professional_choices(cls) -> list[tuple[str, str]]:
        """The ways a professional records a decision (the person's own is not one)."""
        return [c for c in cls.choices if c[0] != cls.PERSON_SPACE]


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "donné"
    WITHDRAWN = "withdrawn", "retiré"


class Consent(TimeStampedModel):
    """A consent decision. Never edited: a withdrawal is a new record that supersedes the
    previous one, so the history of what the person agreed to, and when, is kept."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        Person, verbose_name="personne", on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField("objet", max_length=20, choices=ConsentPurpose.choices)
    partner_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure partenaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partner_category = models.CharField("catégorie de partenaires", max_length=20, blank=True)
    status = models.CharField(
        "décision", max_length=10, choices=ConsentStatus.choices, default=ConsentStatus.GIVEN
    )
    method = models.CharField("recueilli par", max_length=15, choices=ConsentMethod.choices)
    witness_name = models.CharField("témoin", max_length=150, blank=True)
    document = models.ForeignKey(
        "people.Document",
        verbose_name="formulaire signé",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField("date")
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="recueilli par", on_delete=models.PROTECT, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name="remplace",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )

    class Meta:
        verbose_name = "consentement"
        verbose_name_plural = "consentements"
        ordering = ["-decided_on", "-id"]
        indexes = [
            models.Index(fields=["person", "purpose"], name="consent_person_purpose"),
            # Who agreed to share with an organisation or a kind of partner (intake's
            # cross-organisation hint reads from there).
            models.Index(
                fields=["partner_organisation", "purpose"], name="consent_partner_purpose"
            ),
            models.Index(fields=["partner_category", "purpose"], name="consent_category_purpose"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(method="oral_witness") | ~models.Q(witness_name=""),
                name="consent_oral_needs_witness",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.get_status_display()}"

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id


class LifeEventKind(models.TextChoices):
    JOB_LOSS = "job_loss", "Perte d'emploi"
    SEPARATION = "separation", "Séparation, divorce"
    BEREAVEMENT = "bereavement", "Deuil"
    EVICTION = "eviction", "Expulsion, perte de logement"
    ILLNESS = "illness", "Maladie, accident"
    DISABILITY = "disability", "Handicap"
    ARRIVAL = "arrival", "Arrivée en France"
    MOVE = "move", "Déménagement"
    DEBT = "debt", "Endettement"
    VIOLENCE = "violence", "Violences subies"
    JUSTICE = "justice", "Incarcération, mesure de justice"
    BIRTH = "birth", "Naissance d'un enfant"
    CARE_LEAVER = "care_leaver", "Sortie de l'aide sociale à l'enfance"
    TRAINING = "training", "Formation, diplôme"
    EMPLOYMENT = "employment", "Reprise d'emploi"
    OTHER = "other", "Autre événement"


class LifeEvent(TimeStampedModel):
    """A key event of the person's history (2.4, 2.5): read together, they show the
    process of precarisation and what the person has come through."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        Person, verbose_name="personne", on_delete=models.CASCADE, related_name="life_events"
    )
    kind = models.CharField("événement", max_length=15, choices=LifeEventKind.choices)
    occurred_on = models.DateField("date (approximative si besoin)")
    is_rupture = models.BooleanField("rupture dans le parcours", default=True)
    description = models.TextField("ce qui s'est passé", max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="saisi par", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "événement de vie"
        verbose_name_plural = "événements de vie"
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["person", "-occurred_on"], name="lifeevent_person_date")]

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", "Pièce d'identité"
    RESIDENCE_PERMIT = "permit", "Titre de séjour"
    CERTIFICATE = "certificate", "Attestation (CAF, France Travail…)"
    CV = "cv", "CV"
    DIPLOMA = "diploma", "Diplôme, certificat de formation"
    PROOF_OF_ADDRESS = "address", "Justificatif de domicile"
    TAX_NOTICE = "tax", "Avis d'imposition"
    SIGNED_CONSENT = "consent", "Consentement signé"
    CONTRACT = "contract", "Contrat d'engagement signé"
    OTHER = "other", "Autre document"


def document_upload_path(instance: Document, filename: str) -> str:
    # Never reuse the uploaded name in the path: it may contain personal data.
    return f"persons/{instance.person_id}/{instance.sha256[:2]}/{instance.sha256}"


class Document(TimeStampedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        Person, verbose_name="personne", on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField("type", max_length=15, choices=DocumentKind.choices)
    title = models.CharField("intitulé", max_length=200)
    file = models.FileField("fichier", upload_to=document_upload_path, max_length=200)
    original_name = models.CharField("nom du fichier", max_length=200)
    content_type = models.CharField("type de contenu", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64, editable=False)
    expires_on = models.DateField("date d'expiration", null=True, blank=True)
    uploaded_by = models.ForeignKey(
        "accounts.User", verbose_name="déposé par", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "document"
        verbose_name_plural = "documents"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "-created_at"], name="document_person_date")]

    def __str__(self) -> str:
        return self.title

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id


class DistinctPersons(models.Model):
    """« Pas la même personne »: a manager decided that two records that look alike are two
    persons; the search for duplicates no longer proposes the pair (`first` < `second`)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="distinct_persons_pair"),
            models.CheckConstraint(
                condition=models.Q(first__lt=models.F("second")), name="distinct_persons_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class DuplicateSearchStatus(models.TextChoices):
    PENDING = "pending", "en attente"
    RUNNING = "running", "en cours"
    DONE = "done", "terminée"
    FAILED = "failed", "échouée"


class DuplicateSearch(models.Model):
    """A search for likely duplicate pairs in an organisation (a background task), its
    progress and, once done, its pairs (`DuplicatePair`)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=DuplicateSearchStatus.choices, default=DuplicateSearchStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    pair_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"recherche de doublons n° {self.pk}"


class DuplicatePair(models.Model):
    """Two records of the organisation that may be one person (`first` < `second`)."""

    search = models.ForeignKey(DuplicateSearch, on_delete=models.CASCADE, related_name="pairs")
    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()
    weight = models.FloatField()
    reasons = models.JSONField(default=list)

    class Meta:
        ordering = ["-weight", "first_id", "second_id"]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id}"


class PersonMerge(models.Model):
    """One merge: `merged` moved into `kept`. What is needed to undo it within 30 days:
    the kept record's identity before the merge, and the child records moved (model label
    → primary keys)."""

    holds_personal_data = True
    journal_parent = ("people.person", "kept_id")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    kept_identity_before = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return f"fusion du dossier n° {self.merged_id} dans le n° {self.kept_id}"

    @property
    def journal_person_id(self) -> int:
        return self.kept_id

    @property
    def journal_organisation_id(self) -> int:
        return self.organisation_id
