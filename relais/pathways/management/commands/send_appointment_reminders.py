"""Remind the persons of tomorrow's appointments by SMS or e-mail, as they consented to
(scheduled daily, e.g. at 10:00). Idempotent: an appointment is reminded once, whatever the
number of runs (see relais.pathways.agenda.appointment_reminders_send)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from relais.pathways.agenda import appointment_reminders_send


class Command(BaseCommand):
    help = "Envoie la veille le rappel des rendez-vous aux personnes qui l’ont accepté."

    def handle(self, *args, **options):
        report = appointment_reminders_send()
        self.stdout.write(
            f"Rappels de rendez-vous : {report.sms} SMS, {report.emails} e-mail(s) ; "
            f"{report.without_consent} rendez-vous sans accord de la personne pour être "
            "contactée."
        )
