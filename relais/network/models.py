"""Coordination: partner services (data·inclusion schema), referrals with a closed loop,
coordination teams around a person, case conferences, partnerships and notifications."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel, VersionedModel
from relais.people.models import ConsentMethod


class Service(TimeStampedModel, VersionedModel):
    """A service offered by an organisation, with the fields of the data·inclusion schema
    (v1). Vocabulary fields hold lists of data·inclusion codes."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure",
        on_delete=models.PROTECT,
        related_name="services",
    )
    source = models.CharField("source", max_length=100, blank=True)
    source_id = models.CharField("identifiant à la source", max_length=200, blank=True)
    name = models.CharField("nom", max_length=150)
    description = models.TextField("description", max_length=10000)
    type = models.CharField("type de service", max_length=30, blank=True)
    thematiques = models.JSONField("thématiques", default=list, blank=True)
    frais = models.JSONField("frais", default=list, blank=True)
    frais_precisions = models.TextField("précisions sur les frais", max_length=2000, blank=True)
    publics = models.JSONField("publics", default=list, blank=True)
    publics_precisions = models.TextField("précisions sur les publics", max_length=2000, blank=True)
    conditions_acces = models.TextField("conditions d'accès", max_length=3000, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("e-mail", blank=True)
    modes_accueil = models.JSONField("modes d'accueil", default=list, blank=True)
    zone_eligibilite = models.JSONField("zone d'éligibilité", default=list, blank=True)
    modes_mobilisation = models.JSONField("modes de mobilisation", default=list, blank=True)
    mobilisable_par = models.JSONField("mobilisable par", default=list, blank=True)
    mobilisation_precisions = models.TextField(
        "précisions sur la mobilisation", max_length=2000, blank=True
    )
    lien_mobilisation = models.URLField("lien de mobilisation", blank=True)
    horaires_accueil = models.CharField("horaires d'accueil (OSM)", max_length=500, blank=True)
    volume_horaire_hebdomadaire = models.FloatField(
        "volume horaire hebdomadaire", null=True, blank=True
    )
    nombre_semaines = models.PositiveIntegerField("nombre de semaines", null=True, blank=True)
    address = models.CharField("adresse", max_length=250, blank=True)
    postal_code = models.CharField("code postal", max_length=5, blank=True)
    commune_code = models.CharField("commune (code INSEE)", max_length=5, blank=True)
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    is_published = models.BooleanField("publié", default=True)
    confirmed_on = models.DateField("confirmé à jour le", null=True, blank=True)

    class Meta:
        verbose_name = "service"
        verbose_name_plural = "services"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source=""),
                name="service_source_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90),
                name="service_latitude_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "is_published"], name="service_org_published"),
            models.Index(fields=["latitude", "longitude"], name="service_lat_lon"),
            # Search: services of the communes within the radius that have no
            # coordinates (latitude IS NULL), without reading the located ones.
            models.Index(fields=["commune_code", "latitude"], name="service_commune_lat"),
        ]

    def __str__(self) -> str:
        return self.name


class ServiceZone(models.Model):
    """One row per code of Service.zone_eligibilite (commune, département, EPCI or
    "france"), lower-cased, for the services without coordinates only: the indexed form
    the search reads to find those whose zone covers the searched commune (a service with
    coordinates is placed by them). Kept in sync by relais.network.services_catalogue."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="zone_rows")
    code = models.CharField(max_length=9)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="service_zone_unique")
        ]
        indexes = [models.Index(fields=["code", "service"], name="zone_service")]

    def __str__(self) -> str:
        return self.code


class ServiceThematique(models.Model):
    """One row per (service, thématique, and its parent category): the indexed form of
    Service.thematiques that the search filters on."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="thematique_rows")
    thematique = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "thematique"], name="service_thematique_unique"
            )
        ]
        indexes = [models.Index(fields=["thematique", "service"], name="thematique_service")]

    def __str__(self) -> str:
        return self.thematique


class ReferralStatus(models.TextChoices):
    SENT = "sent", "Envoyée"
    SEEN = "seen", "Vue"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Terminée"
    CANCELLED = "cancelled", "Annulée par l'émetteur"
    EXPIRED = "expired", "Expirée (sans réponse)"


class RefusalReason(models.TextChoices):
    NOT_ELIGIBLE = "not_eligible", "La personne ne remplit pas les conditions"
    NO_CAPACITY = "no_capacity", "Plus de place disponible"
    NOT_REACHABLE = "not_reachable", "Personne injoignable"
    PERSON_DECLINED = "person_declined", "La personne a décliné"
    WRONG_SERVICE = "wrong_service", "Service non adapté à la demande"
    DUPLICATE = "duplicate", "Déjà accompagnée par la structure"
    OTHER = "other", "Autre motif"


