"""Practice analysis (referential 2.16 « se questionner, analyse de sa pratique »; `000`
« construire sa pratique avec ses pairs »): anonymised case presentations a team shares,
peer sessions with their minutes and lessons, and each professional's private reflective
journal. Imported by `relais.pathways.models`.

A case presentation keeps no link to the person's record: only the anonymised text is
stored, so that it can be read by peers without reaching anyone's record."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel, VersionedModel


class PresentationStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon (visible par vous seul·e)"
    SHARED = "shared", "Partagée avec l'équipe"


class CasePresentation(TimeStampedModel, VersionedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("titre", max_length=150)
    text = models.TextField("présentation anonymisée", max_length=20000)
    question = models.CharField("question posée aux pairs", max_length=500, blank=True)
    status = models.CharField(
        "statut", max_length=6, choices=PresentationStatus.choices, default=PresentationStatus.DRAFT
    )
    # At sharing: the words still looking like names the author confirmed were not
    # identifying (empty when none was left).
    confirmed_words = models.JSONField(default=list, blank=True)
    shared_at = models.DateTimeField("partagée le", null=True, blank=True)

    class Meta:
        verbose_name = "présentation de situation"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "status", "-created_at"], name="casepres_org"),
            models.Index(fields=["author", "status"], name="casepres_author"),
        ]

    def __str__(self) -> str:
        return self.title


class PeerSession(TimeStampedModel, VersionedModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    held_on = models.DateField("date")
    facilitator = models.CharField("animation", max_length=150, blank=True)
    attendees = models.ManyToManyField("accounts.User", related_name="+", blank=True)
    presentations = models.ManyToManyField(CasePresentation, related_name="sessions", blank=True)
    minutes = models.TextField("compte rendu", max_length=20000, blank=True)
    lessons = models.TextField("enseignements retenus", max_length=5000, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "séance d'analyse de pratique"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["organisation", "-held_on"], name="peersession_org")]

    def __str__(self) -> str:
        return f"Séance du {self.held_on:%d/%m/%Y}"


class ReflectiveEntry(TimeStampedModel):
    """Read by its author alone, whatever their role: managers included."""

    author = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    written_on = models.DateField("date")
    text = models.TextField("texte", max_length=10000)

    class Meta:
        verbose_name = "entrée du journal de pratique"
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["author", "-written_on"], name="reflective_author")]

    def __str__(self) -> str:
        return f"Journal du {self.written_on:%d/%m/%Y}"
