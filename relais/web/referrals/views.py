"""Referral pages: sending from the person page or a search result (with the consent recorded
on the spot when missing), the inbox of the receiving organisation and the sender's list,
the referral page for both sides with their answers, the prescription sheet of a partner
"hors plateforme", attachments and notifications.

Views stay thin: find the referral among those of the user's organisation (404 + denied
journal otherwise), call a service, journal, redirect or render. The receiving side reads
only what the referral shared, while the person's consent stands; each of its reads is
journaled with the receiving organisation as actor and the sender as owner."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.network.directory.models import Service, ServiceThematique
from relais.network.referrals import documents as referral_documents
from relais.network.referrals import models as referral_models
from relais.network.referrals import policies as referral_policies
from relais.network.referrals import redundancy, workflow
from relais.network.referrals import selectors as referral_selectors
from relais.network.referrals import services as referrals
from relais.network.referrals.models import Referral, ReferralStatus, ReferralTransition
from relais.network.referrals.policies import (
    Side,
    can_use_referrals,
    sharing_scope,
    side_of,
)
from relais.notifications import services as notification_services
from relais.notifications.models import Notification
from relais.pathways.models import Pathway
from relais.people import services as people_services
from relais.people.access import record_denied
from relais.people.models import ConsentPurpose, Person
from relais.people.policies import Capability
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.referrals import forms as rf

PAGE_SIZE = 20
PICKER_RESULTS = 20

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


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _require_referrals(request: HttpRequest) -> None:
    if not can_use_referrals(request.membership):
        raise PermissionDenied


# --- Finding a referral --------------------------------------------------------------------------


def _referral_for(request: HttpRequest, pk: int) -> tuple[Referral, Side]:
    """The referral if the user's organisation is one of its two sides and their role
    accompanies; a 404 (existence hidden) or 403 otherwise, journaled as denied."""
    referral = referral_selectors.referral_for_organisation(request.organisation.pk, pk)
    side = side_of(request.membership, referral) if referral is not None else None
    if referral is None or side is None:
        owner = (
            (referral.person_id, referral.sender_organisation_id)
            if referral is not None
            else referral_selectors.referral_owner(pk)
        )
        record_denied(
            request,
            target_type="network.referral",
            target_id=pk,
            person_id=owner[0] if owner else None,
            organisation_id=owner[1] if owner else None,
            reason="orientation hors de portée" if referral is None else "rôle sans accès",
        )
        if referral is None:
            raise Http404
        raise PermissionDenied
    return referral, side


def _sender_person(request: HttpRequest, referral: Referral) -> Person:
    """The sender reads the person through the usual door (visibility + capability)."""
    person = get_person(request, referral.person_id, Capability.ACCOMPANIMENT)
    referral.person = person
    return person


# --- Inbox -------------------------------------------------------------------------------------


@organisation_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    _require_referrals(request)
    organisation = request.organisation
    tab = request.GET.get("onglet", "")
    if tab not in TABS:
        # An organisation that only sends (no referral received yet) lands on its sent list.
        received = Referral.objects.filter(receiver_organisation=organisation).exists()
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
            "url": f"{reverse('referrals:inbox')}?onglet={key}",
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
            "unread": Notification.objects.seen_by(organisation, request.user).unread().count(),
        },
    )


# --- Detail --------------------------------------------------------------------------------------


FORMS = {
    "accepter": rf.AcceptForm,
    "refuser": rf.RefuseForm,
    "demarrer": rf.StartForm,
    "terminer": rf.CompleteForm,
    "annuler": rf.CancelForm,
    "reponse": rf.AnswerByHandForm,
    "rendez-vous": rf.FirstAppointmentForm,
}


def _side_forms(referral: Referral, side: Side) -> set[str]:
    """The answers a side may ever give on this referral, whatever its status."""
    if referral.receiver_organisation.is_external:
        return {"annuler", "reponse", "rendez-vous"} if side == Side.SENDER else set()
    if side == Side.SENDER:
        return {"annuler"}
    return {"accepter", "refuser", "demarrer", "terminer", "rendez-vous"}


def _available_forms(referral: Referral, side: Side) -> list[str]:
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


def _render_detail(
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
        person = _sender_person(request, referral)
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
    for name in _available_forms(referral, side):
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
            "thematiques": thematique_labels(referral.service.thematiques),
        },
        status=status,
    )


def thematique_labels(codes: list[str], limit: int = 6) -> list[str]:
    """Labels of a service's thématiques: the precise ones, and the categories given alone."""
    codes = list(codes or [])
    precise = [c for c in codes if "--" in c]
    alone = [c for c in codes if "--" not in c and not any(p.startswith(f"{c}--") for p in precise)]
    return [redundancy.thematique_label(c) for c in [*alone, *precise]][:limit]


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
    referral, side = _referral_for(request, pk)
    if side == Side.RECEIVER and referral.status == ReferralStatus.SENT:
        referral = referrals.referral_mark_seen(
            referral=referral,
            actor=request.user,
            organisation=request.organisation,
        )
    return _render_detail(request, referral, side)


