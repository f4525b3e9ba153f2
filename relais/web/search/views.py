"""Service search ("Trouver un service pour ce besoin") and commune suggestions (the actor map
is in relais.web.actor_map).

The search reads personal data only when a person is in context (?personne=…): the person
is fetched through get_person (Capability.ACCOMPANIMENT: visible to the user's organisation
and a référent's or manager's role; otherwise 404/403, journaled as denied), and the read is
journaled."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from relais.core import journal
from relais.core.communes import get_commune
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.diagnostics.domains import barrier_label, barrier_thematiques, barriers
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.network.directory.geo import commune_display, suggest_communes
from relais.network.directory.search import DEFAULT_RADIUS_KM, search_services
from relais.people.policies import Capability
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.search.checkboxes import thematique_checkboxes
from relais.web.search.forms import ServiceSearchForm

MAX_TABLE_FLOWS = 300
SEARCH_FIELDS = ("thematique", "commune", "rayon", "public", "accueil", "q")
FORM_ALIASES = {"thematiques": "thematique", "radius_km": "rayon", "mode_accueil": "accueil"}


def referral_url(service_pk: int, person_pk: int) -> str:
    """The referral form for this service and person (the referrals pages own it)."""
    try:
        base = reverse("referrals:create")
    except NoReverseMatch:
        base = "/orientations/nouvelle/"
    return f"{base}?{urlencode({'service': service_pk, 'personne': person_pk})}"


def service_url(service_pk: int) -> str:
    """The service's page in the directory."""
    return reverse("directory:service", args=[service_pk])


def _latest_barriers(person) -> tuple[set[str], object]:
    """The barriers of the person's latest diagnostic and its date (plain values: the
    person is journaled by the caller)."""
    latest = (
        Diagnostic.objects.filter(person=person)
        .order_by("-assessed_on", "-id")
        .values("pk", "assessed_on")
        .first()
    )
    if latest is None:
        return set(), None
    codes: set[str] = set()
    for values in DomainAssessment.objects.filter(diagnostic_id=latest["pk"]).values_list(
        "barriers", flat=True
    ):
        codes.update(values or [])
    return codes, latest["assessed_on"]


def _contact(service) -> dict:
    organisation = service.organisation
    commune = get_commune(service.commune_code) if service.commune_code else None
    address = " ".join(
        part
        for part in (
            service.address,
            service.postal_code or (commune.postal_code if commune else ""),
            commune.name if commune else "",
        )
        if part
    )
    return {
        "phone": service.phone or organisation.phone,
        "email": service.email or organisation.email,
        "address": address,
    }


@organisation_required
@require_GET
def service_search(request: HttpRequest) -> HttpResponse:
    params = request.GET
    person = None
    barrier = None
    barrier_error = ""
    diagnostic_date = None
    initial = None
    person_pk = params.get("personne", "")
    if person_pk:
        if not person_pk.isdigit() or len(person_pk) > 12:
            raise Http404
        person = get_person(request, int(person_pk), Capability.ACCOMPANIMENT)

    submitted = any(k in params for k in (*SEARCH_FIELDS, "envoye"))
    data: QueryDict | None = params if submitted else None
    frein = params.get("frein", "")[:10]
    if person is not None:
        first_visit = not submitted
        if frein:
            codes, diagnostic_date = _latest_barriers(person)
            if frein in codes and frein in barriers():
                barrier = {"code": frein, "label": barrier_label(frein)}
            else:
                barrier_error = (
                    "Ce frein ne figure pas dans le dernier diagnostic de la personne : "
                    "choisissez les thématiques vous-même."
                )
        if first_visit:
            prefilled = QueryDict(mutable=True)
            prefilled.setlist("thematique", barrier_thematiques(frein) if barrier else [])
            if person.commune_code and get_commune(person.commune_code):
                prefilled["commune"] = commune_display(get_commune(person.commune_code))
            prefilled["rayon"] = str(DEFAULT_RADIUS_KM)
            data = prefilled if barrier else None
            initial = {"commune": prefilled.get("commune", ""), "rayon": DEFAULT_RADIUS_KM}
    form = ServiceSearchForm(data, initial=initial)

    results = None
    empty_query = False
    if form.is_bound and form.is_valid():
        query = form.to_query()
        if query.is_empty:
            empty_query = True
        else:
            page = params.get("page", "1")
            try:
                results = search_services(query, page=int(page) if page.isdigit() else 1)
            except DomainError as error:
                apply_domain_error(form, error, FORM_ALIASES)

    if person is not None:
        summary = "Recherche d'un service pour la personne"
        if barrier:
            summary += f" (frein {barrier['code']})"
        journal.record_request(request, JournalAction.VIEW, person, summary=summary)

    hits = []
    if results is not None:
        for hit in results.hits:
            hits.append(
                {
                    "hit": hit,
                    "service": hit.service,
                    "organisation": hit.service.organisation,
                    "service_url": service_url(hit.service.pk),
                    "orient_url": referral_url(hit.service.pk, person.pk) if person else "",
                    "contact": _contact(hit.service),
                }
            )

    # The query string of this search (for pagination links), without the page.
    base_query = QueryDict(mutable=True)
    if form.is_bound:
        for key in SEARCH_FIELDS:
            values = form.data.getlist(key) if hasattr(form.data, "getlist") else []
            if values:
                base_query.setlist(key, values)
    base_query["envoye"] = "1"
    if person is not None:
        base_query["personne"] = str(person.pk)
        if barrier:
            base_query["frein"] = barrier["code"]

    selected = set(form["thematique"].value() or [])
    return render(
        request,
        "network/search/services.html",
        {
            "form": form,
            "thematique_checkboxes": thematique_checkboxes(selected),
            "results": results,
            "hits": hits,
            "empty_query": empty_query,
            "person": person,
            "barrier": barrier,
            "barrier_error": barrier_error,
            "diagnostic_date": diagnostic_date,
            "query": base_query.urlencode(),
        },
    )


@organisation_required
@require_GET
def commune_suggestions(request: HttpRequest) -> HttpResponse:
    """<option>s of a <datalist>, asked by htmx as the user types a commune."""
    # « commune » from the service search, « commune_code » from the person form.
    text = (request.GET.get("commune") or request.GET.get("commune_code") or "")[:120]
    communes = suggest_communes(text) if len(text.strip()) >= 2 else []
    options = [
        {"value": commune_display(c), "label": f"code postal {c.postal_code}"} for c in communes
    ]
    return render(request, "network/search/_commune_options.html", {"options": options})


# --- Actor map ---------------------------------------------------------------------------------
