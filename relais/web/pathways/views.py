"""Pathway pages: the pathway with its goals and steps, their forms, the engagement
contract (versions, PDF, signature), reviews and exit.

Every view: fetch the person through `get_person` (404 outside the organisation, 403
without the accompaniment capability, both journaled), then the pathway among the
person's, then journal what is read or written. A closed pathway is read-only: its forms
redirect to the pathway page with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core import journal
from relais.core.models import JournalAction
from relais.diagnostics.models import Diagnostic
from relais.pathways import selectors, services
from relais.pathways.contract import current_terms, render_pdf, terms_hash
from relais.pathways.models import (
    Contract,
    Goal,
    GoalStatus,
    Pathway,
    PathwayStatus,
    Review,
    Step,
    StepStatus,
)
from relais.people.models import Person
from relais.people.policies import Capability
from relais.web.forms_helpers import save_form
from relais.web.organisations.views import organisation_required
from relais.web.pathways import forms
from relais.web.people.access import get_person

CLOSED_MESSAGE = "Ce parcours est terminé : il reste consultable mais ne peut plus être modifié."


# --- Helpers -------------------------------------------------------------------------------


def _journal(request: HttpRequest, action: str, target, person: Person, summary: str = "") -> None:
    # Everything shown on these pages hangs from the person (pathway → goals, steps…).
    journal.record_request(request, action, target, also_covers=[person], summary=summary)


def _not_found(request: HttpRequest, person: Person, target_type: str, target_id) -> Http404:
    journal.record_request(
        request,
        JournalAction.DENIED,
        target_type=target_type,
        target_id=target_id,
        person_id=person.pk,
        organisation=person.organisation_id,
        summary="hors de ce dossier",
    )
    return Http404()


def _pathway(request: HttpRequest, person: Person, pathway_id: int) -> Pathway:
    pathway = (
        Pathway.objects.filter(person=person, pk=pathway_id)
        .select_related("referent", "organisation")
        .first()
    )
    if pathway is None:
        raise _not_found(request, person, "pathways.pathway", pathway_id)
    pathway.person = person
    return pathway


def _load(request: HttpRequest, pk: int, pathway_id: int) -> tuple[Person, Pathway]:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    return person, _pathway(request, person, pathway_id)


def _detail_url(pathway: Pathway, anchor: str = "") -> str:
    url = reverse("pathways:detail", kwargs={"pk": pathway.person_id, "pathway_id": pathway.pk})
    return f"{url}#{anchor}" if anchor else url


def _closed_redirect(request: HttpRequest, person: Person, pathway: Pathway) -> HttpResponse:
    _journal(request, JournalAction.VIEW, pathway, person, "parcours terminé : lecture seule")
    messages.info(request, CLOSED_MESSAGE)
    return redirect(_detail_url(pathway))


def _base_context(person: Person, pathway: Pathway | None = None) -> dict:
    return {"person": person, "pathway": pathway}


# --- Pathway -------------------------------------------------------------------------------


@organisation_required
def pathway_detail(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    pathway = selectors.pathway_of(person, pathway_id)
    if pathway is None:
        raise _not_found(request, person, "pathways.pathway", pathway_id)
    _journal(request, JournalAction.VIEW, pathway, person)
    plan = selectors.plan_of(pathway)
    reviews = list(pathway.reviews.all())
    return render(
        request,
        "pathways/detail.html",
        {
            **_base_context(person, pathway),
            "plan": plan,
            "contracts": list(pathway.contracts.all()),
            "reviews": reviews,
        },
    )


@organisation_required
def pathway_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    referents = selectors.eligible_referents(person.organisation_id)
    default_referent = (
        request.user if referents.filter(pk=request.user.pk).exists() else person.referent
    )
    form = forms.PathwayForm(
        request.POST or None,
        referents=referents,
        initial={"referent": default_referent, "started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.pathway_create(person=person, actor=request.user, **form.cleaned_data),
        )
        if saved.ok:
            pathway = saved.result
            _journal(request, JournalAction.CREATE, pathway, person)
            messages.success(
                request,
                f"Parcours créé. Premier bilan prévu le {pathway.next_review_on:%d/%m/%Y}. "
                "Ajoutez maintenant les objectifs convenus avec la personne.",
            )
            return redirect(_detail_url(pathway))
    journal.record_request(request, JournalAction.VIEW, person, summary="nouveau parcours")
    return render(request, "pathways/pathway_form.html", {**_base_context(person), "form": form})


@organisation_required
def pathway_update(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person, pathway = _load(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return _closed_redirect(request, person, pathway)
    referents = selectors.eligible_referents(person.organisation_id)
    form = forms.PathwayEditForm(
        request.POST or None,
        referents=referents,
        initial={
            "scheme": pathway.scheme,
            "scheme_detail": pathway.scheme_detail,
            "referent": pathway.referent,
            "started_on": pathway.started_on,
            "review_every_months": pathway.review_every_months,
            "version": pathway.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        saved = save_form(
            form,
            lambda: services.pathway_update(
                pathway=pathway, actor=request.user, expected_version=version, **values
            ),
            reload=lambda: _pathway(request, person, pathway_id),
        )
        stale = saved.stale
        if saved.ok:
            _journal(request, JournalAction.UPDATE, pathway, person)
            messages.success(request, "Parcours enregistré.")
            return redirect(_detail_url(pathway))
    _journal(request, JournalAction.VIEW, pathway, person)
    return render(
        request,
        "pathways/pathway_form.html",
        {**_base_context(person, pathway), "form": form, "stale": stale},
    )


# --- Goals ---------------------------------------------------------------------------------


@organisation_required
def goal_create(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person, pathway = _load(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return _closed_redirect(request, person, pathway)
    form = forms.GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.goal_create(pathway=pathway, actor=request.user, **form.cleaned_data),
        )
        if saved.ok:
            goal = saved.result
            _journal(request, JournalAction.CREATE, goal, person)
            message = "Objectif ajouté."
            if goal.smart_gaps:
                message += f" Il reste à préciser : {', '.join(goal.smart_gaps)}."
            messages.success(request, message)
            return redirect(_detail_url(pathway, f"objectif-{goal.pk}"))
    _journal(request, JournalAction.VIEW, pathway, person)
    return render(
        request, "pathways/goal_form.html", {**_base_context(person, pathway), "form": form}
    )


def _goal(request: HttpRequest, person: Person, pathway: Pathway, goal_id: int) -> Goal:
    goal = Goal.objects.filter(pathway=pathway, pk=goal_id).first()
    if goal is None:
        raise _not_found(request, person, "pathways.goal", goal_id)
    goal.pathway = pathway
    return goal


@organisation_required
def goal_update(request: HttpRequest, pk: int, pathway_id: int, goal_id: int) -> HttpResponse:
    person, pathway = _load(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return _closed_redirect(request, person, pathway)
    goal = _goal(request, person, pathway, goal_id)
    form = forms.GoalEditForm(
        request.POST or None,
        initial={
            "text": goal.text,
            "domain": goal.domain,
            "indicator": goal.indicator,
            "target": goal.target,
            "deadline": goal.deadline,
            "status": goal.status,
            "version": goal.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        saved = save_form(
            form,
            lambda: services.goal_update(
                goal=goal, actor=request.user, expected_version=version, **values
            ),
            reload=lambda: _goal(request, person, pathway, goal_id),
        )
        stale = saved.stale
        if saved.ok:
            _journal(request, JournalAction.UPDATE, goal, person)
            messages.success(request, "Objectif enregistré.")
            return redirect(_detail_url(pathway, f"objectif-{goal.pk}"))
    _journal(request, JournalAction.VIEW, goal, person)
    return render(
        request,
        "pathways/goal_form.html",
        {**_base_context(person, pathway), "form": form, "goal": goal, "stale": stale},
    )


# --- Steps ---------------------------------------------------------------------------------


def _step(request: HttpRequest, person: Person, pathway: Pathway, step_id: int) -> Step:
    step = Step.objects.filter(pathway=pathway, pk=step_id).select_related("goal").first()
    if step is None:
        raise _not_found(request, person, "pathways.step", step_id)
    step.pathway = pathway
    return step


def _goals_for_steps(pathway: Pathway):
    return Goal.objects.filter(pathway=pathway).exclude(status=GoalStatus.ABANDONED)


@organisation_required
def step_create(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person, pathway = _load(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return _closed_redirect(request, person, pathway)
    goals = _goals_for_steps(pathway)
    wanted_goal = request.GET.get("objectif", "")
    initial = {"goal": wanted_goal} if wanted_goal.isdigit() else {}
    form = forms.StepForm(request.POST or None, goals=goals, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            form,
            lambda: services.step_create(pathway=pathway, actor=request.user, **form.cleaned_data),
        )
        if saved.ok:
            step = saved.result
            _journal(request, JournalAction.CREATE, step, person)
            messages.success(request, f"Étape « {step.title} » ajoutée.")
            from relais.network.referrals.redundancy import warn_step_added  # redundancy warnings

            warning = warn_step_added(step, organisation=request.organisation)
            if warning:
                messages.warning(request, warning)
            return redirect(_detail_url(pathway, f"etape-{step.pk}"))
    _journal(request, JournalAction.VIEW, pathway, person)
    return render(
        request, "pathways/step_form.html", {**_base_context(person, pathway), "form": form}
    )


@organisation_required
def step_update(request: HttpRequest, pk: int, pathway_id: int, step_id: int) -> HttpResponse:
    person, pathway = _load(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return _closed_redirect(request, person, pathway)
    step = _step(request, person, pathway, step_id)
    goals = _goals_for_steps(pathway) | Goal.objects.filter(pk=step.goal_id)
    form = forms.StepEditForm(
        request.POST or None,
        goals=goals.distinct(),
        step=step,
        initial={
            "title": step.title,
            "kind": step.kind,
            "goal": step.goal_id,
            "owner": step.owner,
            "owner_name": step.owner_name,
            "planned_on": step.planned_on,
            "done_on": step.done_on,
            "outcome": step.outcome,
            "version": step.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        saved = save_form(
            form,
            lambda: services.step_update(
                step=step, actor=request.user, expected_version=version, **values
            ),
            reload=lambda: _step(request, person, pathway, step_id),
        )
        stale = saved.stale
        if saved.ok:
            _journal(request, JournalAction.UPDATE, step, person)
            messages.success(request, f"Étape « {values['title'].strip()} » enregistrée.")
            return redirect(_detail_url(pathway, f"etape-{step.pk}"))
    _journal(request, JournalAction.VIEW, step, person)
    return render(
        request,
        "pathways/step_form.html",
        {**_base_context(person, pathway), "form": form, "step": step, "stale": stale},
    )


@organisation_required
def step_status(request: HttpRequest, pk: int, pathway_id: int, step_id: int) -> HttpResponse:
    person, pathway = _load(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return _closed_redirect(request, person, pathway)
    step = _step(request, person, pathway, step_id)
    allowed = services.allowed_step_transitions(step.status)
    wanted = request.GET.get("statut", "")
    form = forms.StepStatusForm(
        request.POST or None,
        allowed=allowed,
        initial={
            "status": wanted if wanted in allowed else None,
            "done_on": step.done_on or timezone.localdate(),
            "outcome": step.outcome,
            "version": step.version,
        },
    )
    stale = None
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        previous = StepStatus(step.status).label.lower()
        saved = save_form(
            form,
            lambda: services.step_change_status(
                step=step,
                actor=request.user,
                expected_version=values["version"],
                status=values["status"],
                done_on=values["done_on"],
                outcome=values["outcome"],
            ),
            reload=lambda: _step(request, person, pathway, step_id),
        )
        stale = saved.stale
        if stale is not None:
            form.fields["status"].choices = [
                (s, StepStatus(s).label) for s in services.allowed_step_transitions(stale.status)
            ]
        if saved.ok:
            changed = saved.result
            label = StepStatus(changed.status).label.lower()
            _journal(
                request, JournalAction.UPDATE, changed, person, f"statut : {previous} → {label}"
            )
            messages.success(request, f"Étape « {changed.title} » : {label}.")
            return redirect(_detail_url(pathway, f"etape-{step.pk}"))
    _journal(request, JournalAction.VIEW, step, person)
    return render(
        request,
        "pathways/step_status.html",
        {**_base_context(person, pathway), "form": form, "step": stale or step, "stale": stale},
    )


# --- Engagement contract -------------------------------------------------------------------


def _contract_page(
    request: HttpRequest,
    person: Person,
    pathway_id: int,
    *,
    generate_form: forms.ContractGenerateForm | None = None,
    sign_form: forms.ContractSignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    pathway = selectors.pathway_of(person, pathway_id)
    if pathway is None:
        raise _not_found(request, person, "pathways.pathway", pathway_id)
    _journal(request, JournalAction.VIEW, pathway, person)
    plan = selectors.plan_of(pathway)
    is_open = not plan.is_closed
    if generate_form is None and is_open:
        person_text, organisation_text = services.default_commitments(pathway)
        generate_form = forms.ContractGenerateForm(
            initial={
                "commitments_person": person_text,
                "commitments_organisation": organisation_text,
            }
        )
    latest = plan.latest_contract
    signable = latest is not None and latest.signed_on is None and is_open
    current_hash = None
    if latest is not None:
        current_hash = terms_hash(current_terms(pathway))
    if sign_form is None and signable:
        sign_form = forms.ContractSignForm()
    return render(
        request,
        "pathways/contract.html",
        {
            **_base_context(person, pathway),
            "plan": plan,
            "contracts": list(pathway.contracts.all()),
            "generate_form": generate_form if is_open else None,
            "sign_form": sign_form if signable else None,
            "latest": latest,
            "latest_is_current": latest is not None and latest.content_hash == current_hash,
        },
        status=status,
    )


@organisation_required
def contract(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    if request.method != "POST":
        return _contract_page(request, person, pathway_id)
    pathway = _pathway(request, person, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return _closed_redirect(request, person, pathway)
    form = forms.ContractGenerateForm(request.POST)
    if form.is_valid():
        saved = save_form(
            form,
            lambda: services.contract_generate(
                pathway=pathway, actor=request.user, **form.cleaned_data
            ),
        )
        if saved.ok:
            created = saved.result
            _journal(request, JournalAction.CREATE, created, person)
            messages.success(
                request,
                f"Version {created.number} du contrat établie. Téléchargez-la pour la relire et "
                "la faire signer, puis enregistrez la signature.",
            )
            return redirect("pathways:contract", pk=person.pk, pathway_id=pathway.pk)
    return _contract_page(request, person, pathway_id, generate_form=form)


def _contract(request: HttpRequest, person: Person, pathway: Pathway, number: int) -> Contract:
    found = Contract.objects.filter(pathway=pathway, number=number).first()
    if found is None:
        raise _not_found(request, person, "pathways.contract", f"{pathway.pk}/v{number}")
    found.pathway = pathway
    return found


@organisation_required
@require_POST
def contract_sign(request: HttpRequest, pk: int, pathway_id: int, number: int) -> HttpResponse:
    person, pathway = _load(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return _closed_redirect(request, person, pathway)
    version = _contract(request, person, pathway, number)
    form = forms.ContractSignForm(request.POST)
    if form.is_valid():
        saved = save_form(
            form,
            lambda: services.contract_sign(
                contract=version, actor=request.user, **form.cleaned_data
            ),
        )
        if saved.ok:
            signed = saved.result
            _journal(
                request,
                JournalAction.UPDATE,
                signed,
                person,
                f"signature ({signed.get_signature_mode_display().lower()})",
            )
            messages.success(
                request,
                f"Signature de la version {signed.number} enregistrée (signée le "
                f"{signed.signed_on:%d/%m/%Y}).",
            )
            return redirect("pathways:contract", pk=person.pk, pathway_id=pathway.pk)
    return _contract_page(request, person, pathway_id, sign_form=form)


@organisation_required
def contract_pdf(request: HttpRequest, pk: int, pathway_id: int, number: int) -> HttpResponse:
    person, pathway = _load(request, pk, pathway_id)
    version = _contract(request, person, pathway, number)
    pdf = render_pdf(version)
    _journal(request, JournalAction.EXPORT, version, person, f"PDF du contrat v{version.number}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="contrat-engagement-{person.pk}-{pathway.pk}-v{version.number}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Review --------------------------------------------------------------------------------


@organisation_required
def review_create(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person, pathway = _load(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return _closed_redirect(request, person, pathway)
    goals = list(
        Goal.objects.filter(pathway=pathway, status=GoalStatus.IN_PROGRESS).order_by(
            "deadline", "pk"
        )
    )
    diagnostics = Diagnostic.objects.filter(person=person).order_by("-assessed_on", "-pk")
    form = forms.ReviewForm(
        request.POST or None,
        goals=goals,
        diagnostics=diagnostics,
        rhythm=pathway.review_every_months,
        initial={"diagnostic": diagnostics.first()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        results = {
            g.pk: services.GoalOutcome(data[f"result_{g.pk}"], data[f"gap_{g.pk}"]) for g in goals
        }
        saved = save_form(
            form,
            lambda: services.review_record(
                pathway=pathway,
                actor=request.user,
                held_on=data["held_on"],
                results=results,
                adjustments=data["adjustments"],
                risks=data["risks"],
                success_factors=data["success_factors"],
                person_view=data["person_view"],
                next_review_on=data["next_review_on"],
                diagnostic=data["diagnostic"],
            ),
        )
        if saved.ok:
            review = saved.result
            _journal(request, JournalAction.CREATE, review, person)
            messages.success(
                request,
                f"Bilan du {review.held_on:%d/%m/%Y} enregistré. Prochain bilan le "
                f"{review.next_review_on:%d/%m/%Y}. Ajustez maintenant les objectifs et les "
                "étapes si besoin, puis renouvelez le contrat d'engagement.",
            )
            return redirect(_detail_url(pathway, "objectifs"))
    _journal(request, JournalAction.VIEW, pathway, person)
    # Diagnostics are listed in the form: they hang from the person, journaled above.
    return render(
        request,
        "pathways/review_form.html",
        {
            **_base_context(person, pathway),
            "form": form,
            "goal_rows": form.goal_rows(),
        },
    )


@organisation_required
def review_detail(request: HttpRequest, pk: int, review_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    review = (
        Review.objects.filter(pathway__person=person, pk=review_id)
        .select_related("pathway__referent", "author", "diagnostic")
        .prefetch_related("goal_reviews__goal")
        .first()
    )
    if review is None:
        raise _not_found(request, person, "pathways.review", review_id)
    _journal(request, JournalAction.VIEW, review, person)
    return render(
        request,
        "pathways/review_detail.html",
        {
            **_base_context(person, review.pathway),
            "review": review,
            "goal_reviews": list(review.goal_reviews.all()),
        },
    )


# --- Exit ----------------------------------------------------------------------------------


@organisation_required
def pathway_exit(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person, pathway = _load(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return _closed_redirect(request, person, pathway)
    open_steps = list(
        Step.objects.filter(
            pathway=pathway,
            status__in=(StepStatus.PLANNED, StepStatus.IN_PROGRESS, StepStatus.ON_HOLD),
        ).order_by("planned_on", "pk")
    )
    in_progress = [s for s in open_steps if s.status == StepStatus.IN_PROGRESS]
    form = forms.ExitForm(
        request.POST or None,
        steps_in_progress=len(in_progress),
        initial={"version": pathway.version},
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        saved = save_form(
            form,
            lambda: services.pathway_exit(
                pathway=pathway,
                actor=request.user,
                expected_version=values["version"],
                exited_on=values["exited_on"],
                category=values["category"],
                comment=values["comment"],
                confirm_in_progress=values.get("confirm_in_progress", False),
            ),
            reload=lambda: _pathway(request, person, pathway_id),
        )
        if saved.ok:
            outcome = saved.result
            _journal(
                request,
                JournalAction.UPDATE,
                pathway,
                person,
                f"sortie : {outcome.exit.get_category_display()}",
            )
            message = "Sortie enregistrée : le parcours est terminé."
            if outcome.cancelled_steps:
                message += f" {len(outcome.cancelled_steps)} étape(s) non réalisée(s) annulée(s)."
            messages.success(request, message)
            return redirect(_detail_url(pathway))
    _journal(request, JournalAction.VIEW, pathway, person)
    return render(
        request,
        "pathways/exit_form.html",
        {
            **_base_context(person, pathway),
            "form": form,
            "open_steps": open_steps,
            "in_progress": in_progress,
        },
    )
