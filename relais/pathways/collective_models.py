"""Information collective (referential B1, « accueil … en individuel ou en collectif »):
group information sessions an organisation schedules, the people registered to them — by
the organisation or by a partner — and their attendance.

A registration is not yet a person record: it holds what was collected at registration
(names, birth date, contacts) until the attendee goes on and « créer la fiche » turns it
into a person through the intake service. Imported by `relais.pathways.models`."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel, VersionedModel


class InfoSessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Programmée"
    HELD = "held", "Tenue (présences relevées)"
    CANCELLED = "cancelled", "Annulée"


class InfoSession(TimeStampedModel, VersionedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("intitulé", max_length=150)
    scheme = models.CharField("dispositif présenté", max_length=10)
    starts_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=200)
    capacity = models.PositiveSmallIntegerField("nombre de places")
    open_to_partners = models.BooleanField(
        "les partenaires peuvent inscrire des personnes", default=False
    )
    status = models.CharField(
        "statut",
        max_length=10,
        choices=InfoSessionStatus.choices,
        default=InfoSessionStatus.SCHEDULED,
    )
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "information collective"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-starts_at"], name="infosession_org")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="infosession_capacity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d/%m/%Y})"


class Attendance(models.TextChoices):
    REGISTERED = "registered", "Inscrit·e"
    PRESENT = "present", "Présent·e"
    ABSENT = "absent", "Absent·e"
    EXCUSED = "excused", "Excusé·e"


class Registration(TimeStampedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    session = models.ForeignKey(InfoSession, on_delete=models.CASCADE, related_name="registrations")
    # Who registered the person: the session's organisation, or a partner.
    registered_by_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    registered_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    birth_name = models.CharField("nom de naissance", max_length=100)
    first_names = models.CharField("prénom(s)", max_length=150)
    birth_date = models.DateField("date de naissance")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    comment = models.CharField("attentes, besoins d'accessibilité", max_length=300, blank=True)
    name_key = models.CharField(max_length=260, editable=False)
    attendance = models.CharField(
        "présence", max_length=10, choices=Attendance.choices, default=Attendance.REGISTERED
    )
    # The person's record: known at registration (duplicate check), or created after.
    # Erasing the record erases the registration: it holds the same person's identity.
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "inscription"
        ordering = ["birth_name", "first_names", "id"]
        indexes = [
            models.Index(fields=["session", "attendance"], name="registration_attendance"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "name_key", "birth_date"], name="registration_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_names} {self.birth_name.upper()}"

    @property
    def journal_person_id(self) -> int | None:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.session.organisation_id
