"""Professional threads (`003` « communiquer … à l'aide d'outils numériques »): a written
exchange about one person between the professionals of their coordination team.

Bound by the sharing rules: who reads and writes is decided at each request by
`relais.network.coordination.sharing` (Capability.TEAM: the person's organisation's
référents and managers, the active team members whose consent stands), so a withdrawn
consent or an ended membership closes the thread to that professional at once."""

from __future__ import annotations

from django.db import models

from relais.core.models import TimeStampedModel


class Thread(TimeStampedModel):
    holds_personal_data = True
    journal_parent = ("people.person", "person_id")

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    subject = models.CharField("objet", max_length=150)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    last_message_at = models.DateTimeField("dernier message")

    class Meta:
        verbose_name = "fil d'échange professionnel"
        ordering = ["-last_message_at", "-id"]
        indexes = [models.Index(fields=["person", "-last_message_at"], name="thread_person")]

    def __str__(self) -> str:
        return self.subject

    @property
    def journal_person_id(self) -> int:
        return self.person_id

    @property
    def journal_organisation_id(self) -> int:
        return self.person.organisation_id


class ThreadMessage(TimeStampedModel):
    holds_personal_data = True
    journal_parent = ("network.thread", "thread_id")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    author_organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField("message", max_length=5000)

    class Meta:
        verbose_name = "message"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"], name="threadmessage_thread")]

    def __str__(self) -> str:
        return f"Message n° {self.pk}"
