"""Base models shared by every domain app. No domain knowledge here."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from relais.core.errors import AppendOnlyError


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk updates and deletes are refused: the history must stay as it was written."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.__name__} est en ajout seul : modification interdite.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.__name__} est en ajout seul : suppression interdite.")


class AppendOnlyModel(models.Model):
    """A record that can be created, never changed nor deleted.

    The model layer refuses it here; on PostgreSQL a trigger (see the migrations of the
    concrete models) refuses it too, so even raw SQL from the application cannot rewrite
    history.
    """

    created_at = models.DateTimeField("date", default=timezone.now, editable=False, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(
                f"{type(self).__name__} est en ajout seul : modification interdite."
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} est en ajout seul : suppression interdite.")


def append_only_trigger_sql(table: str) -> tuple[str, str]:
    """SQL (forward, reverse) for a PostgreSQL trigger refusing UPDATE and DELETE on `table`.

    TRUNCATE is left alone so that test databases can still be flushed. No `%` in the SQL:
    migrations run it through a driver that reads `%` as a placeholder.
    """
    forward = f"""
        CREATE OR REPLACE FUNCTION relais_refuse_change() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION USING MESSAGE = 'table ' || TG_TABLE_NAME || ' is append-only';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {table}_append_only
            BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION relais_refuse_change();
    """
    reverse = f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
    return forward, reverse


class JournalAction(models.TextChoices):
    VIEW = "view", "consultation"
    LIST = "list", "consultation de liste"
    CREATE = "create", "création"
    UPDATE = "update", "modification"
    EXPORT = "export", "export"
    DELETE = "delete", "suppression"
    DENIED = "denied", "accès refusé"


class AccessLogQuerySet(AppendOnlyQuerySet):
    def for_organisation(self, organisation) -> "AccessLogQuerySet":
        """Entries about the organisation's records, and entries made by its members."""
        return self.filter(
            models.Q(organisation=organisation) | models.Q(actor_organisation=organisation)
        )


class AccessLogEntry(AppendOnlyModel):
    """One access to personal data: who did what to which record, when, from where.

    It names records by type and id only (never by a person's name), so that the journal
    itself does not spread personal data and survives the deletion of the record.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure détentrice",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        help_text="La structure qui détient le dossier consulté.",
    )
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name="utilisateur",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    actor_email = models.CharField("e-mail de l'utilisateur", max_length=254)
    actor_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="structure de l'utilisateur",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    action = models.CharField("action", max_length=10, choices=JournalAction.choices)
    target_type = models.CharField("type de dossier", max_length=60)
    target_id = models.CharField("identifiant", max_length=64, blank=True)
    person_id = models.BigIntegerField("dossier de personne", null=True, blank=True)
    summary = models.CharField("précision", max_length=200, blank=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    path = models.CharField("adresse consultée", max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal d'accès"
        verbose_name_plural = "journal d'accès"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-created_at"], name="journal_org_date"),
            models.Index(
                fields=["organisation", "person_id", "-created_at"], name="journal_org_person"
            ),
            models.Index(fields=["organisation", "actor", "-created_at"], name="journal_org_actor"),
            models.Index(
                fields=["actor_organisation", "-created_at"], name="journal_actor_org_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.actor_email} {self.action} {self.target_type}#{self.target_id}"


class VersionedModel(models.Model):
    """Optimistic locking for records edited by several people: every save through
    `relais.core.versioning.update_versioned` must name the version the user started from."""

    version = models.PositiveIntegerField("version", default=1, editable=False)
    updated_by = models.ForeignKey(
        "accounts.User",
        verbose_name="modifié par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class Submission(models.Model):
    """One form submission or API request that creates something, by its token: a second
    submission with the same token (a double click, a browser resending, an API client
    retrying) gets what the first created instead of a copy (relais.core.submissions)."""

    token = models.CharField(max_length=64, unique=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", null=True
    )
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.BigIntegerField(null=True)
    # Where the first submission sent the user (a form handled by `once_per_submission`): the
    # second is sent there too.
    location = models.CharField(max_length=500, blank=True)
    # The status an API create answered (`relais.api.idempotency`); its record is target_id.
    status = models.PositiveSmallIntegerField(null=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "soumission"

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id}"
