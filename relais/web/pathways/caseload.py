"""The home page: the caseload (file active) for référents and managers, a person search
for the reception staff."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from relais.accounts.models import Role
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.pathways import caseload
from relais.pathways.handover import person_reassign_referent
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.people.selectors import assignable_referents
from relais.web.links import fast_reverse
from relais.web.organisations.views import organisation_required
from relais.web.pathways.notes_forms import CaseloadFilterForm, ReassignForm

SEARCH_RESULTS = 50
# What the reception's search shows of each person (identity only), and nothing more read.
SEARCH_COLUMNS = (
    "id",
    "organisation_id",
    "birth_name",
    "usage_name",
    "first_names",
    "birth_date",
    "phone",
)


def _create_person_url() -> str:
    # The intake form belongs to the people pages; tolerate its absence in a partial build.
    try:
        return reverse("people:create")
    except NoReverseMatch:
        return ""


def _query(form: CaseloadFilterForm, **changes: str) -> str:
    """The current filters as a query string, with `changes` applied (sorting, paging)."""
    data = form.cleaned_data if form.is_valid() else {}
    params = {k: v for k, v in data.items() if v}
    params.update({k: v for k, v in changes.items() if v})
    for key in [k for k, v in changes.items() if not v]:
        params.pop(key, None)
    return urlencode(params)


def _sort_links(form: CaseloadFilterForm, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it (ascending, or descending when
    it is already the ascending sort) and the aria-sort value."""
    links = {}
    for sort in caseload.Sort:
        key = str(sort)
        if current == key:
            target, state = f"-{key}", "ascending"
        elif current == f"-{key}":
            target, state = key, "descending"
        else:
            target, state = key, "none"
        links[key] = {"url": "?" + _query(form, tri=target, page=""), "aria": state}
    return links


def caseload_page(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    is_manager = membership.role == Role.MANAGER
    referents = (
        list(assignable_referents(request.organisation).only("first_name", "last_name", "email"))
        if is_manager
        else []
    )
    form = CaseloadFilterForm(request.GET or None, referents=referents, show_referent=is_manager)
    filters = form.filters()
    today = timezone.localdate()
    persons = caseload.caseload(membership, filters, today=today, columns=False)
    page, page_persons = caseload.page_persons(persons, request.GET.get("page"))
    rows = caseload.rows(page_persons, today=today)
    for row in rows:  # cheaper here than a {% url %} tag per row
        row.url = fast_reverse("people:detail", row.person.pk)
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="people.person",
        organisation=request.organisation,
        summary=(
            f"file active{' de la structure' if is_manager else ''} : "
            f"{len(page_persons)} personne(s), page {page.number}"
        )[:200],
        also_covers=page_persons,
    )
    return render(
        request,
        "caseload/caseload.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "is_manager": is_manager,
            "sort": filters.sort,
            "sort_links": _sort_links(form, filters.sort),
            "query": _query(form, page=""),
            "has_filters": any(
                [
                    filters.referent,
                    filters.scheme,
                    filters.urgency,
                    filters.alert,
                    filters.search,
                    filters.followed,
                ]
            ),
            "create_url": _create_person_url(),
            "referent_choices": [(u.pk, u.get_full_name() or u.email) for u in referents],
            "can_reassign": can(membership, Capability.REASSIGN),
            "alert_labels": caseload.ALERT_LABELS,
            "recent_contact_months": caseload.RECENT_CONTACT_MONTHS,
            "no_contact_days": (
                caseload.NO_CONTACT_WARNING_DAYS,
                caseload.NO_CONTACT_CRITICAL_DAYS,
            ),
        },
    )


def search_page(request: HttpRequest) -> HttpResponse:
    """Reception staff: find a person by name (identity only), to greet them or book an
    appointment."""
    query = (request.GET.get("q") or "").strip()[:100]
    results: list[Person] = []
    if query:
        results = list(
            Person.objects.own_of(request.membership)
            .filter(archived_at__isnull=True)
            .search(query, organisation_id=request.organisation.pk)
            .order_by(caseload.SHOWN_NAME, "first_names", "pk")
            .only(*SEARCH_COLUMNS)[: SEARCH_RESULTS + 1]
        )
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="people.person",
            organisation=request.organisation,
            summary=f"recherche de personne : {len(results[:SEARCH_RESULTS])} résultat(s)",
            also_covers=results,
        )
    return render(
        request,
        "caseload/person_search.html",
        {
            "query": query,
            "results": results[:SEARCH_RESULTS],
            "too_many": len(results) > SEARCH_RESULTS,
            "create_url": _create_person_url(),
        },
    )


def home(request: HttpRequest) -> HttpResponse:
    """The home page of a member: the caseload, or the search for the reception staff."""
    if can(request.membership, Capability.ACCOMPANIMENT):
        return caseload_page(request)
    return search_page(request)


@organisation_required
@require_POST
def reassign(request: HttpRequest) -> HttpResponse:
    """Managers: hand the checked persons over to another référent."""
    membership = request.membership
    if not can(membership, Capability.REASSIGN):
        raise PermissionDenied
    persons = Person.objects.visible_to(membership).filter(
        archived_at__isnull=True, organisation_id=membership.organisation_id
    )
    form = ReassignForm(
        request.POST, referents=assignable_referents(request.organisation), persons=persons
    )
    back = reverse("web:home")
    if request.POST.get("retour", "").startswith("?"):
        back += request.POST["retour"]
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        checked = list(form.cleaned_data.get("persons") or [])
        if checked:  # read to validate the choice: journaled, nothing changed
            journal.record_request(
                request,
                JournalAction.LIST,
                target_type="people.person",
                organisation=request.organisation,
                summary="réattribution non effectuée (formulaire incomplet)",
                also_covers=checked,
            )
        return redirect(back)
    referent = form.cleaned_data["referent"]
    done, unchanged = [], []
    try:
        with transaction.atomic():
            for person in form.cleaned_data["persons"]:
                if person.referent_id == referent.pk:
                    unchanged.append(person)
                    continue
                person_reassign_referent(person=person, actor=request.user, referent=referent)
                done.append(person)
    except DomainError as error:
        messages.error(request, error.message)
        journal.record_request(
            request,
            JournalAction.DENIED,
            target_type="people.person",
            organisation=request.organisation,
            summary="réattribution refusée",
            also_covers=list(form.cleaned_data["persons"]),
        )
        return redirect(back)
    for person in done:
        journal.record_request(
            request, JournalAction.UPDATE, person, summary=f"nouveau référent : {referent}"
        )
    if unchanged:
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="people.person",
            organisation=request.organisation,
            summary="réattribution : déjà suivies par ce référent",
            also_covers=unchanged,
        )
    name = referent.get_full_name() or referent.email
    if done:
        messages.success(
            request,
            f"{len(done)} personne{'s' if len(done) > 1 else ''} confiée{'s' if len(done) > 1 else ''} "
            f"à {name}.",
        )
    if unchanged:
        messages.info(
            request,
            f"{len(unchanged)} personne{'s' if len(unchanged) > 1 else ''} déjà suivie"
            f"{'s' if len(unchanged) > 1 else ''} par {name}.",
        )
    return redirect(back)
