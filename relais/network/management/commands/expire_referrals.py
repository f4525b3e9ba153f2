"""Expire the referrals left without answer past their expiry date (scheduled daily).

Idempotent: a referral already expired is never touched again. Each expiry is recorded as
a transition made by the system, moves the pathway step to "abandoned" and notifies both
sides (in-app and by e-mail)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from relais.network.referrals.services import referrals_expire
from relais.network.referrals.workflow import expiry_days


class Command(BaseCommand):
    help = "Déclare expirées les orientations restées sans réponse au-delà du délai configuré."

    def handle(self, *args, **options):
        count = referrals_expire()
        if count:
            self.stdout.write(
                f"{count} orientation{'s' if count > 1 else ''} sans réponse depuis "
                f"{expiry_days()} jours déclarée{'s' if count > 1 else ''} expirée"
                f"{'s' if count > 1 else ''}."
            )
        else:
            self.stdout.write("Aucune orientation à déclarer expirée.")
