"""The record's lifecycle pages: archive and unarchive a record, the organisation's
retention page (policy, records due, archived records, open requests), postponing an
erasure, and the person's erasure and rectification requests."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.people.models import Person
from relais.people.policies import Capability
from relais.records import archive, retention, rights
from relais.records.models import RequestStatus, RightsRequest
from relais.records.policies import (
    can_archive,
    can_manage_lifecycle,
    can_record_request,
    can_unarchive,
)
from relais.web.forms_helpers import apply_domain_error
from relais.web.lifecycle.forms import (
    CloseForm,
    ExtendForm,
    HoldForm,
    RetentionPolicyForm,
    RightsRequestForm,
)
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission

SECTION = "conservation"
LIST_LIMIT = 200


def _back(person: Person) -> str:
    return reverse("people:detail", args=[person.pk]) + f"#{SECTION}"


def _manager_only(request: HttpRequest) -> None:
    if not can_manage_lifecycle(request.membership, request.organisation.pk):
        raise PermissionDenied


# --- Archive ---------------------------------------------------------------------------------


@organisation_required
@require_POST
def person_archive(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.VIEW)
    if not can_archive(request.membership, person):
        journal.record_request(request, JournalAction.DENIED, person, summary="archivage")
        raise PermissionDenied
    try:
        archive.person_archive(person=person, actor=request.user)
    except DomainError as error:
        journal.record_request(request, JournalAction.VIEW, person)
        messages.error(request, error.message)
    else:  # journaled by the service
        messages.success(
            request,
            "Le dossier est archivé : il n'apparaît plus dans les listes et ne peut plus être "
            "modifié.",
        )
    return redirect(_back(person))


@organisation_required
@require_POST
def person_unarchive(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.VIEW)
    if not can_unarchive(request.membership, person):
        journal.record_request(request, JournalAction.DENIED, person, summary="désarchivage")
        raise PermissionDenied
    try:
        archive.person_unarchive(person=person, actor=request.user)
    except DomainError as error:
        journal.record_request(request, JournalAction.VIEW, person)
        messages.error(request, error.message)
    else:
        messages.success(request, "Le dossier est désarchivé : il peut de nouveau être modifié.")
    return redirect(_back(person))


# --- Postponing an erasure -------------------------------------------------------------------


@organisation_required
def hold_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.VIEW)
    if not can_manage_lifecycle(request.membership, person.organisation_id):
        journal.record_request(request, JournalAction.DENIED, person, summary="report d'effacement")
        raise PermissionDenied
    form = HoldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.retention_hold_add(
                person=person,
                actor=request.user,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                f"L'effacement est reporté jusqu'au {form.cleaned_data['until']:%d/%m/%Y}.",
            )
            return redirect(_back(person))
    journal.record_request(request, JournalAction.VIEW, person)
    return render(request, "lifecycle/hold_form.html", {"form": form, "person": person})


# --- Rights requests -------------------------------------------------------------------------


@organisation_required
@once_per_submission
def request_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.VIEW)
    if not can_record_request(request.membership, person):
        journal.record_request(request, JournalAction.DENIED, person, summary="demande RGPD")
        raise PermissionDenied
    form = RightsRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = rights.rights_request_record(
                person=person, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal.record_request(
                request,
                JournalAction.CREATE,
                created,
                also_covers=[person],
                summary=f"demande enregistrée : {created.get_kind_display()}",
            )
            messages.success(
                request,
                f"La demande est enregistrée : à traiter avant le {created.due_on:%d/%m/%Y}.",
            )
            return redirect(_back(person))
    journal.record_request(request, JournalAction.VIEW, person)
    return render(request, "lifecycle/request_form.html", {"form": form, "person": person})


def _request_of(request: HttpRequest, pk: int) -> RightsRequest:
    """A request of the user's organisation, for its managers (another one: 404)."""
    found = (
        RightsRequest.objects.filter(pk=pk, organisation_id=request.organisation.pk)
        .select_related("person", "recorded_by", "closed_by")
        .first()
    )
    if found is None:
        journal.record_request(
            request,
            JournalAction.DENIED,
            target_type="records.rightsrequest",
            target_id=pk,
            summary="demande hors de portée",
        )
        raise Http404
    if not can_manage_lifecycle(request.membership, found.organisation_id):
        journal.record_request(request, JournalAction.DENIED, found, summary="droit manquant")
        raise PermissionDenied
    return found