class SharedCategory(models.TextChoices):
    IDENTITY = "identity", "Identité et coordonnées"
    SITUATION = "situation", "Situation (ressources, famille, mobilité…)"
    DIAGNOSTIC = "diagnostic", "Diagnostic (domaines choisis)"
    HEALTH = "health", "Santé (consentement explicite requis)"
    STEPS = "steps", "Étapes du parcours"
    NOTES = "notes", "Écrits partagés avec l'équipe"
    DOCUMENTS = "documents", "Documents choisis"


class Referral(TimeStampedModel, VersionedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        "people.Person", verbose_name="personne", on_delete=models.CASCADE, related_name="referrals"
    )
    pathway = models.ForeignKey(
        "pathways.Pathway",
        verbose_name="parcours",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    step = models.OneToOneField(
        "pathways.Step",
        verbose_name="étape",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral",
    )
    service = models.ForeignKey(
        Service, verbose_name="service", on_delete=models.PROTECT, related_name="referrals"
    )
    sender_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure émettrice",
        on_delete=models.PROTECT,
        related_name="sent_referrals",
    )
    sender = models.ForeignKey(
        "accounts.User", verbose_name="émise par", on_delete=models.PROTECT, related_name="+"
    )
    receiver_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure destinataire",
        on_delete=models.PROTECT,
        related_name="received_referrals",
    )
    reason = models.TextField("motif de l'orientation", max_length=3000)
    request = models.TextField("ce qui est demandé", max_length=3000)
    availability = models.CharField("disponibilités de la personne", max_length=500, blank=True)
    contact_preference = models.CharField("préférence de contact", max_length=200, blank=True)
    shared_categories = models.JSONField("informations partagées", default=list, blank=True)
    shared_domains = models.JSONField("domaines du diagnostic partagés", default=list, blank=True)
    attachments = models.ManyToManyField(
        "people.Document", verbose_name="pièces jointes", blank=True, related_name="+"
    )
    status = models.CharField(
        "statut", max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_at = models.DateTimeField("envoyée le")
    seen_at = models.DateTimeField("vue le", null=True, blank=True)
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    first_appointment_on = models.DateField("premier rendez-vous le", null=True, blank=True)
    closed_at = models.DateTimeField("close le", null=True, blank=True)
    expires_at = models.DateTimeField("expire le")
    refusal_reason = models.CharField(
        "motif du refus", max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_comment = models.TextField("commentaire du refus", max_length=2000, blank=True)
    outcome = models.TextField("résultat communiqué", max_length=3000, blank=True)
    answered_by_hand = models.BooleanField(
        "réponse saisie par l'émetteur (hors plateforme)", default=False
    )

    class Meta:
        verbose_name = "orientation"
        verbose_name_plural = "orientations"
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(
                fields=["receiver_organisation", "status", "-sent_at"], name="referral_inbox"
            ),
            models.Index(
                fields=["sender_organisation", "status", "-sent_at"], name="referral_outbox"
            ),
            models.Index(fields=["person", "-sent_at"], name="referral_person"),
            models.Index(fields=["status", "expires_at"], name="referral_expiry"),
            # Actor map: the referrals a territory sent, or received, over a period. Each
            # index holds every column the map reads, so that the aggregation reads the
            # period's index entries only, never the table (1M referrals: see
            # docs/performance.md).
            models.Index(
                fields=[
                    "sender_organisation",
                    "sent_at",
                    "receiver_organisation",
                    "status",
                    "answered_at",
                ],
                name="referral_flow_sent",
            ),
            models.Index(
                fields=[
                    "receiver_organisation",
                    "sent_at",
                    "sender_organisation",
                    "status",
                    "answered_at",
                ],
                name="referral_flow_received",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="referral_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Orientation n° {self.pk} vers {self.service}"

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.sender_organisation_id


class ReferralTransition(models.Model):
    """Who moved a referral from one status to another, when, and why. Append-only."""

    holds_personal_data = True
    journal_parent = ("network.referral", "referral_id")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    comment = models.TextField(max_length=3000, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referraltransition_ref_at")]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class CoordinationTeam(TimeStampedModel):
    """The professionals following one person, across organisations (one team per person)."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="coordination_team"
    )

    class Meta:
        verbose_name = "équipe de coordination"
        verbose_name_plural = "équipes de coordination"

    def __str__(self) -> str:
        return f"Équipe de coordination n° {self.pk}"


class TeamMember(TimeStampedModel):
    """A professional of another organisation who co-follows the person, seeing only the
    categories shared with them, and only while the person's consent for their
    organisation stands."""

    holds_personal_data = True
    journal_parent = ("network.coordinationteam", "team_id")

    team = models.ForeignKey(CoordinationTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        "accounts.User",
        verbose_name="professionnel",
        on_delete=models.PROTECT,
        related_name="team_memberships",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure",
        on_delete=models.PROTECT,
        related_name="team_memberships",
    )
    role = models.CharField("rôle dans l'équipe (qui fait quoi)", max_length=200)
    shared_categories = models.JSONField("catégories partagées", default=list, blank=True)
    shared_domains = models.JSONField("domaines du diagnostic partagés", default=list, blank=True)
    shared_documents = models.ManyToManyField(
        "people.Document", verbose_name="documents partagés", blank=True, related_name="+"
    )
    # The person's explicit agreement to share their health information with this member
    # (required for the "health" category; see docs/sharing.md).
    health_consent_on = models.DateField(
        "accord explicite pour la santé, le", null=True, blank=True
    )
    health_consent_method = models.CharField(
        "accord recueilli", max_length=15, choices=ConsentMethod.choices, blank=True
    )
    health_consent_witness = models.CharField("témoin de l'accord", max_length=150, blank=True)
    started_on = models.DateField("depuis le")
    ended_on = models.DateField("jusqu'au", null=True, blank=True)
    end_reason = models.CharField("motif de fin", max_length=300, blank=True)
    ended_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "membre de l'équipe"
        verbose_name_plural = "membres de l'équipe"
        ordering = ["started_on", "id"]
        indexes = [
            models.Index(
                fields=["user", "organisation", "ended_on"], name="teammember_user_active"
            ),
            models.Index(fields=["team", "ended_on"], name="teammember_team_active"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(health_consent_method="")
                | models.Q(health_consent_on__isnull=False),
                name="teammember_health_consent_dated",
            ),
            models.CheckConstraint(
                condition=~models.Q(health_consent_method="oral_witness")
                | ~models.Q(health_consent_witness=""),
                name="teammember_health_oral_needs_witness",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="teammember_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.organisation})"


class CaseConference(TimeStampedModel):
    """Réunion de synthèse about one person: participants, agenda, minutes and decisions."""

    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="case_conferences"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("date")
    participants = models.ManyToManyField(
        "accounts.User", verbose_name="participants", blank=True, related_name="+"
    )
    other_participants = models.CharField("autres participants", max_length=500, blank=True)
    person_present = models.BooleanField("la personne était présente", default=False)
    agenda = models.TextField("ordre du jour", max_length=5000, blank=True)
    minutes = models.TextField("compte rendu", max_length=20000, blank=True)
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "réunion de synthèse"
        verbose_name_plural = "réunions de synthèse"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Réunion de synthèse du {self.held_on:%d/%m/%Y}"


class ConferenceDecision(models.Model):
    holds_personal_data = True
    journal_parent = ("network.caseconference", "conference_id")

    conference = models.ForeignKey(
        CaseConference, on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.CharField("décision", max_length=500)
    owner_name = models.CharField("qui la porte", max_length=200)
    due_on = models.DateField("échéance", null=True, blank=True)
    step = models.OneToOneField(
        "pathways.Step", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class PartnershipKind(models.TextChoices):
    AGREEMENT = "agreement", "Convention"
    FUNDING = "funding", "Financement"
    NETWORK = "network", "Appartenance à un même réseau"
    OTHER = "other", "Autre partenariat"


class Partnership(TimeStampedModel):
    """A declared tie between two organisations, for the actor map."""

    source = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="partnerships_out"
    )
    target = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="partnerships_in"
    )
    kind = models.CharField("nature", max_length=10, choices=PartnershipKind.choices)
    description = models.CharField("précision", max_length=300, blank=True)
    started_on = models.DateField("depuis le", null=True, blank=True)
    ended_on = models.DateField("jusqu'au", null=True, blank=True)
    declared_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "partenariat"
        verbose_name_plural = "partenariats"
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="partnership_unique"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="partnership_distinct"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.target} ({self.get_kind_display()})"


class Notification(TimeStampedModel):
    """An in-app notice for the members of an organisation (or one user). It names records
    by link, never by a person's name, so that it can be listed without journaling."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="notifications"
    )
    user = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organisation", "read_at", "-created_at"], name="notification_inbox"
            )
        ]

    def __str__(self) -> str:
        return self.message
