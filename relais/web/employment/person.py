"""The person's employment page: the employment project, the abilities observed (their
evolution, and the competences they translate into), the placements, and the open
positions ranked for the person — each rank explained, with « Proposer » once the person
agrees. Référents and managers of the person's organisation (Capability.ACCOMPANIMENT)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.employment import abilities as ability_services
from relais.employment import matching, placements, references
from relais.employment.models import Ability, EmploymentProject, Placement, Position
from relais.employment.vocabulary import ability_label, competence_label
from relais.pathways.models import Pathway, PathwayStatus, Step, StepKind
from relais.people.policies import Capability
from relais.web.employment import forms
from relais.web.employment.common import position_of
from relais.web.forms_helpers import apply_domain_error, keep_input_with_version
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission
from relais.web.teams.common import journal_person


def active_pathways(person) -> list[Pathway]:
    return list(
        Pathway.objects.filter(person=person, status=PathwayStatus.ACTIVE).order_by("-started_on")
    )


def abilities_by_code(person) -> list[dict]:
    """Each ability with its observations, oldest first (its evolution), its current level
    (the latest) and the competence it translates into."""
    grouped: dict[str, list[Ability]] = {}
    for ability in Ability.objects.filter(person=person).order_by("code", "observed_on", "pk"):
        grouped.setdefault(ability.code, []).append(ability)
    rows = []
    for code, observations in grouped.items():
        latest = observations[-1]
        rows.append(
            {
                "label": ability_label(code),
                "competence": competence_label(latest.competence),
                "level": latest.level,
                "observations": observations,
                "evolution": " → ".join(str(o.level) for o in observations),
            }
        )
    return sorted(rows, key=lambda r: r["label"])


@organisation_required
@require_GET
def person_employment(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    project = EmploymentProject.objects.filter(person=person).first()
    ability_rows = abilities_by_code(person)
    person_placements = list(Placement.objects.filter(person=person).select_related("employer"))
    matches = []
    if project is not None:
        matches = matching.positions_for_person(
            person,
            project,
            Position.objects.filter(organisation_id=request.membership.organisation_id),
            limit=20,
        )
    competences: dict[str, int] = {}
    for row in ability_rows:
        competences[row["competence"]] = max(competences.get(row["competence"], 0), row["level"])
    journal_person(request, JournalAction.VIEW, person, summary="emploi")
    return render(
        request,
        "employment/person_employment.html",
        {
            "person": person,
            "project": project,
            "project_labels": [
                f"{c} — {references.rome_label(c)}"
                for c in (project.rome_code, project.rome_code_2)
                if c
            ]
            if project
            else [],
            "abilities": ability_rows,
            "competences": sorted(competences.items()),
            "placements": person_placements,
            "matches": matches,
            "pathways": active_pathways(person),
        },
    )


@organisation_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    project = EmploymentProject.objects.filter(person=person).first()
    initial = (
        {
            "rome_code": project.rome_code,
            "rome_code_2": project.rome_code_2,
            "mobility": project.mobility,
            "max_distance_km": project.max_distance_km,
            "max_weekly_hours": project.max_weekly_hours,
            "version": project.version,
        }
        if project
        else {"max_distance_km": 15, "max_weekly_hours": 35}
    )
    form = forms.ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ability_services.project_save(
                membership=request.membership,
                actor=request.user,
                person=person,
                rome_code=data["rome_code"],
                rome_code_2=data.get("rome_code_2", ""),
                mobility=data["mobility"],
                max_distance_km=data["max_distance_km"],
                max_weekly_hours=data["max_weekly_hours"],
                expected_version=data.get("version") if project else None,
            )
        except DomainError as error:
            if project is not None:
                keep_input_with_version(
                    form,
                    EmploymentProject.objects.values_list("version", flat=True).get(pk=project.pk),
                )
            apply_domain_error(form, error)
        else:
            journal_person(request, JournalAction.UPDATE, person, summary="projet professionnel")
            messages.success(request, "Projet professionnel enregistré.")
            return redirect("employment:person", pk=person.pk)
    journal_person(request, JournalAction.VIEW, person, summary="projet professionnel")
    return render(
        request,
        "employment/person_form.html",
        {
            "person": person,
            "form": form,
            "title": "Projet professionnel",
            "button": "Enregistrer le projet",
            "hint": "La commune de la personne sert de point de départ pour les distances.",
        },
    )


def _immersion_steps(person) -> list[Step]:
    return list(
        Step.objects.filter(pathway__person=person, kind=StepKind.IMMERSION)
        .select_related("pathway")
        .order_by("-planned_on")
    )


@organisation_required
@once_per_submission
def ability_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    steps = _immersion_steps(person)
    form = forms.AbilityForm(
        request.POST or None, steps=steps, initial={"observed_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        step_pk = data.pop("step")
        step = next((s for s in steps if s.pk == step_pk), None)
        try:
            ability = ability_services.ability_record(
                membership=request.membership, actor=request.user, person=person, step=step, **data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal_person(request, JournalAction.CREATE, person, ability, summary="habileté")
            messages.success(request, "Habileté enregistrée.")
            return redirect("employment:person", pk=person.pk)
    journal_person(request, JournalAction.VIEW, person, summary="nouvelle habileté", covers=steps)
    return render(
        request,
        "employment/person_form.html",
        {
            "person": person,
            "form": form,
            "title": "Nouvelle habileté observée",
            "button": "Enregistrer l'habileté",
            "hint": "Une habileté est ce que la personne a montré dans une situation précise : "
            "notez le niveau observé, la situation et qui l'a observée.",
        },
    )


@organisation_required
@require_POST
def position_propose(request: HttpRequest, pk: int, position_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    position = position_of(request, position_pk)
    pathways = active_pathways(person)
    form = forms.ProposeForm(request.POST, pathways=pathways)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        journal_person(
            request, JournalAction.VIEW, person, summary="proposition non faite", covers=pathways
        )
        return redirect("employment:person", pk=person.pk)
    pathway = next(p for p in pathways if p.pk == form.cleaned_data["pathway"])
    try:
        step = placements.position_propose(
            membership=request.membership,
            actor=request.user,
            person=person,
            position=position,
            pathway=pathway,
            agreed=form.cleaned_data["agreed"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        journal_person(
            request, JournalAction.VIEW, person, summary="proposition non faite", covers=pathways
        )
        return redirect("employment:person", pk=person.pk)
    journal_person(
        request, JournalAction.CREATE, person, step, summary="candidature proposée", covers=pathways
    )
    messages.success(request, f"Étape ajoutée au parcours : « {step.title} ».")
    return redirect("employment:person", pk=person.pk)
