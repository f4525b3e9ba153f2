"""Sending a referral: choosing the person and the service, the consent recorded on the
spot when missing, and the send page (the service checks every rule, once)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.network.directory import thematiques
from relais.network.directory.models import Service, ServiceThematique
from relais.network.referrals import policies as referral_policies
from relais.network.referrals import redundancy
from relais.network.referrals import services as referrals
from relais.network.referrals.policies import (
    sharing_scope,
)
from relais.pathways.models import Goal, GoalStatus, Pathway, Step
from relais.people import services as people_services
from relais.people.models import ConsentPurpose, Person
from relais.people.policies import Capability
from relais.web import writing
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.referrals import forms as rf
from relais.web.referrals.access import (
    require_referrals,
)
from relais.web.submissions import once_per_submission

PICKER_RESULTS = 20


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def _create_url(
    person_pk: int | None = None, service_pk: int | None = None, step_pk: int | None = None
) -> str:
    params = []
    if service_pk:
        params.append(f"service={service_pk}")
    if person_pk:
        params.append(f"personne={person_pk}")
    if step_pk:
        params.append(f"etape={step_pk}")
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
        Service.objects.searchable()
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
@once_per_submission
def create(request: HttpRequest) -> HttpResponse:
    require_referrals(request)
    source = request.POST if request.method == "POST" else request.GET
    person_pk = _int(request.GET.get("personne") or source.get("personne"))
    service_pk = _int(request.GET.get("service") or source.get("service"))
    step_pk = _int(request.GET.get("etape") or source.get("etape") or source.get("step"))
    service = (
        Service.objects.select_related("organisation").filter(pk=service_pk).first()
        if service_pk
        else None
    )
    if person_pk is None:
        return _pick_person(request, service)
    person = get_person(request, person_pk, Capability.ACCOMPANIMENT)
    context: dict = {"person": person, "service": service, "unavailable": "", "step_pk": step_pk}
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
                        "url": _create_url(person.pk, s.pk, step_pk),
                        "thematiques": thematiques.labels(s.thematiques, limit=3),
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
    return _send_page(request, person, service, step_pk)


def _send_page(
    request: HttpRequest, person: Person, service: Service, step_pk: int | None = None
) -> HttpResponse:
    """Prepare and send a referral. A POST goes straight to the service, which checks every
    rule once (consent, pathway, similar actions to confirm…); what the page shows is read
    only to show it (a GET, or a POST refused)."""
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and request.POST.get(writing.ANYWAY_BUTTON) == "1":
        action = "send"  # « Enregistrer quand même » of the writing check
    form = rf.ReferralForm(request.POST if action in ("send", "consent") else None, person=person)
    consent_form = rf.ConsentOnTheSpotForm(
        request.POST if action == "consent" else None,
        request.FILES if action == "consent" else None,
        prefix="consent",
        person=person,
        organisation=service.organisation,
        initial={"decided_on": timezone.localdate()},
    )
    step = (
        Step.objects.filter(pk=step_pk, pathway__person=person, pathway__status="active").first()
        if step_pk
        else None
    )
    form.planned_step = step
    if action == "send":
        return _send(request, person, service, form, consent_form)
    if action == "consent":
        return _consent_on_the_spot(request, person, service, form, consent_form)
    return _render_send_page(request, person, service, form, consent_form)


def _send(request, person, service, form, consent_form) -> HttpResponse:
    consent_refused = False
    review = None
    if form.is_valid():
        d = form.cleaned_data
        # The reason and the request are read by the partner: the writing check first.
        review = writing.review(
            {"Motif de l'orientation": d["reason"], "Ce qui est demandé": d["asked_for"]},
            request.POST,
            confirm_label="Envoyer quand même",
        )
    if review is not None and review.accepted:
        try:
            referral = referrals.referral_send(
                person=person,
                service=service,
                actor=request.user,
                membership=request.membership,
                pathway=d["pathway"],
                goal=d["goal"],
                step=d["step"],
                reason=d["reason"],
                asked_for=d["asked_for"],
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
        request,
        person,
        service,
        form,
        consent_form,
        status=200 if review is not None and review.shown else 400,
        consent_refused=consent_refused,
        review=review,
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
    request, person, service, form, consent_form, *, status=200, consent_refused=False, review=None
) -> HttpResponse:
    receiver = service.organisation
    pathways = list(Pathway.objects.active().filter(person=person).order_by("-started_on", "-id"))
    goals = list(
        Goal.objects.filter(pathway__in=pathways, status=GoalStatus.IN_PROGRESS)
        .select_related("pathway")
        .order_by("pathway__started_on", "deadline", "pk")
    )
    domains = _pathway_domains(person)
    step = getattr(form, "planned_step", None)
    form.show_choices(pathways=pathways, domains=domains, goals=goals, step=step)
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
            "planned_step": step,
            "has_diagnostic": bool(domains),
            "redundancies": found,
            "thematiques": thematiques.labels(service.thematiques, limit=6),
            "cancel_url": reverse("people:detail", args=[person.pk]) + "#orientations",
            "writing": review,
        },
        status=status,
    )
