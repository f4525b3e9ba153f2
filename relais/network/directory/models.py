"""Directory wing: partner services in the data·inclusion schema and their index rows."""

from __future__ import annotations

from datetime import date

from django.db import models

from relais.core.models import TimeStampedModel, VersionedModel
from relais.network.directory.staleness import stale_q


class ServiceQuerySet(models.QuerySet):
    """The filters on services that pages, searches and reminders share."""

    def published(self) -> ServiceQuerySet:
        """Shown in the directory, the search and the public data (an unpublished service
        is seen by those who may edit it only)."""
        return self.filter(is_published=True)

    def searchable(self) -> ServiceQuerySet:
        """Published services of active organisations: what the search finds and what a
        professional may choose to refer a person to."""
        return self.filter(is_published=True, organisation__is_active=True)

    def stale(self, today: date | None = None) -> ServiceQuerySet:
        """Not confirmed up to date for six months (relais.network.directory.staleness)."""
        return self.filter(stale_q(today))


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

    objects = ServiceQuerySet.as_manager()

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
    coordinates is placed by them). Kept in sync by relais.network.directory.indexing."""

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
