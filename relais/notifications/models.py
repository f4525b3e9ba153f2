"""In-app notices for an organisation's members (or one of them)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from relais.core.models import TimeStampedModel


class NotificationQuerySet(models.QuerySet):
    def seen_by(self, organisation, user=None) -> NotificationQuerySet:
        """The notices the members of `organisation` see (and those addressed to `user`)."""
        queryset = self.filter(organisation=organisation)
        if user is not None:
            queryset = queryset.filter(Q(user__isnull=True) | Q(user=user))
        return queryset

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


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

    objects = NotificationQuerySet.as_manager()

    class Meta:
        # The table was created by the network app, where this model was first defined.
        db_table = "network_notification"
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["organisation", "read_at", "-created_at"], name="notification_inbox"
            )
        ]

    def __str__(self) -> str:
        return self.message