# --- Answers -------------------------------------------------------------------------------------


def _answer(request: HttpRequest, pk: int, name: str, perform, success: str) -> HttpResponse:
    referral, side = _referral_for(request, pk)
    if name not in _side_forms(referral, side):
        journal.record_request(
            request,
            JournalAction.DENIED,
            target_type="network.referral",
            target_id=referral.pk,
            person_id=referral.person_id,
            organisation=referral.sender_organisation_id,
            summary=f"action « {name} » réservée à l'autre structure",
        )
        raise PermissionDenied
    if name not in _available_forms(referral, side):
        # The page was stale: someone answered meanwhile.
        message = workflow.conflict_message(referral)
        journal.record_request(request, JournalAction.VIEW, referral, summary="réponse refusée")
        messages.error(request, message)
        return redirect("referrals:detail", pk=referral.pk)
    form = FORMS[name](request.POST, prefix=name)
    if form.is_valid():
        data = form.cleaned_data
        try:
            updated = perform(referral, data)
        except workflow.ReferralConflict as conflict:
            journal.record_request(request, JournalAction.VIEW, referral, summary="réponse refusée")
            messages.error(request, conflict.message)
            return redirect("referrals:detail", pk=referral.pk)
        except DomainError as error:
            apply_domain_error(
                form, error, {"comment": "comment", "refusal_comment": "refusal_comment"}
            )
        else:
            member = getattr(updated, "team_member", None)
            journal.record_request(request, JournalAction.UPDATE, updated, summary=success)
            if member is not None:
                journal.record_request(
                    request,
                    JournalAction.CREATE,
                    member,
                    organisation=updated.sender_organisation_id,
                    person_id=updated.person_id,
                    summary="membre de l'équipe de coordination (orientation acceptée)",
                )
                success += " Vous avez rejoint l'équipe de coordination de la personne."
            messages.success(request, success)
            return redirect("referrals:detail", pk=updated.pk)
    return _render_detail(request, referral, side, bound={name: form}, status=400)


def _actor(request: HttpRequest) -> dict:
    return {
        "actor": request.user,
        "organisation": request.organisation,
    }


@organisation_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "accepter",
        lambda referral, data: referrals.referral_accept(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            first_appointment_on=data["first_appointment_on"],
            comment=data["comment"],
            join_team=data["join_team"],
        ),
        "Orientation acceptée : l'émetteur en est informé.",
    )


@organisation_required
@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "refuser",
        lambda referral, data: referrals.referral_refuse(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            refusal_reason=data["refusal_reason"],
            comment=data["refusal_comment"],
        ),
        "Orientation refusée : l'émetteur en est informé.",
    )


@organisation_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "demarrer",
        lambda referral, data: referrals.referral_start(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            first_appointment_on=data["first_appointment_on"],
            comment=data["comment"],
        ),
        "Accompagnement démarré : l'émetteur en est informé.",
    )


@organisation_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "terminer",
        lambda referral, data: referrals.referral_complete(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            outcome=data["outcome"],
        ),
        "Orientation terminée : le résultat est transmis à l'émetteur.",
    )


@organisation_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "annuler",
        lambda referral, data: referrals.referral_cancel(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            comment=data["comment"],
        ),
        "Orientation annulée : la structure destinataire en est informée.",
    )


@organisation_required
@require_POST
def record_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "reponse",
        lambda referral, data: referrals.referral_record_answer(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            decision=data["decision"],
            refusal_reason=data["refusal_reason"],
            comment=data["comment"],
            first_appointment_on=data["first_appointment_on"],
            outcome=data["outcome"],
        ),
        "Réponse du partenaire enregistrée.",
    )


@organisation_required
@require_POST
def first_appointment(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "rendez-vous",
        lambda referral, data: referrals.referral_set_first_appointment(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            first_appointment_on=data["first_appointment_on"],
        ),
        "Date du premier rendez-vous enregistrée.",
    )


# --- Prescription sheet and attachments ----------------------------------------------------------


