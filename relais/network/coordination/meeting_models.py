"""Partner meetings (referential C2, « animer des réunions avec des partenaires »): meetings
of the network that are about no one person — agenda, participants from the directory,
minutes, and actions with owners and due dates — distinct from the case conferences.

Not personal data: a meeting is about the network's work; its form reminds the author
not to write about a person (that belongs to a case conference)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from relais.core.models import TimeStampedModel, VersionedModel


class PartnerMeeting(TimeStampedModel, VersionedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure qui organise",
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField("objet", max_length=150)
    held_on = models.DateField("date")
    place = models.CharField("lieu", max_length=200, blank=True)
    partners = models.ManyToManyField(
        "accounts.Organisation", verbose_name="structures partenaires", related_name="+", blank=True
    )
    attendees = models.ManyToManyField(
        "accounts.User", verbose_name="participants", related_name="+", blank=True
    )
    other_participants = models.CharField("autres participants", max_length=500, blank=True)
    agenda = models.TextField("ordre du jour", max_length=5000, blank=True)
    minutes = models.TextField("compte rendu", max_length=20000, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "réunion partenariale"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organisation", "-held_on"], name="partnermeeting_org")]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d/%m/%Y})"


class MeetingActionStatus(models.TextChoices):
    OPEN = "open", "À faire"
    DONE = "done", "Faite"
    DROPPED = "dropped", "Abandonnée"


class MeetingAction(TimeStampedModel):
    meeting = models.ForeignKey(PartnerMeeting, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField("action", max_length=300)
    owner = models.ForeignKey(
        "accounts.User",
        verbose_name="porteur",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    owner_name = models.CharField("porteur hors plateforme", max_length=150, blank=True)
    due_on = models.DateField("échéance")
    status = models.CharField(
        "statut",
        max_length=8,
        choices=MeetingActionStatus.choices,
        default=MeetingActionStatus.OPEN,
    )
    # The last transition (the workflow has one step: open → done or dropped).
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closing_note = models.CharField("commentaire", max_length=300, blank=True)

    class Meta:
        verbose_name = "action de réunion"
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["meeting", "status"], name="meetingaction_meeting"),
            models.Index(fields=["owner", "status", "due_on"], name="meetingaction_owner"),
            models.Index(fields=["status", "due_on"], name="meetingaction_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(owner_name=""),
                name="meetingaction_has_owner",
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def overdue(self) -> bool:
        return self.status == MeetingActionStatus.OPEN and self.due_on < timezone.localdate()

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return self.owner.get_full_name() or self.owner.email
        return self.owner_name
