"""The reminder about services not confirmed up to date for six months (the rule is
relais.network.directory.staleness): an e-mail to the managers of each organisation
concerned, once a day at most, run daily by the `nag_stale_services` command."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, Role
from relais.core import links
from relais.core.mail import queue_email
from relais.network.directory.models import Service
from relais.notifications.models import Notification


@dataclass
class NagResult:
    organisations: int = 0
    emails: int = 0
    skipped: int = 0  # already reminded today


NAG_MESSAGE = "Des services de votre structure n'ont pas été confirmés depuis plus de 6 mois."


def stale_services_nag(*, today: date | None = None) -> NagResult:
    """E-mail the managers of each organisation that has published services not confirmed
    for six months, with the list and the links. Once a day at most per manager: an in-app
    notification records each reminder (and shows it in the application too)."""
    today = today or timezone.localdate()
    day_start = timezone.make_aware(datetime.combine(today, time.min))
    stale = (
        Service.objects.searchable()
        .stale(today)
        .filter(organisation__is_external=False)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    by_organisation: dict[int, list[Service]] = {}
    for service in stale:
        by_organisation.setdefault(service.organisation_id, []).append(service)
    result = NagResult()
    for services in by_organisation.values():
        organisation = services[0].organisation
        link = links.link("organisation", organisation.pk)
        managers = (
            Membership.objects.active()
            .filter(organisation=organisation, role=Role.MANAGER)
            .select_related("user")
        )
        reminded = set(
            Notification.objects.filter(
                organisation=organisation, link=link, message=NAG_MESSAGE, created_at__gte=day_start
            ).values_list("user_id", flat=True)
        )
        sent_here = 0
        for membership in managers:
            user = membership.user
            if user.pk in reminded:
                result.skipped += 1
                continue
            lines = [
                f"- {s.name} (dernière confirmation : "
                f"{(s.confirmed_on or timezone.localdate(s.created_at)):%d/%m/%Y}) : "
                f"{links.absolute(links.link('service', s.pk))}"
                for s in services
            ]
            count = len(services)
            body = (
                "Bonjour,\n\n"
                f"{count} service{'s' if count > 1 else ''} de « {organisation.name} » "
                f"{'n’ont' if count > 1 else 'n’a'} pas été confirmé{'s' if count > 1 else ''} "
                "à jour depuis plus de 6 mois :\n\n"
                + "\n".join(lines)
                + "\n\nLes professionnels qui orientent des personnes vers vos services "
                "s'appuient sur ces fiches. Ouvrez chacune d'elles, corrigez-la si besoin, "
                "puis cliquez sur « Confirmer que ce service est à jour ».\n\n"
                f"Annuaire de votre structure : {links.absolute(link)}\n\n"
                f"— {settings.RELAIS_SITE_NAME}\n"
            )
            with transaction.atomic():
                Notification.objects.create(
                    organisation=organisation, user=user, message=NAG_MESSAGE, link=link
                )
                queue_email(
                    subject=f"[{settings.RELAIS_SITE_NAME}] {count} service{'s' if count > 1 else ''} à confirmer",
                    body=body,
                    to=[user.email],
                )
            result.emails += 1
            sent_here += 1
        if sent_here:
            result.organisations += 1
    return result
