"""The agenda: the week's appointments across persons (a professional's own, or the whole
organisation's for managers and reception), with conflicts; calendar files to download or
subscribe to.

Every appointment shown names a person: the week is journaled as one `list` entry that
covers the appointments and persons shown; a calendar file is an `export`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from relais.accounts.models import Membership, Role
from relais.core import journal
from relais.core.links import absolute
from relais.core.models import JournalAction
from relais.pathways import agenda as services
from relais.pathways.models import Appointment
from relais.people.policies import Capability, can
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person

ALL = "tous"
# Roles that plan for others (reception) or oversee the organisation (managers): they
# choose whose agenda they see. A référent sees their own.
CHOOSES_PROFESSIONAL = (Role.MANAGER, Role.STAFF)


def _week_of(value: str, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    return services.week_start(day)


def _professionals(organisation_id: int) -> list[tuple[int, str]]:
    members = (
        Membership.objects.active()
        .filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    return [(m.user_id, m.user.get_full_name() or m.user.email) for m in members]


@organisation_required
def agenda(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    if not can(membership, Capability.APPOINTMENTS):
        raise PermissionDenied
    today = timezone.localdate()
    start = _week_of(request.GET.get("semaine", ""), today)
    chooses = membership.role in CHOOSES_PROFESSIONAL
    professionals: list[tuple[int, str]] = []
    selected = str(request.user.pk)
    with_user_id: int | None = request.user.pk
    if chooses:
        professionals = _professionals(membership.organisation_id)
        known = {str(pk) for pk, _ in professionals}
        wanted = request.GET.get("professionnel", "")
        if wanted in known:
            selected, with_user_id = wanted, int(wanted)
        else:
            # Reception plans for everyone; a manager not in the list sees everyone too.
            default_own = membership.role == Role.MANAGER and str(request.user.pk) in known
            if wanted == ALL or not default_own:
                selected, with_user_id = ALL, None
    week = services.agenda_week(
        organisation_id=membership.organisation_id,
        start=start,
        with_user_id=with_user_id,
        today=today,
    )
    if week.read:
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="pathways.appointment",
            organisation=membership.organisation_id,
            summary=f"agenda : semaine du {start:%d/%m/%Y}, {len(week.appointments)} rendez-vous",
            also_covers=[*week.read, *(a.person for a in week.read)],
        )

    def week_url(day: dt.date) -> str:
        query = {"semaine": day.isoformat()}
        if chooses:
            query["professionnel"] = selected
        return f"{reverse('agenda:week')}?{urlencode(query)}"

    return render(
        request,
        "agenda/week.html",
        {
            "week": week,
            "today": today,
            "chooses": chooses,
            "professionals": professionals,
            "selected": selected,
            "all_value": ALL,
            "previous_url": week_url(start - dt.timedelta(days=7)),
            "next_url": week_url(start + dt.timedelta(days=7)),
            "this_week_url": week_url(today),
            "is_this_week": start == services.week_start(today),
        },
    )


@require_GET
@organisation_required
def appointment_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One appointment as a calendar file, for whoever may see the person's appointments."""
    person_id = (
        Appointment.objects.filter(pk=pk, person__organisation_id=request.organisation.pk)
        .values_list("person_id", flat=True)
        .first()
    )
    if person_id is None:
        raise Http404
    person = get_person(request, person_id, Capability.APPOINTMENTS)
    appointment = Appointment.objects.select_related("person", "with_user").get(pk=pk)
    journal.record_request(
        request,
        JournalAction.EXPORT,
        appointment,
        summary="rendez-vous exporté (fichier agenda)",
        also_covers=[person, appointment.person],
    )
    start = timezone.localtime(appointment.starts_at)
    response = HttpResponse(services.appointment_ics(appointment), content_type="text/calendar")
    response["Content-Disposition"] = (
        f'attachment; filename="rendez-vous-{start:%Y-%m-%d-%Hh%M}.ics"'
    )
    response["Cache-Control"] = "no-store"
    return response


@organisation_required
def subscription(request: HttpRequest) -> HttpResponse:
    """The professional's subscription link: made (shown once), replaced or stopped."""
    if not can(request.membership, Capability.APPOINTMENTS):
        raise PermissionDenied
    url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _feed, raw = services.calendar_feed_create(
                user=request.user, organisation=request.organisation
            )
            url = absolute(reverse("agenda:feed", args=[raw]))
            messages.success(
                request,
                "Lien d’abonnement créé. Copiez-le maintenant : il ne sera plus affiché. "
                "Tout lien précédent ne fonctionne plus.",
            )
        elif action == "revoke":
            if services.calendar_feed_revoke(user=request.user, organisation=request.organisation):
                messages.success(request, "Lien d’abonnement supprimé : il ne fonctionne plus.")
            return redirect("agenda:subscription")
        else:
            return redirect("agenda:subscription")
    feed = services.active_feed(user=request.user, organisation=request.organisation)
    return render(request, "agenda/subscription.html", {"feed": feed, "url": url})


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The subscribed calendar, read by a calendar application with the secret in the
    link (no session). An unknown, revoked or departed member's link is a 404."""
    subscription = services.feed_for_token(token)
    if subscription is None:
        raise Http404
    body, rows = services.feed_ics(subscription)
    journal.record(
        actor=subscription.user,
        action=JournalAction.EXPORT,
        target_type="pathways.appointment",
        organisation=subscription.organisation_id,
        actor_organisation=subscription.organisation,
        summary=f"abonnement d’agenda lu : {len(rows)} rendez-vous",
        ip=journal.client_ip(request),
        path=reverse("agenda:feed", args=["…"]),
        also_covers=[*rows, *(a.person for a in rows)],
    )
    services.feed_mark_used(subscription)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="relais-agenda.ics"'
    response["Cache-Control"] = "no-store"
    return response
