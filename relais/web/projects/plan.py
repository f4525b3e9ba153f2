"""Pages of a project's action plan (Gantt chart and table, tasks, dependencies, shifting)
and of its budget."""

from __future__ import annotations

from html import escape

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from relais.core.errors import DomainError
from relais.core.submissions import new_token, submit_once
from relais.projects import budget as budget_services
from relais.projects import plan as plan_services
from relais.projects.gantt import gantt_svg
from relais.projects.models import BudgetLine, Task, TaskStatus
from relais.web.forms_helpers import save_form
from relais.web.organisations.views import organisation_required
from relais.web.projects import forms
from relais.web.projects.common import get_project, project_context
from relais.web.submissions import once_per_submission


def _badge(level: str, text: str, testid: str = "") -> str:
    attribute = f' data-testid="{testid}"' if testid else ""
    return f'<p class="fr-badge fr-badge--sm fr-badge--{level} fr-badge--no-icon"{attribute}>{escape(text)}</p>'


def _rows(the_plan, task_url: str, can_write: bool) -> SafeString:
    """The plan's table rows, built in Python with `html.escape` on every text: 300 rows
    through the template engine (or `format_html`) took most of the page's time."""
    rows = []
    for p in the_plan.tasks:
        task = p.task
        marks = []
        if p.critical:
            marks.append(_badge("error", "Chemin critique", "critical"))
        if p.late:
            marks.append(_badge("warning", "En retard"))
        if p.conflict:
            marks.append(
                _badge(
                    "warning", f"Dépendance non respectée : décaler de {p.shift_days} j", "conflict"
                )
            )
        title = escape(task.title)
        action = (
            f'<td><a class="fr-link fr-text--sm" href="{escape(task_url)}{task.pk}/">Modifier'
            f'<span class="fr-sr-only"> « {title} »</span></a></td>'
            if can_write
            else ""
        )
        rows.append(
            f'<tr id="tache-{task.pk}"><th scope="row">{title}</th>'
            f"<td>{escape(task.owner_label or '—')}</td>"
            f"<td>{task.starts_on:%d/%m/%Y}</td><td>{task.ends_on:%d/%m/%Y}</td>"
            f"<td>{task.duration_days} j</td>"
            f"<td>{escape(', '.join(p.predecessor_titles) or '—')}</td>"
            f"<td>{escape(task.get_status_display())}</td>"
            f"<td>{''.join(marks) or escape(f'Marge : {p.slack_days} j')}</td>{action}</tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every text escaped above)


def _options(the_plan) -> SafeString:
    """The `<option>`s of the plan's tasks, built once for the page's three lists."""
    return mark_safe(  # noqa: S308 (titles escaped)
        "".join(f'<option value="{p.pk}">{escape(p.task.title)}</option>' for p in the_plan.tasks)
    )


@organisation_required
def plan(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project(request, project_id)
    today = timezone.localdate()
    the_plan = plan_services.plan_of(project, today)
    context = project_context(request, project, "plan")
    context["task_url"] = reverse("projects:plan", args=[project.pk]) + "taches/"
    if context["can_write"]:
        task_form = forms.TaskForm(project=project, task_choices=[])
        del task_form.fields["after"]
        context["task_form"] = task_form
        context["task_options"] = _options(the_plan)
    return render(
        request,
        "projects/plan.html",
        {
            **context,
            "plan": the_plan,
            "gantt": gantt_svg(the_plan, today=today),
            "rows": _rows(the_plan, context.get("task_url", ""), context["can_write"]),
        },
    )


def _plan_url(project_id: int, anchor: str = "") -> str:
    return reverse("projects:plan", args=[project_id]) + anchor


@organisation_required
@once_per_submission
def task_create(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project(request, project_id, write=True)
    form = forms.TaskForm(request.POST or None, project=project)
    del form.fields["version"]
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["after"] = list(Task.objects.filter(project=project, pk__in=values["after"]))
        saved = save_form(
            form, lambda: plan_services.task_create(project=project, actor=request.user, **values)
        )
        if saved.ok:
            messages.success(request, f"Tâche « {saved.result.title} » ajoutée au plan.")
            return redirect(_plan_url(project.pk, f"#tache-{saved.result.pk}"))
    return render(
        request,
        "projects/task_form.html",
        {**project_context(request, project, "plan"), "form": form, "task": None},
    )


def _task(project, task_id: int) -> Task:
    task = Task.objects.filter(project=project, pk=task_id).select_related("updated_by").first()
    if task is None:
        raise Http404
    task.project = project
    return task


@organisation_required
def task_update(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    project = get_project(request, project_id, write=True)
    task = _task(project, task_id)
    form = forms.TaskForm(
        request.POST or None,
        project=project,
        task=task,
        initial={
            "title": task.title,
            "owner": task.owner_id,
            "owner_name": task.owner_name,
            "starts_on": task.starts_on,
            "ends_on": task.ends_on,
            "version": task.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        saved = save_form(
            form,
            lambda: plan_services.task_update(
                task=task, actor=request.user, expected_version=version, **values
            ),
            reload=lambda: _task(project, task_id),
        )
        stale = saved.stale
        if saved.ok:
            messages.success(request, "Tâche enregistrée.")
            return redirect(_plan_url(project.pk, f"#tache-{task.pk}"))
    return render(
        request,
        "projects/task_form.html",
        {
            **project_context(request, project, "plan"),
            "form": form,
            "task": task,
            "stale": stale,
            "statuses": [
                (value, label)
                for value, label in TaskStatus.choices
                if value == task.status or value in plan_services.TASK_TRANSITIONS[task.status]
            ],
        },
    )


@require_POST
@organisation_required
def task_status(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    project = get_project(request, project_id, write=True)
    task = _task(project, task_id)
    try:
        plan_services.task_change_status(
            task=task,
            actor=request.user,
            expected_version=int(request.POST.get("version") or 0),
            status=request.POST.get("status", ""),
        )
        messages.success(request, f"Tâche « {task.title} » : statut changé.")
    except (DomainError, ValueError) as error:
        messages.error(request, getattr(error, "message", "Statut illisible."))
    return redirect(_plan_url(project.pk, f"#tache-{task.pk}"))


@require_POST
@organisation_required
def task_shift(request: HttpRequest, project_id: int, task_id: int) -> HttpResponse:
    project = get_project(request, project_id, write=True)
    task = _task(project, task_id)
    try:
        days = int(request.POST.get("days", ""))
    except ValueError:
        messages.error(
            request, "Indiquez un décalage en jours (nombre entier, négatif pour avancer)."
        )
        return redirect(_plan_url(project.pk, f"#tache-{task.pk}"))
    try:
        moved = plan_services.task_shift(task=task, actor=request.user, days=days)
        messages.success(
            request,
            f"« {task.title} » et les tâches qui en dépendent ({len(moved)} en tout) décalées de {days} jour{'s' if abs(days) > 1 else ''}.",
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_plan_url(project.pk, f"#tache-{task.pk}"))


@require_POST
@organisation_required
@once_per_submission
def dependency_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project(request, project_id, write=True)
    form = forms.DependencyForm(request.POST, project=project)
    if form.is_valid():
        try:
            plan_services.dependency_add(
                project=project,
                actor=request.user,
                predecessor=_task(project, form.cleaned_data["predecessor"]),
                successor=_task(project, form.cleaned_data["successor"]),
            )
            messages.success(request, "Dépendance ajoutée.")
        except DomainError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, "Choisissez les deux tâches.")
    return redirect(_plan_url(project.pk, "#dependances"))


@organisation_required
def budget(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project(request, project_id)
    context = project_context(request, project, "budget")
    form = None
    if context["can_write"]:
        form = forms.BudgetLineForm(request.POST or None, initial={"submission": new_token()})
        if request.method == "POST" and form.is_valid():
            values = dict(form.cleaned_data)
            token = values.pop("submission")
            saved = save_form(
                form,
                lambda: submit_once(
                    token=token,
                    actor=request.user,
                    model=BudgetLine,
                    create=lambda: budget_services.budget_line_add(
                        project=project, actor=request.user, **values
                    ),
                )[0],
            )
            if saved.ok:
                messages.success(request, "Ligne de budget ajoutée.")
                return redirect("projects:budget", project_id=project.pk)
    elif request.method == "POST":
        get_project(request, project_id, write=True)
    return render(
        request,
        "projects/budget.html",
        {**context, "form": form, "budget": budget_services.budget_summary(project)},
    )


@require_POST
@organisation_required
def budget_line_remove(request: HttpRequest, project_id: int, line_id: int) -> HttpResponse:
    project = get_project(request, project_id, write=True)
    try:
        budget_services.budget_line_remove(project=project, actor=request.user, line_id=line_id)
        messages.success(request, "Ligne retirée.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("projects:budget", project_id=project.pk)