@organisation_required
@require_GET
def prescription_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable prescription sheet for a partner "hors plateforme" (sender side)."""
    referral, side = _referral_for(request, pk)
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
    person = _sender_person(request, referral)
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
    referral, side = _referral_for(request, pk)
    if side == Side.SENDER:
        _sender_person(request, referral)
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


# --- Sending -------------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def _create_url(person_pk: int | None = None, service_pk: int | None = None) -> str:
    params = []
    if service_pk:
        params.append(f"service={service_pk}")
    if person_pk:
        params.append(f"personne={person_pk}")
    return reverse("referrals:create") + ("?" + "&".join(params) if params else "")


def _pick_person(request: HttpRequest, service: Service | None) -> HttpResponse:
    form = rf.PersonSearchForm(request.GET or None)
    results: list[Person] = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
    if query:
        results = list(
            # The organisation's own persons (not the co-followed ones).
            Person.objects.own_of(request.membership)
            .filter(archived_at__isnull=True)
            .search(query, organisation_id=request.organisation.pk)
            .order_by("birth_name", "first_names", "pk")[:PICKER_RESULTS]
        )
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="people.person",
            organisation=request.organisation,
            summary=f"orientation : recherche de personne, {len(results)} résultat(s)",
            also_covers=results,
        )
    return render(
        request,
        "network/referrals/pick_person.html",
        {
            "form": form,
            "service": service,
            "query": query,
            "results": [
                {"person": p, "url": _create_url(p.pk, service.pk if service else None)}
                for p in results
            ],
        },
    )


def _services_found(request: HttpRequest, form: rf.ServiceSearchForm) -> list[Service]:
    if not form.is_valid():
        return []
    query = form.cleaned_data["q"].strip()
    thematique = form.cleaned_data["thematique"]
    if not query and not thematique:
        return []
    services = (
        Service.objects.filter(is_published=True, organisation__is_active=True)
        .exclude(organisation=request.organisation)
        .select_related("organisation")
    )
    if query:
        services = services.filter(
            Q(name__icontains=query) | Q(organisation__name__icontains=query)
        )
    if thematique:
        services = services.filter(
            pk__in=ServiceThematique.objects.filter(thematique=thematique).values("service_id")
        )
    return list(services.order_by("name", "pk")[:PICKER_RESULTS])


def _pathway_domains(person: Person) -> list[tuple[str, str]]:
    latest = (
        Diagnostic.objects.filter(person=person)
        .order_by("-assessed_on", "-id")
        .values_list("id", flat=True)
        .first()
    )
    if latest is None:
        return []
    assessed = list(
        DomainAssessment.objects.filter(diagnostic_id=latest)
        .order_by("domain")
        .values_list("domain", "difficulty")
    )
    return rf.domain_choices(assessed)


@organisation_required
def create(request: HttpRequest) -> HttpResponse:
    _require_referrals(request)
    source = request.POST if request.method == "POST" else request.GET
    person_pk = _int(request.GET.get("personne") or source.get("personne"))
    service_pk = _int(request.GET.get("service") or source.get("service"))
    service = (
        Service.objects.select_related("organisation").filter(pk=service_pk).first()
        if service_pk
        else None
    )
    if person_pk is None:
        return _pick_person(request, service)
    person = get_person(request, person_pk, Capability.ACCOMPANIMENT)
    context: dict = {"person": person, "service": service, "unavailable": ""}
    if service is None:
        search = rf.ServiceSearchForm(
            request.GET if "q" in request.GET or "thematique" in request.GET else None
        )
        found = _services_found(request, search)
        journal.record_request(
            request, JournalAction.VIEW, person, summary="orientation : choix du service"
        )
        return render(
            request,
            "network/referrals/pick_service.html",
            {
                **context,
                "search": search,
                "searched": search.is_bound,
                "results": [
                    {
                        "service": s,
                        "url": _create_url(person.pk, s.pk),
                        "thematiques": thematique_labels(s.thematiques, 3),
                    }
                    for s in found
                ],
                "unknown_service": bool(service_pk),
            },
        )
    try:
        referral_policies.service_check(service, sender_organisation_id=person.organisation_id)
    except DomainError as error:
        journal.record_request(
            request, JournalAction.VIEW, person, summary="orientation : service indisponible"
        )
        return render(
            request,
            "network/referrals/pick_service.html",
            {
                **context,
                "search": rf.ServiceSearchForm(),
                "searched": False,
                "results": [],
                "unknown_service": False,
                "unavailable": error.message,
            },
            status=400 if request.method == "POST" else 200,
        )
    return _send_page(request, person, service)


def _send_page(request: HttpRequest, person: Person, service: Service) -> HttpResponse:
    """Prepare and send a referral. A POST goes straight to the service, which checks every
    rule once (consent, pathway, similar actions to confirm…); what the page shows is read
    only to show it (a GET, or a POST refused)."""
    action = request.POST.get("action") if request.method == "POST" else None
    form = rf.ReferralForm(request.POST if action in ("send", "consent") else None, person=person)
    consent_form = rf.ConsentOnTheSpotForm(
        request.POST if action == "consent" else None,
        request.FILES if action == "consent" else None,
        prefix="consent",
        person=person,
        organisation=service.organisation,
        initial={"decided_on": timezone.localdate()},
    )
    if action == "send":
        return _send(request, person, service, form, consent_form)
    if action == "consent":
        return _consent_on_the_spot(request, person, service, form, consent_form)
    return _render_send_page(request, person, service, form, consent_form)


def _send(request, person, service, form, consent_form) -> HttpResponse:
    consent_refused = False
    if form.is_valid():
        d = form.cleaned_data
        try:
            referral = referrals.referral_send(
                person=person,
                service=service,
                actor=request.user,
                membership=request.membership,
                pathway=d["pathway"],
                reason=d["reason"],
                request=d["request"],
                availability=d["availability"],
                contact_preference=d["contact_preference"],
                shared_categories=d["shared_categories"],
                shared_domains=d["shared_domains"],
                attachments=list(d["attachments"]),
                health_consent_confirmed=d["health_consent_confirmed"],
                confirmed_redundancy=d["redundancy_key"] if d["confirm_redundancy"] else None,
            )
        except redundancy.RedundancyToConfirm:
            form.add_error(
                "confirm_redundancy",
                "Des actions similaires sont en cours pour cette personne : vérifiez-les, puis "
                "cochez cette case pour confirmer l'orientation.",
            )
        except DomainError as error:
            if error.field == "consent":
                consent_refused = True
                form.add_error(None, error.message)
            else:
                apply_domain_error(form, error)
        else:
            journal.record_request(request, JournalAction.CREATE, referral, also_covers=[person])
            receiver = service.organisation
            messages.success(
                request,
                f"Orientation envoyée à {receiver.name}."
                + (
                    " Imprimez la fiche de prescription pour ce partenaire hors plateforme."
                    if receiver.is_external
                    else " Vous serez prévenu·e de sa réponse."
                ),
            )
            return redirect("referrals:detail", pk=referral.pk)
    return _render_send_page(
        request, person, service, form, consent_form, status=400, consent_refused=consent_refused
    )


def _consent_on_the_spot(request, person, service, form, consent_form) -> HttpResponse:
    receiver = service.organisation
    if not consent_form.is_valid():
        return _render_send_page(request, person, service, form, consent_form, status=400)
    c = consent_form.cleaned_data
    named = c["scope"] == "organisation"
    try:
        consent = people_services.consent_give(
            person=person,
            actor=request.user,
            purpose=(ConsentPurpose.SHARE_ORGANISATION if named else ConsentPurpose.SHARE_CATEGORY),
            partner_organisation=receiver if named else None,
            partner_category="" if named else receiver.kind,
            decided_on=c["decided_on"],
            method=c["method"],
            witness_name=c["witness_name"],
            document=c["document"],
            signed_file=c["signed_file"],
        )
    except DomainError as error:
        apply_domain_error(consent_form, error, {"file": "signed_file"})
        return _render_send_page(request, person, service, form, consent_form, status=400)
    journal.record_request(
        request,
        JournalAction.CREATE,
        consent,
        summary="consentement recueilli depuis une orientation",
        also_covers=[person],
    )
    messages.success(
        request,
        f"Consentement enregistré : le partage avec {receiver.name} est couvert. "
        "Vérifiez l'orientation, puis envoyez-la.",
    )
    consent_form = rf.ConsentOnTheSpotForm(
        prefix="consent",
        person=person,
        organisation=receiver,
        initial={"decided_on": timezone.localdate()},
    )
    return _render_send_page(request, person, service, form, consent_form)


def _render_send_page(
    request, person, service, form, consent_form, *, status=200, consent_refused=False
) -> HttpResponse:
    receiver = service.organisation
    pathways = list(Pathway.objects.active().filter(person=person).order_by("-started_on", "-id"))
    domains = _pathway_domains(person)
    form.show_choices(pathways=pathways, domains=domains)
    scope = sharing_scope(person, receiver)
    found = redundancy.redundant_with(
        person, thematiques=service.thematiques, organisation=receiver
    )
    key = redundancy.fingerprint(found)
    journal.record_request(request, JournalAction.VIEW, person, summary="orientation : préparation")
    form.fields["redundancy_key"].initial = key
    if form.is_bound:
        data = form.data.copy()
        data["redundancy_key"] = key
        form.data = data
    return render(
        request,
        "network/referrals/create.html",
        {
            "person": person,
            "service": service,
            "receiver": receiver,
            "form": form,
            "consent_form": consent_form,
            "consent_needed": not scope.covered,
            "consent_refused": consent_refused,
            "health_allowed": scope.health_allowed,
            "scope_by_category": scope.by_category and not scope.named,
            "pathways": pathways,
            "has_diagnostic": bool(domains),
            "redundancies": found,
            "thematiques": thematique_labels(service.thematiques),
            "cancel_url": reverse("people:detail", args=[person.pk]) + "#orientations",
        },
        status=status,
    )


# --- Notifications -------------------------------------------------------------------------------


@organisation_required
def notification_list(request: HttpRequest) -> HttpResponse:
    _require_referrals(request)
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
