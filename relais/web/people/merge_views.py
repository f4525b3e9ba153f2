"""Duplicates already in the base (managers): search the organisation for likely pairs (a
background task, progress polled with htmx), compare two records side by side, merge them
or say they are two persons, undo a merge within 30 days."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from relais.accounts.models import Role
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.people.matching import Profile, compare
from relais.people.merging import (
    MERGE_FIELDS,
    can_undo,
    person_merge,
    person_merge_undo,
    persons_mark_distinct,
)
from relais.people.models import DuplicateSearch, Person, PersonMerge
from relais.people.pairs import duplicate_search_start
from relais.web.organisations.views import organisation_required

FIELD_LABELS = {
    "birth_name": "Nom de naissance",
    "usage_name": "Nom d’usage",
    "first_names": "Prénom(s)",
    "birth_date": "Date de naissance",
    "sex": "Sexe",
    "phone": "Téléphone",
    "email": "Adresse e-mail",
    "address": "Adresse",
    "postal_code": "Code postal",
    "commune_code": "Commune (code INSEE)",
    "france_travail_id": "Identifiant France Travail",
    "referent_id": "Référent de parcours",
}


def _manager(request: HttpRequest) -> None:
    membership = request.membership
    if membership is None or not membership.is_active or membership.role != Role.MANAGER:
        raise PermissionDenied


def _latest_search(organisation_id: int) -> DuplicateSearch | None:
    return DuplicateSearch.objects.filter(organisation_id=organisation_id).first()


@organisation_required
def duplicates(request: HttpRequest) -> HttpResponse:
    _manager(request)
    organisation = request.organisation
    if request.method == "POST":
        duplicate_search_start(organisation_id=organisation.pk, actor=request.user)
        messages.info(request, "La recherche des doublons est lancée.")
        return redirect("people:duplicates")
    search = _latest_search(organisation.pk)
    pairs = []
    if search is not None and search.status == "done":
        pairs = list(
            search.pairs.filter(first__merged_into__isnull=True, second__merged_into__isnull=True)
            .select_related("first", "second")
            .order_by("-weight")[:200]
        )
    merges = list(
        PersonMerge.objects.filter(organisation=organisation, undone_at__isnull=True)
        .select_related("kept", "merged")
        .order_by("-merged_at")[:20]
    )
    shown = [p for pair in pairs for p in (pair.first, pair.second)]
    shown += [p for m in merges for p in (m.kept, m.merged)]
    if shown or merges:
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="people.person",
            organisation=organisation,
            summary=f"doublons : {len(pairs)} paire(s), {len(merges)} fusion(s) affichée(s)",
            also_covers=[*shown, *merges],
        )
    return render(
        request,
        "people/duplicates.html",
        {
            "search": search,
            "pairs": pairs,
            "merges": [(m, can_undo(m)) for m in merges],
        },
    )


@organisation_required
def duplicates_progress(request: HttpRequest, search_id: int) -> HttpResponse:
    _manager(request)
    search = DuplicateSearch.objects.filter(
        pk=search_id, organisation_id=request.organisation.pk
    ).first()
    if search is None:
        raise Http404
    response = render(request, "people/_duplicate_search_progress.html", {"search": search})
    if search.status in ("done", "failed") and request.htmx:
        response["HX-Refresh"] = "true"  # the whole page then shows the pairs
    return response


def _pair(request: HttpRequest, first: int, second: int) -> tuple[Person, Person]:
    if first == second:
        raise Http404
    persons = (
        Person.objects.own_of(request.membership)
        .select_related("referent")
        .in_bulk([first, second])
    )
    if len(persons) != 2:
        raise Http404
    return persons[first], persons[second]


def _value(person: Person, name: str) -> str:
    if name == "referent_id":
        return person.referent.get_full_name() if person.referent else "—"
    if name == "birth_date":
        return person.birth_date.strftime("%d/%m/%Y")
    if name == "sex":
        return person.get_sex_display() or "—"
    return getattr(person, name) or "—"


@organisation_required
def duplicate_compare(request: HttpRequest, first: int, second: int) -> HttpResponse:
    _manager(request)
    a, b = _pair(request, first, second)
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "distinct":
                persons_mark_distinct(
                    organisation_id=request.organisation.pk,
                    actor=request.user,
                    first_id=a.pk,
                    second_id=b.pk,
                )
                journal.record_request(
                    request,
                    JournalAction.UPDATE,
                    a,
                    summary=f"doublons : n° {a.pk} et n° {b.pk} ne sont pas la même personne",
                    also_covers=[b],
                )
                messages.success(request, "C’est noté : ces deux dossiers ne seront plus proposés.")
                return redirect("people:duplicates")
            if action == "merge":
                keep = request.POST.get("keep")
                if keep not in (str(a.pk), str(b.pk)):
                    raise DomainError("Choisissez le dossier à conserver.")
                kept, merged = (a, b) if keep == str(a.pk) else (b, a)
                choices = {}
                for name in MERGE_FIELDS:
                    side = request.POST.get(f"field_{name}", "kept")
                    choices[name] = "merged" if side == str(merged.pk) else "kept"
                merge = person_merge(
                    organisation_id=request.organisation.pk,
                    actor=request.user,
                    kept_id=kept.pk,
                    merged_id=merged.pk,
                    kept_version=int(request.POST.get(f"version_{kept.pk}", 0) or 0),
                    merged_version=int(request.POST.get(f"version_{merged.pk}", 0) or 0),
                    choices=choices,
                )
                journal.record_request(
                    request,
                    JournalAction.UPDATE,
                    kept,
                    summary=f"fusion : dossier n° {merged.pk} fusionné dans le n° {kept.pk}",
                    also_covers=[merged, merge],
                )
                journal.record_request(
                    request,
                    JournalAction.UPDATE,
                    merged,
                    summary=f"fusion : dossier fusionné dans le n° {kept.pk}",
                )
                messages.success(
                    request,
                    f"Les dossiers sont fusionnés dans le n° {kept.pk}. "
                    "La fusion peut être annulée pendant 30 jours depuis la page des doublons.",
                )
                return redirect("people:detail", pk=kept.pk)
            errors.append("Action inconnue.")
        except (DomainError, ValueError) as error:
            errors.append(getattr(error, "message", "Les versions des dossiers sont invalides."))
    journal.record_request(
        request,
        JournalAction.VIEW,
        a,
        summary=f"doublons : comparaison des dossiers n° {a.pk} et n° {b.pk}",
        also_covers=[b],
    )
    match = compare(
        Profile(
            **{
                f: getattr(a, f)
                for f in (
                    "birth_name",
                    "usage_name",
                    "first_names",
                    "birth_date",
                    "sex",
                    "phone",
                    "email",
                    "france_travail_id",
                )
            }
        ),
        Profile(
            **{
                f: getattr(b, f)
                for f in (
                    "birth_name",
                    "usage_name",
                    "first_names",
                    "birth_date",
                    "sex",
                    "phone",
                    "email",
                    "france_travail_id",
                )
            }
        ),
    )
    rows = [
        {
            "name": name,
            "label": FIELD_LABELS[name],
            "a": _value(a, name),
            "b": _value(b, name),
            "differs": getattr(a, name) != getattr(b, name),
        }
        for name in MERGE_FIELDS
    ]
    return render(
        request,
        "people/duplicate_compare.html",
        {"a": a, "b": b, "rows": rows, "match": match, "errors": errors},
        status=400 if errors else 200,
    )


@organisation_required
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    _manager(request)
    try:
        merge = person_merge_undo(
            merge_id=merge_id, organisation_id=request.organisation.pk, actor=request.user
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("people:duplicates")
    journal.record_request(
        request,
        JournalAction.UPDATE,
        merge.kept,
        summary=f"fusion annulée : le dossier n° {merge.merged_id} est rétabli",
        also_covers=[merge.merged, merge],
    )
    messages.success(
        request, f"La fusion est annulée : le dossier n° {merge.merged_id} est rétabli."
    )
    return redirect("people:duplicates")
