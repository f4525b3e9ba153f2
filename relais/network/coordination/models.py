"""Coordination wing: coordination teams around a person, what is shared with their members,
case conferences, and declared partnerships between organisations."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from relais.core.models import TimeStampedModel, VersionedModel
from relais.people.models import Consent, ConsentMethod, ConsentPurpose, ConsentStatus


class SharedCategory(models.TextChoices):
    IDENTITY = "identity", "Identité et coordonnées"
    SITUATION = "situation", "Situation (ressources, famille, mobilité…)"
    DIAGNOSTIC = "diagnostic", "Diagnostic (domaines choisis)"
    HEALTH = "health", "Santé (consentement explicite requis)"
    STEPS = "steps", "Étapes du parcours"
    NOTES = "notes", "Écrits partagés avec l'équipe"
    DOCUMENTS = "documents", "Documents choisis"


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


def consent_standing(person_id, organisation_id, organisation_kind) -> Exists:
    """The person's consent to share with that organisation stands: a current,
    non-superseded Consent "given", purpose "share_org" naming the organisation, or
    "share_category" naming its kind. Arguments are values or OuterRef()s."""
    return Exists(
        Consent.objects.filter(
            person_id=person_id,
            status=ConsentStatus.GIVEN,
            superseded_by__isnull=True,
        ).filter(
            Q(
                purpose=ConsentPurpose.SHARE_ORGANISATION,
                partner_organisation_id=organisation_id,
            )
            | Q(purpose=ConsentPurpose.SHARE_CATEGORY, partner_category=organisation_kind)
        )
    )


class TeamMemberQuerySet(models.QuerySet):
    def of_person(self, person_id) -> TeamMemberQuerySet:
        """The memberships of that person's team (`person_id`: a value or an OuterRef())."""
        return self.filter(team__person_id=person_id)

    def current(self) -> TeamMemberQuerySet:
        """Memberships not ended: listed in the team, whether the consent stands or not."""
        return self.filter(ended_on__isnull=True)

    def active(self) -> TeamMemberQuerySet:
        """Memberships that give access now: not ended, and the person's consent to share
        with the member's organisation standing (checked in the same query, so that a
        withdrawal takes effect at the next request)."""
        return self.current().filter(
            consent_standing(
                OuterRef("team__person_id"),
                OuterRef("organisation_id"),
                OuterRef("organisation__kind"),
            )
        )


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
        "accord recueilli", max_length=15, choices=ConsentMethod.professional_choices(), blank=True
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
        "network.Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TeamMemberQuerySet.as_manager()

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


class CaseConference(TimeStampedModel, VersionedModel):
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


def partnership_in_force(ended_on: dt.date | None, on: dt.date) -> bool:
    """A partnership ending on `ended_on` is in force on `on` (it ends at the start of its
    end date). The rule of `PartnershipQuerySet.in_force`, for rows read as values."""
    return ended_on is None or ended_on > on


class PartnershipQuerySet(models.QuerySet):
    def in_force(self, on: dt.date | None = None) -> PartnershipQuerySet:
        """Partnerships not ended on `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))


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

    objects = PartnershipQuerySet.as_manager()

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

    def is_in_force(self, on: dt.date | None = None) -> bool:
        return partnership_in_force(self.ended_on, on or timezone.localdate())