@organisation_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request_of(request, pk)
    extend_form = ExtendForm(prefix="prolonger")
    close_form = CloseForm(prefix="clore")
    covers = [found.person] if found.person else []
    if request.method == "POST":
        # The decision itself is journaled by the service (also when a record is erased).
        journal.record_request(request, JournalAction.VIEW, found, also_covers=covers)
        action = request.POST.get("action")
        try:
            if action == "prolonger":
                extend_form = ExtendForm(request.POST, prefix="prolonger")
                if extend_form.is_valid():
                    rights.rights_request_extend(
                        request=found, actor=request.user, reason=extend_form.cleaned_data["reason"]
                    )
                    messages.success(request, "Le délai de réponse est prolongé de deux mois.")
                    return redirect("lifecycle:request", pk=found.pk)
            elif action == "clore":
                close_form = CloseForm(request.POST, prefix="clore")
                if close_form.is_valid():
                    person_id = found.person_id
                    closed = rights.rights_request_close(
                        request=found, actor=request.user, **close_form.cleaned_data
                    )
                    if closed.erased_record_id:
                        messages.success(
                            request,
                            f"La demande est close et le dossier n° {person_id} est effacé.",
                        )
                        return redirect("lifecycle:overview")
                    messages.success(request, "La demande est close.")
                    return redirect("lifecycle:request", pk=found.pk)
        except DomainError as error:
            target = extend_form if action == "prolonger" else close_form
            apply_domain_error(target, error)
        found.refresh_from_db()
    else:
        journal.record_request(request, JournalAction.VIEW, found, also_covers=covers)
    return render(
        request,
        "lifecycle/request_detail.html",
        {
            "found": found,
            "overdue": rights.is_overdue(found),
            "is_open": found.status == RequestStatus.OPEN,
            "extend_form": extend_form,
            "close_form": close_form,
        },
    )


# --- The organisation's retention page -------------------------------------------------------


@organisation_required
def overview(request: HttpRequest) -> HttpResponse:
    _manager_only(request)
    organisation = request.organisation
    policy = retention.policy_of(organisation)
    form = RetentionPolicyForm(
        request.POST or None,
        initial={
            "months": policy.months_after_last_activity,
            "document_months": policy.document_months_after_expiry,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            retention.retention_policy_update(
                organisation=organisation,
                actor=request.user,
                months=form.cleaned_data["months"],
                document_months=form.cleaned_data["document_months"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, "La politique de conservation est enregistrée.")
            return redirect("lifecycle:overview")
    today = timezone.localdate()
    due = retention.due_records(organisation, today=today)[:LIST_LIMIT]
    persons = Person.objects.in_bulk([d.person_id for d in due])
    due_rows = [(d, persons[d.person_id]) for d in due if d.person_id in persons]
    archived = list(
        Person.objects.own_of(request.membership)
        .filter(archived_at__isnull=False)
        .order_by("-archived_at", "pk")[:LIST_LIMIT]
    )
    requests = list(rights.open_requests(organisation.pk)[:LIST_LIMIT])
    shown = [p for _, p in due_rows] + archived + [r.person for r in requests if r.person]
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="people.person",
        organisation=organisation,
        summary=f"conservation : {len(due_rows)} à effacer, {len(archived)} archivé(s), "
        f"{len(requests)} demande(s)",
        also_covers=[*shown, *requests],
    )
    return render(
        request,
        "lifecycle/overview.html",
        {
            "form": form,
            "due_rows": due_rows,
            "archived": archived,
            "requests": [(r, rights.is_overdue(r, today=today)) for r in requests],
            "today": today,
        },
    )
