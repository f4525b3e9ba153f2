"""Pages of collective projects: the list, the sheet (create, change, status), adding and
removing parts of the sheet, the evaluation tab and the report PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core.charts import Chart, Series
from relais.core.errors import DomainError
from relais.core.submissions import new_token, submit_once
from relais.diagnostics.domains import barrier_label
from relais.network.directory.search import PUBLIC_LABELS
from relais.network.directory.thematiques import labels as thematique_labels
from relais.projects import needs as observed_needs
from relais.projects import policies, services
from relais.projects.budget import budget_summary
from relais.projects.models import Indicator, Project, ProjectStatus, SwotQuadrant
from relais.projects.offers import existing_offers
from relais.projects.printing import project_report_pdf
from relais.projects.selectors import participant_outcomes, projects_of
from relais.web.forms_helpers import apply_domain_error, save_form
from relais.web.organisations.views import organisation_required
from relais.web.projects import forms
from relais.web.projects.common import get_project, project_context
from relais.web.submissions import once_per_submission

PAGE_SIZE = 30

# kind in the URL → (form, service, French name, tab to go back to)
PARTS = {
    "besoin": (forms.NeedForm, services.need_add, "un besoin", "fiche"),
    "objectif": (forms.ObjectiveForm, services.objective_create, "un objectif SMART", "fiche"),
    "partenaire": (forms.PartnerForm, services.partner_add, "un partenaire", "fiche"),
    "reunion": (forms.MeetingForm, services.meeting_add, "une réunion", "fiche"),
    "equipe": (forms.MemberForm, services.member_add, "un membre de l'équipe", "fiche"),
    "risque": (forms.RiskForm, services.risk_add, "un risque", "suivi"),
    "journal": (forms.LogForm, services.log_add, "une entrée au journal", "suivi"),
    "afom": (forms.SwotForm, services.swot_add, "un élément de l'analyse AFOM", "evaluation"),
    "indicateur": (
        forms.IndicatorForm,
        services.indicator_add,
        "un indicateur d'impact",
        "evaluation",
    ),
}
TAB_URLS = {
    "fiche": "projects:detail",
    "suivi": "projects:follow_up",
    "evaluation": "projects:evaluation",
}


def _form_kwargs(kind: str, project: Project) -> dict:
    if kind in ("besoin", "partenaire", "equipe"):
        return {"organisation_id": project.organisation_id}
    if kind == "indicateur":
        return {"project": project}
    return {}


@organisation_required
def project_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("statut", "")
    if status not in ProjectStatus.values:
        status = ""
    page = Paginator(projects_of(request.organisation.pk, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ProjectStatus.choices,
            "can_write": policies.can_write(request.membership),
        },
    )


@organisation_required
@once_per_submission
def project_create(request: HttpRequest) -> HttpResponse:
    if not policies.can_write(request.membership):
        raise PermissionDenied
    form = forms.ProjectForm(request.POST or None, initial={"submission": new_token()})
    del form.fields["version"]
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        token = values.pop("submission")
        saved = save_form(
            form,
            lambda: submit_once(
                token=token,
                actor=request.user,
                model=Project,
                create=lambda: services.project_create(
                    organisation=request.organisation, actor=request.user, **values
                ),
            )[0],
        )
        if saved.ok:
            messages.success(
                request, "Projet créé. Décrivez maintenant ses besoins, objectifs et partenaires."
            )
            return redirect("projects:detail", project_id=saved.result.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": None})


@organisation_required
def project_update(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project(request, project_id, write=True)
    form = forms.ProjectForm(
        request.POST or None,
        initial={
            **{
                f: getattr(project, f)
                for f in (
                    "title",
                    "purpose",
                    "public",
                    "public_detail",
                    "commune_code",
                    "thematiques",
                    "starts_on",
                    "ends_on",
                )
            },
            "version": project.version,
        },
    )
    del form.fields["submission"]
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        saved = save_form(
            form,
            lambda: services.project_update(
                project=project, actor=request.user, expected_version=version, **values
            ),
            reload=lambda: Project.objects.select_related("updated_by").get(pk=project.pk),
        )
        stale = saved.stale
        if saved.ok:
            messages.success(request, "Fiche du projet enregistrée.")
            return redirect("projects:detail", project_id=project.pk)
    return render(
        request, "projects/project_form.html", {"form": form, "project": project, "stale": stale}
    )


@require_POST
@organisation_required
def project_status(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project(request, project_id, write=True)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un statut.")
    else:
        try:
            services.project_change_status(
                project=project,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, f"Projet « {ProjectStatus(form.cleaned_data['status']).label.lower()} »."
            )
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("projects:detail", project_id=project.pk)


@organisation_required
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project(request, project_id)
    needs = list(project.needs.all())
    barrier_codes = [n.barrier_code for n in needs if n.barrier_code]
    observed = observed_needs.labels([n.observed_need for n in needs if n.observed_need])
    for need in needs:
        need.barrier_text = barrier_label(need.barrier_code) if need.barrier_code else ""
        need.observed_text = observed.get(need.observed_need, "")
    return render(
        request,
        "projects/project_detail.html",
        {
            **project_context(request, project, "fiche"),
            "public_label": PUBLIC_LABELS.get(project.public, "Tous publics"),
            "thematique_labels": thematique_labels(project.thematiques),
            "needs": needs,
            "objectives": list(project.objectives.all()),
            "partners": list(project.partners.select_related("organisation")),
            "meetings": list(project.meetings.all()),
            "team": list(project.team.select_related("user")),
            "offers": existing_offers(project, barrier_codes),
            "budget": budget_summary(project),
            "transitions": services.allowed_transitions(project.status),
            "status_choices": dict(ProjectStatus.choices),
            "history": list(project.transitions.select_related("actor")[:10]),
        },
    )


@organisation_required
def project_follow_up(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project(request, project_id)
    return render(
        request,
        "projects/project_follow_up.html",
        {
            **project_context(request, project, "suivi"),
            "risks": sorted(project.risks.all(), key=lambda r: (-r.score, r.pk)),
            "log": list(project.log_entries.select_related("author")[:200]),
            "regulation": [m for m in project.meetings.all() if m.kind != "co_construction"],
        },
    )


def _indicator_chart(indicator: Indicator, measures: list) -> Chart:
    categories = ["Départ", *[m.measured_on.strftime("%d/%m/%Y") for m in measures]]
    return Chart(
        title=f"{indicator.name} : mesures et cible",
        categories=categories,
        series=[
            Series(
                "Valeur mesurée", [float(indicator.baseline), *[float(m.value) for m in measures]]
            ),
            Series("Cible", [float(indicator.target)] * len(categories)),
        ],
        unit=indicator.unit,
        kind="line",
        category_label="Date",
    )


@organisation_required
def project_evaluation(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project(request, project_id)
    swot = {q: [] for q in SwotQuadrant.values}
    for item in project.swot_items.all():
        swot[item.quadrant].append(item)
    indicators = []
    for indicator in project.indicators.prefetch_related("measurements"):
        measures = list(indicator.measurements.all())
        indicators.append((indicator, _indicator_chart(indicator, measures)))
    return render(
        request,
        "projects/project_evaluation.html",
        {
            **project_context(request, project, "evaluation"),
            "swot": [(value, label, swot[value]) for value, label in SwotQuadrant.choices],
            "indicators": indicators,
            "outcomes": participant_outcomes(project),
            "measurement_form": forms.MeasurementForm(),
        },
    )


@organisation_required
@once_per_submission
def part_add(request: HttpRequest, project_id: int, kind: str) -> HttpResponse:
    if kind not in PARTS:
        raise Http404
    project = get_project(request, project_id, write=True)
    form_class, service, name, tab = PARTS[kind]
    form = form_class(request.POST or None, **_form_kwargs(kind, project))
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form, lambda: service(project=project, actor=request.user, **form.cleaned_data)
        )
        if saved.ok:
            part = saved.result
            message = f"Ajouté : {name}."
            if getattr(part, "smart_gaps", None):
                message += f" Il reste à préciser : {', '.join(part.smart_gaps)}."
            messages.success(request, message)
            return redirect(reverse(TAB_URLS[tab], args=[project.pk]))
    return render(
        request,
        "projects/part_form.html",
        {
            **project_context(request, project, tab),
            "form": form,
            "name": name,
            "kind": kind,
            "back": reverse(TAB_URLS[tab], args=[project.pk]),
        },
    )


@require_POST
@organisation_required
def part_remove(request: HttpRequest, project_id: int, kind: str, part_id: int) -> HttpResponse:
    project = get_project(request, project_id, write=True)
    try:
        services.part_remove(project=project, actor=request.user, kind=kind, part_id=part_id)
        messages.success(request, "Élément retiré.")
    except DomainError as error:
        messages.error(request, error.message)
    tab = PARTS.get(kind, (None, None, None, "fiche"))[3]
    return redirect(reverse(TAB_URLS[tab], args=[project.pk]))


@require_POST
@organisation_required
@once_per_submission
def measurement_add(request: HttpRequest, project_id: int, indicator_id: int) -> HttpResponse:
    project = get_project(request, project_id, write=True)
    indicator = Indicator.objects.filter(project=project, pk=indicator_id).first()
    if indicator is None:
        raise Http404
    indicator.project = project
    form = forms.MeasurementForm(request.POST)
    if form.is_valid():
        try:
            services.measurement_add(indicator=indicator, actor=request.user, **form.cleaned_data)
            messages.success(request, "Mesure enregistrée.")
            return redirect(
                reverse("projects:evaluation", args=[project.pk]) + f"#indicateur-{indicator.pk}"
            )
        except DomainError as error:
            apply_domain_error(form, error)
    errors = "; ".join(e for errs in form.errors.values() for e in errs)
    messages.error(request, f"Mesure non enregistrée : {errors}")
    return redirect(
        reverse("projects:evaluation", args=[project.pk]) + f"#indicateur-{indicator.pk}"
    )


@organisation_required
def report_pdf(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project(request, project_id)
    response = HttpResponse(project_report_pdf(project), content_type="application/pdf")
    kind = "final" if project.status == ProjectStatus.CLOSED else "etape"
    response["Content-Disposition"] = (
        f'attachment; filename="rapport-{kind}-projet-{project.pk}-{timezone.localdate():%Y-%m-%d}.pdf"'
    )
    return response
