"""Referral pages: the inbox of the receiving organisation and the sender's list, the
referral page for both sides, the prescription sheet of a partner "hors plateforme",
attachments and notifications (answers: `answers`; sending: `sending`).

Views stay thin: find the referral among those of the user's organisation (404 + denied
journal otherwise), call a service, journal, redirect or render. The receiving side reads
only what the referral shared, while the person's consent stands; each of its reads is
journaled with the receiving organisation as actor and the sender as owner."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from relais.core import journal
from relais.core.models import JournalAction
from relais.network.directory import thematiques
from relais.network.referrals import answers as referral_answers
from relais.network.referrals import documents as referral_documents
from relais.network.referrals import models as referral_models
from relais.network.referrals import selectors as referral_selectors
from relais.network.referrals import workflow
from relais.network.referrals.models import Referral, ReferralStatus, ReferralTransition
from relais.network.referrals.policies import (
    Side,
)
from relais.notifications import services as notification_services
from relais.notifications.models import Notification
from relais.notifications.selectors import unread_count
from relais.web.links import fast_reverse
from relais.web.organisations.views import organisation_required
from relais.web.referrals import forms as rf
from relais.web.referrals.access import (
    referral_for,
    require_referrals,
    sender_person,
)

PAGE_SIZE = 20

TABS = {
    "a-traiter": ("À traiter", Side.RECEIVER, (ReferralStatus.SENT, ReferralStatus.SEEN)),
    "en-cours": ("En cours", Side.RECEIVER, (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)),
    "terminees": ("Terminées", Side.RECEIVER, referral_models.CLOSED_STATUSES),
    "toutes": ("Toutes", Side.RECEIVER, None),
    "envoyees": ("Envoyées", Side.SENDER, None),
}
DEFAULT_TAB = "a-traiter"

STATUS_LEVEL = {
    ReferralStatus.SENT: "new",
    ReferralStatus.SEEN: "info",
    ReferralStatus.ACCEPTED: "success",
    ReferralStatus.IN_PROGRESS: "info",
    ReferralStatus.DONE: "success",
    ReferralStatus.REFUSED: "error",
    ReferralStatus.CANCELLED: "warning",
    ReferralStatus.EXPIRED: "warning",
}


@organisation_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    require_referrals(request)
    organisation = request.organisation
    tab = request.GET.get("onglet", "")
    if tab not in TABS:
        # An organisation that only sends (no referral received yet) lands on its sent list.
        received = referral_selectors.has_received(organisation.pk)
        tab = DEFAULT_TAB if received else "envoyees"
    label, side, statuses = TABS[tab]
    paginator = Paginator(referral_selectors.inbox(organisation.pk, side, statuses), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = referral_selectors.listed_persons(rows, side, organisation)
    loaded = [*rows, *names.values()]
    if rows:
        # One entry per organisation whose records are listed (the sender's DPO sees it).
        owners = sorted({r.sender_organisation_id for r in rows})
        for owner in owners:
            listed = [r for r in rows if r.sender_organisation_id == owner]
            journal.record_request(
                request,
                JournalAction.LIST,
                target_type="network.referral",
                organisation=owner,
                summary=f"orientations ({label.lower()}) : {len(listed)}, page {page.number}",
                also_covers=loaded,
            )
    tabs = [
        {
            "key": key,
            "label": tab_label,
            "url": f"{fast_reverse('referrals:inbox')}?onglet={key}",
            "current": key == tab,
        }
        for key, (tab_label, _side, _statuses) in TABS.items()
    ]
    return render(
        request,
        "network/referrals/inbox.html",
        {
            "tab": tab,
            "tab_label": label,
            "tabs": tabs,
            "side": str(side),
            "page": page,
            "rows": [
                {
                    "referral": r,
                    "person": names.get(r.pk),
                    "level": STATUS_LEVEL[r.status],
                    "expires_soon": r.status in referral_models.WAITING_STATUSES
                    and (r.expires_at - timezone.now()).days < 7,
                }
                for r in rows
            ],
            "unread": unread_count(organisation.pk, request.user.pk),
        },
    )


FORMS = {
    "accepter": rf.AcceptForm,
    "refuser": rf.RefuseForm,
    "demarrer": rf.StartForm,
    "terminer": rf.CompleteForm,
    "annuler": rf.CancelForm,
    "reponse": rf.AnswerByHandForm,
    "rendez-vous": rf.FirstAppointmentForm,
}


def side_forms(referral: Referral, side: Side) -> set[str]:
    """The answers a side may ever give on this referral, whatever its status."""
    if referral.receiver_organisation.is_external:
        return {"annuler", "reponse", "rendez-vous"} if side == Side.SENDER else set()
    if side == Side.SENDER:
        return {"annuler"}
    return {"accepter", "refuser", "demarrer", "terminer", "rendez-vous"}


def available_forms(referral: Referral, side: Side) -> list[str]:
    status = referral.status
    external = referral.receiver_organisation.is_external
    names = []
    if side == Side.RECEIVER and not external:
        moves = workflow.allowed_moves(status, Side.RECEIVER)
        if ReferralStatus.ACCEPTED in moves:
            names.append("accepter")
        if ReferralStatus.REFUSED in moves:
            names.append("refuser")
        if ReferralStatus.IN_PROGRESS in moves:
            names.append("demarrer")
        if ReferralStatus.DONE in moves:
            names.append("terminer")
    if side == Side.SENDER:
        if external and status in referral_models.OPEN_STATUSES:
            names.append("reponse")
        if ReferralStatus.CANCELLED in workflow.allowed_moves(status, Side.SENDER):
            names.append("annuler")
    by_hand_side = Side.SENDER if external else Side.RECEIVER
    if side == by_hand_side and status in (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS):
        names.append("rendez-vous")
    return names


def render_detail(
    request: HttpRequest,
    referral: Referral,
    side: Side,
    *,
    bound: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    person = None
    shared = None
    covers: list = []
    if side == Side.SENDER:
        person = sender_person(request, referral)
        covers.append(person)
        attachments = list(referral.attachments.all())
    else:
        shared = referral_selectors.SharedView(referral)
        covers += shared.loaded
        attachments = shared.attachments
    transitions = list(
        ReferralTransition.objects.filter(referral=referral).select_related(
            "actor", "actor_organisation"
        )
    )
    journal.record_request(
        request,
        JournalAction.VIEW,
        referral,
        summary="orientation (structure destinataire)" if side == Side.RECEIVER else "",
        also_covers=covers,
    )
    forms = {}
    initial = {"version": referral.version, "join_team": True}
    if referral.first_appointment_on:
        initial["first_appointment_on"] = referral.first_appointment_on
    for name in available_forms(referral, side):
        forms[name] = bound.get(name) or FORMS[name](prefix=name, initial=initial)
    delays = referral_selectors.delays(referral)
    return render(
        request,
        "network/referrals/detail.html",
        {
            "referral": referral,
            "page_title": f"Orientation n° {referral.pk}",
            "side": str(side),
            "is_sender": side == Side.SENDER,
            "is_receiver": side == Side.RECEIVER,
            "external": referral.receiver_organisation.is_external,
            "person": person,
            "shared": shared,
            "attachments": attachments,
            "transitions": transitions,
            "forms": forms,
            "level": STATUS_LEVEL[referral.status],
            "shared_labels": _shared_labels(referral),
            "delays": {
                "to_seen": referral_selectors.format_delay(delays.to_seen),
                "to_answer": referral_selectors.format_delay(delays.to_answer),
                "to_first_appointment": referral_selectors.format_delay(
                    delays.to_first_appointment
                ),
            },
            "thematiques": thematiques.labels(referral.service.thematiques, limit=6),
        },
        status=status,
    )


def _shared_labels(referral: Referral) -> dict:
    from relais.diagnostics.domains import Domain
    from relais.network.coordination.models import SharedCategory

    categories = dict(SharedCategory.choices)
    domains = dict(Domain.choices)
    return {
        "categories": [categories[c] for c in referral.shared_categories if c in categories],
        "domains": [domains[d] for d in referral.shared_domains if d in domains],
    }


@organisation_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral, side = referral_for(request, pk)
    if side == Side.RECEIVER and referral.status == ReferralStatus.SENT:
        referral = referral_answers.referral_mark_seen(
            referral=referral,
            actor=request.user,
            organisation=request.organisation,
        )
    elif side == Side.SENDER:
        referral_answers.referral_mark_answer_seen(
            referral=referral, organisation=request.organisation
        )
    return render_detail(request, referral, side)


@organisation_required
@require_GET
def prescription_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable prescription sheet for a partner "hors plateforme" (sender side)."""
    referral, side = referral_for(request, pk)
    if side != Side.SENDER or not referral.receiver_organisation.is_external:
        journal.record_request(
            request,
            JournalAction.DENIED,
            target_type="network.referral",
            target_id=referral.pk,
            person_id=referral.person_id,
            organisation=referral.sender_organisation_id,
            summary="fiche de prescription : réservée à l'émetteur, partenaire hors plateforme",
        )
        raise Http404
    person = sender_person(request, referral)
    pdf = referral_documents.prescription_pdf(referral, person)
    journal.record_request(
        request,
        JournalAction.EXPORT,
        referral,
        summary="fiche de prescription (PDF)",
        also_covers=[person],
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="fiche-prescription-orientation-{referral.pk}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


@organisation_required
@require_GET
def attachment(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    referral, side = referral_for(request, pk)
    if side == Side.SENDER:
        sender_person(request, referral)
        documents = list(referral.attachments.filter(pk=document_pk))
    else:
        documents = [
            d for d in referral_selectors.SharedView(referral).attachments if d.pk == document_pk
        ]
    if not documents:
        journal.record_request(
            request,
            JournalAction.DENIED,
            target_type="people.document",
            target_id=document_pk,
            person_id=referral.person_id,
            organisation=referral.sender_organisation_id,
            summary="pièce jointe non partagée",
        )
        raise Http404
    document = documents[0]
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    journal.record_request(
        request,
        JournalAction.VIEW,
        document,
        summary=f"pièce jointe de l'orientation n° {referral.pk}",
        organisation=referral.sender_organisation_id,
        person_id=referral.person_id,
        also_covers=[referral, *([referral.person] if side == Side.SENDER else [])],
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@organisation_required
def notification_list(request: HttpRequest) -> HttpResponse:
    require_referrals(request)
    if request.method == "POST":
        count = notification_services.mark_all_read(request.organisation, request.user)
        messages.success(
            request,
            "Toutes les notifications sont marquées comme lues."
            if count
            else "Aucune notification à marquer comme lue.",
        )
        return redirect("referrals:notifications")
    items = list(
        Notification.objects.seen_by(request.organisation, request.user).order_by(
            "-created_at", "-id"
        )[:100]
    )
    return render(
        request,
        "network/referrals/notifications.html",
        {"items": items, "unread": sum(1 for n in items if n.read_at is None)},
    )
