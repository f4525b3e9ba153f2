"""Placement pages: creating a placement (a hiring or a PMSMP immersion) with its named
tutor, following it (checkpoints, mediation log), recording its outcome — which proposes
the pathway's exit category, the référent then closing the pathway on its exit page —
and the immersion's convention as a PDF."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.employment import placements as services
from relais.employment.models import Employer, Placement, PlacementKind, Position, PositionStatus
from relais.pathways.models import ExitCategory
from relais.people.policies import Capability
from relais.web.employment import forms
from relais.web.employment.person import active_pathways
from relais.web.forms_helpers import apply_domain_error, keep_input_with_version
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission
from relais.web.teams.common import denied, journal_person


def _placement_of(request: HttpRequest, person, placement_pk: int) -> Placement:
    placement = (
        Placement.objects.filter(person=person, pk=placement_pk)
        .select_related("employer", "position", "pathway")
        .first()
    )
    if placement is None:
        raise denied(request, person, "employment.placement", placement_pk, "hors de ce dossier")
    placement.person = person
    return placement


@organisation_required
@once_per_submission
def placement_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    organisation_id = request.membership.organisation_id
    employers = list(
        Employer.objects.filter(organisation_id=organisation_id).only("pk", "name")[:500]
    )
    positions = list(
        Position.objects.filter(organisation_id=organisation_id, status=PositionStatus.OPEN)
        .select_related("employer")
        .order_by("employer__name_key")[:500]
    )
    pathways = active_pathways(person)
    initial = {"starts_on": timezone.localdate(), "pathway": pathways[0].pk if pathways else None}
    chosen = next((p for p in positions if str(p.pk) == request.GET.get("poste", "")), None)
    if chosen is not None:
        initial.update(
            position=chosen.pk,
            employer=chosen.employer_id,
            job_title=chosen.appellation or chosen.rome_code,
            weekly_hours=chosen.weekly_hours,
            contract_type=chosen.contract_type,
            kind=PlacementKind.CONTRACT,
        )
    form = forms.PlacementForm(
        request.POST or None,
        employers=employers,
        positions=positions,
        pathways=pathways,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        employer = next(e for e in employers if e.pk == data.pop("employer"))
        position_pk, pathway_pk = data.pop("position"), data.pop("pathway")
        try:
            placement = services.placement_create(
                membership=request.membership,
                actor=request.user,
                person=person,
                employer=employer,
                position=next((p for p in positions if p.pk == position_pk), None),
                pathway=next((p for p in pathways if p.pk == pathway_pk), None),
                **data,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal_person(
                request, JournalAction.CREATE, person, placement, summary="mise en emploi"
            )
            messages.success(request, "Mise en emploi enregistrée, avec ses points de suivi.")
            return redirect("employment:placement", pk=person.pk, placement_pk=placement.pk)
    journal_person(
        request, JournalAction.VIEW, person, summary="nouvelle mise en emploi", covers=pathways
    )
    return render(
        request,
        "employment/person_form.html",
        {
            "person": person,
            "form": form,
            "title": "Nouvelle mise en emploi",
            "button": "Enregistrer la mise en emploi",
            "hint": "Un contrat de travail ou une immersion (PMSMP, un mois au plus), avec le "
            "tuteur ou la tutrice qui accueille la personne chez l'employeur.",
        },
    )


@organisation_required
@require_GET
def placement_detail(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    placement = _placement_of(request, person, placement_pk)
    return _detail_page(request, person, placement)


def _detail_page(
    request: HttpRequest,
    person,
    placement: Placement,
    *,
    checkpoint_form: tuple[int, forms.CheckpointForm] | None = None,
    outcome_form: forms.OutcomeForm | None = None,
    summary: str = "mise en emploi",
) -> HttpResponse:
    """The placement's page; after a refused entry, with the form as it was filled in and
    its errors (nothing typed is lost)."""
    checkpoints = list(placement.checkpoints.select_related("done_by"))
    mediations = list(placement.mediations.select_related("author"))
    proposed = services.proposed_exit(placement)
    exit_url = ""
    if proposed and placement.pathway and placement.pathway.status == "active":
        exit_url = reverse("pathways:exit", args=[person.pk, placement.pathway.pk])
        exit_url += f"?categorie={proposed}"
    journal_person(request, JournalAction.VIEW, person, placement, summary=summary)
    today = timezone.localdate()
    filled_pk, filled = checkpoint_form or (None, None)
    return render(
        request,
        "employment/placement_detail.html",
        {
            "person": person,
            "placement": placement,
            "checkpoints": [
                {
                    "checkpoint": c,
                    "late": c.done_on is None and c.due_on < today,
                    "form": filled
                    if c.pk == filled_pk
                    else forms.CheckpointForm(prefix=f"cp{c.pk}", initial={"done_on": today}),
                }
                for c in checkpoints
            ],
            "mediations": mediations,
            "mediation_form": forms.MediationForm(initial={"happened_on": today}),
            "outcome_form": outcome_form
            or forms.OutcomeForm(initial={"outcome_on": today, "version": placement.version}),
            "proposed_label": ExitCategory(proposed).label if proposed else "",
            "exit_url": exit_url,
        },
    )


@organisation_required
@require_POST
def checkpoint_record(request: HttpRequest, pk: int, placement_pk: int, checkpoint_pk: int):
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    placement = _placement_of(request, person, placement_pk)
    checkpoint = placement.checkpoints.filter(pk=checkpoint_pk).first()
    if checkpoint is None:
        raise Http404
    checkpoint.placement = placement
    form = forms.CheckpointForm(request.POST, prefix=f"cp{checkpoint.pk}")
    if form.is_valid():
        try:
            services.checkpoint_record(
                membership=request.membership,
                actor=request.user,
                checkpoint=checkpoint,
                **form.cleaned_data,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal_person(
                request, JournalAction.UPDATE, person, placement, summary="point de suivi"
            )
            messages.success(request, f"Point de suivi « {checkpoint.label} » enregistré.")
            return redirect("employment:placement", pk=person.pk, placement_pk=placement.pk)
    return _detail_page(
        request, person, placement, checkpoint_form=(checkpoint.pk, form), summary="saisie refusée"
    )


@organisation_required
@once_per_submission
def mediation_add(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    placement = _placement_of(request, person, placement_pk)
    form = forms.MediationForm(request.POST or None, initial={"happened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.mediation_add(
                membership=request.membership,
                actor=request.user,
                placement=placement,
                **form.cleaned_data,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal_person(request, JournalAction.CREATE, person, placement, summary="médiation")
            messages.success(request, "Médiation enregistrée.")
            return redirect("employment:placement", pk=person.pk, placement_pk=placement.pk)
    journal_person(request, JournalAction.VIEW, person, placement, summary="nouvelle médiation")
    return render(
        request,
        "employment/person_form.html",
        {
            "person": person,
            "form": form,
            "title": f"Médiation — {placement.job_title} chez {placement.employer.name}",
            "button": "Enregistrer la médiation",
            "hint": "Ce qu'ont dit l'employeur, la personne et le tuteur, la difficulté et "
            "l'accord trouvé.",
        },
    )


@organisation_required
@require_POST
def placement_end(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    placement = _placement_of(request, person, placement_pk)
    form = forms.OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.placement_end(
                membership=request.membership,
                actor=request.user,
                placement=placement,
                expected_version=form.cleaned_data.get("version") or placement.version,
                outcome=form.cleaned_data["outcome"],
                outcome_on=form.cleaned_data["outcome_on"],
            )
        except StaleObjectError as error:
            # Someone changed the placement meanwhile: the choice is kept, with the current
            # version, so that saving again (after checking the page) goes through.
            placement = _placement_of(request, person, placement_pk)
            keep_input_with_version(form, placement.version)
            apply_domain_error(form, error)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal_person(request, JournalAction.UPDATE, person, placement, summary="issue")
            messages.success(request, "Issue enregistrée.")
            return redirect("employment:placement", pk=person.pk, placement_pk=placement.pk)
    return _detail_page(request, person, placement, outcome_form=form, summary="saisie refusée")


@organisation_required
@require_GET
def convention_pdf(request: HttpRequest, pk: int, placement_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    placement = _placement_of(request, person, placement_pk)
    if placement.kind != PlacementKind.IMMERSION:
        raise Http404
    content = services.convention_pdf(placement, organisation=request.organisation)
    journal_person(
        request, JournalAction.EXPORT, person, placement, summary="convention PMSMP (PDF)"
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="convention-pmsmp-{placement.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
