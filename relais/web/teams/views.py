"""Coordination team pages: the "Personnes co-suivies" list, inviting a professional of
another organisation and what is shared with them, ending or leaving a membership; what a
co-following professional sees (the shared person page and the shared views of the
diagnostic, notes and documents) and adds (steps, notes shared with the team,
appointments); case conferences with their minutes (PDF) and decisions.

Every view fetches the person through `get_person` with the capability it needs (a
co-following professional gets 404 for a category not shared with them, journaled as
denied), and journals what it reads or writes with the person's organisation as the
record's organisation and the user's organisation as the actor's (cross-organisation
reads are visible in the holder's journal)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.network.coordination import conferences as conference_services
from relais.network.coordination import teams as services
from relais.network.coordination.models import (
    CaseConference,
    ConferenceDecision,
    SharedCategory,
    TeamMember,
)
from relais.network.coordination.sharing import Access, person_label
from relais.pathways import writing_check
from relais.pathways.models import Note, Pathway, PathwayStatus
from relais.people.models import Document, Person
from relais.people.policies import Capability, access
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.teams import forms

SHARED_NOTES_ON_PAGE = 100


# --- Helpers ---------------------------------------------------------------------------------


def _journal(
    request: HttpRequest,
    action: str,
    person: Person,
    target=None,
    *,
    summary: str = "",
    covers=(),
) -> None:
    """One journal entry about `person` (and `target`, a record hanging from them): the
    record's organisation is the person's, the actor's organisation the user's."""
    journal.record_request(
        request,
        action,
        target if target is not None else person,
        organisation=person.organisation_id,
        person_id=person.pk,
        summary=summary,
        also_covers=[person, *covers],
    )


def _denied(request: HttpRequest, person: Person, target_type: str, target_id, reason: str):
    journal.record_request(
        request,
        JournalAction.DENIED,
        target_type=target_type,
        target_id=target_id,
        person_id=person.pk,
        organisation=person.organisation_id,
        summary=reason,
    )
    return Http404()


def _person_url(person: Person, anchor: str = "") -> str:
    url = reverse("people:detail", args=[person.pk])
    return f"{url}#{anchor}" if anchor else url


def _base(request: HttpRequest, person: Person) -> dict:
    person_access = access(request.membership, person)
    return {
        "person": person,
        "person_label": person_label(person, person_access),
        "access": person_access,
        "identity_shown": person_access.allows(Capability.READ_IDENTITY),
    }


def _member_of(request: HttpRequest, person: Person, member_pk: int) -> TeamMember:
    member = (
        TeamMember.objects.filter(pk=member_pk, team__person_id=person.pk)
        .select_related("team", "user", "organisation")
        .prefetch_related("shared_documents")
        .first()
    )
    if member is None:
        raise _denied(request, person, "network.teammember", member_pk, "hors de ce dossier")
    return member


# --- Persons I co-follow -------------------------------------------------------------------


@organisation_required
@require_GET
def cofollowed_list(request: HttpRequest) -> HttpResponse:
    rows = services.cofollowed(request.membership)
    by_person: dict[int, dict] = {}
    for member in rows:
        person = member.team.person
        row = by_person.setdefault(
            person.pk,
            {"person": person, "members": [], "categories": set()},
        )
        row["members"].append(member)
        row["categories"] |= set(member.shared_categories or [])
    items = []
    for row in by_person.values():
        person = row["person"]
        categories = row["categories"]
        first = min(row["members"], key=lambda m: m.started_on)
        items.append(
            {
                "person": person,
                "label": person.display_name
                if SharedCategory.IDENTITY in categories
                else f"Personne n° {person.pk}",
                "organisation": person.organisation,
                "role": " ; ".join(m.role for m in row["members"]),
                "since": first.started_on,
                "categories": [
                    SharedCategory(c).label for c in SharedCategory.values if c in categories
                ],
            }
        )
    # One LIST entry per organisation holding the records, in that organisation's journal.
    by_organisation: dict[int, list] = defaultdict(list)
    for item in items:
        by_organisation[item["person"].organisation_id].append(item["person"])
    for organisation_id, persons in by_organisation.items():
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="people.person",
            organisation=organisation_id,
            summary=f"personnes co-suivies : {len(persons)} dossier(s)",
            also_covers=persons,
        )
    return render(request, "network/teams/cofollowed.html", {"items": items})


# --- The shared person page ----------------------------------------------------------------


def shared_person_page(request: HttpRequest, person: Person) -> HttpResponse:
    """The person page for a co-following professional (called by people:detail): only
    the sections of what is shared with them."""
    from relais.web.teams.sections import SECTIONS

    person_access = access(request.membership, person)
    journal.record_request(
        request,
        JournalAction.VIEW,
        person,
        summary="dossier partagé (équipe de coordination) : "
        + ", ".join(sorted(person_access.categories)),
    )
    sections = []
    for section in SECTIONS:
        context = section.context(request, person)
        if context is not None:
            sections.append(
                {
                    "key": section.key,
                    "title": section.title,
                    "template": section.template,
                    "context": context,
                }
            )
    members = person_access.members
    return render(
        request,
        "network/teams/shared_person.html",
        {
            **_base(request, person),
            "sections": sections,
            "organisation": person.organisation,
            "roles": [m.role for m in members],
            "since": min((m.started_on for m in members), default=None),
            "shared": [
                SharedCategory(c).label for c in SharedCategory.values if person_access.shows(c)
            ],
        },
    )


# --- Managing the team ---------------------------------------------------------------------


@organisation_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.MANAGE_TEAM)
    context = _base(request, person)
    pick = forms.OrganisationPickForm(
        request.GET if "structure" in request.GET else None, person=person
    )
    if not pick.is_bound or not pick.is_valid():
        _journal(request, JournalAction.VIEW, person, summary="équipe : inviter un professionnel")
        return render(
            request, "network/teams/member_add.html", {**context, "pick": pick, "form": None}
        )
    organisation = pick.cleaned_data["structure"]
    form = forms.MemberAddForm(request.POST or None, person=person, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.team_member_add(
                person=person,
                actor=request.user,
                organisation=organisation,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                **form.sharing(),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            _journal(
                request,
                JournalAction.CREATE,
                person,
                member,
                summary=f"équipe : {member.user} ({organisation.name}) invité, partage : "
                + ", ".join(member.shared_categories),
            )
            messages.success(
                request,
                f"{member.user.get_full_name() or member.user.email} ({organisation.name}) "
                "fait maintenant partie de l'équipe de coordination.",
            )
            return redirect(_person_url(person, "equipe"))
    _journal(request, JournalAction.VIEW, person, summary="équipe : inviter un professionnel")
    return render(
        request,
        "network/teams/member_add.html",
        {
            **context,
            "pick": pick,
            "form": form,
            "organisation": organisation,
            "consent_ok": services.has_standing_consent(person, organisation),
        },
    )


@organisation_required
def member_sharing(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.MANAGE_TEAM)
    member = _member_of(request, person, member_pk)
    if member.ended_on is not None:
        _journal(request, JournalAction.VIEW, person, member)
        messages.info(request, "Ce professionnel ne fait plus partie de l'équipe.")
        return redirect(_person_url(person, "equipe"))
    form = forms.SharingForm(
        request.POST or None, person=person, initial=forms.SharingForm.initial_for(member)
    )
    if request.method == "POST" and form.is_valid():
        try:
            member = services.team_member_update_sharing(
                member=member, actor=request.user, role=form.cleaned_data["role"], **form.sharing()
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            _journal(
                request,
                JournalAction.UPDATE,
                person,
                member,
                summary="équipe : partage modifié : " + ", ".join(member.shared_categories),
            )
            messages.success(request, "Ce qui est partagé avec ce professionnel est modifié.")
            return redirect(_person_url(person, "equipe"))
    _journal(request, JournalAction.VIEW, person, member)
    return render(
        request,
        "network/teams/member_sharing.html",
        {**_base(request, person), "member": member, "form": form},
    )


@organisation_required
def member_end(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.MANAGE_TEAM)
    member = _member_of(request, person, member_pk)
    if member.ended_on is not None:
        _journal(request, JournalAction.VIEW, person, member)
        messages.info(request, "Ce professionnel ne fait déjà plus partie de l'équipe.")
        return redirect(_person_url(person, "equipe"))
    form = forms.EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_end(
                member=member, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            _journal(request, JournalAction.UPDATE, person, member, summary="équipe : fin")
            messages.success(
                request,
                f"{member.user.get_full_name() or member.user.email} ne fait plus partie de "
                "l'équipe : son accès au dossier est fermé.",
            )
            return redirect(_person_url(person, "equipe"))
    _journal(request, JournalAction.VIEW, person, member)
    return render(
        request,
        "network/teams/member_end.html",
        {**_base(request, person), "member": member, "form": form},
    )


@organisation_required
def member_leave(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.VIEW)
    member = _member_of(request, person, member_pk)
    if (
        member.user_id != request.user.pk
        or member.organisation_id != request.organisation.pk
        or member.ended_on is not None
    ):
        raise _denied(
            request, person, "network.teammember", member.pk, "quitter l'équipe : pas ce membre"
        )
    context = {**_base(request, person), "member": member}
    if request.method == "POST":
        try:
            services.team_member_leave(member=member, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            _journal(request, JournalAction.UPDATE, person, member, summary="équipe : départ")
            messages.success(
                request,
                f"Vous avez quitté l'équipe de coordination de {context['person_label']}.",
            )
            return redirect("teams:cofollowed")
    _journal(request, JournalAction.VIEW, person, member)
    return render(request, "network/teams/member_leave.html", context)


# --- Shared views of the record ------------------------------------------------------------


def shared_diagnostics(person: Person, person_access: Access) -> list[dict]:
    """The person's diagnostics with only the domains this access may read (the others are
    not even loaded). Two queries."""
    allowed = [d.value for d in Domain if person_access.sees_domain(d.value)]
    diagnostics = (
        Diagnostic.objects.filter(person=person)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=DomainAssessment.objects.filter(domain__in=allowed).order_by("domain"),
            )
        )
        .order_by("-assessed_on", "-id")
    )
    labels = dict(Domain.choices)
    order = {d.value: i for i, d in enumerate(Domain)}
    sees_health = person_access.sees_domain(Domain.HEALTH)
    result = []
    for diagnostic in diagnostics:
        facts = []
        if diagnostic.no_shelter_tonight:
            facts.append("Sans solution d'hébergement pour ce soir")
        if diagnostic.no_resources:
            facts.append("Aucune ressource")
        if diagnostic.violence:
            facts.append("Violences subies ou personne en danger")
        if diagnostic.health_emergency and sees_health:
            facts.append("Urgence de santé")
        if diagnostic.eviction_on:
            facts.append(f"Expulsion prévue le {diagnostic.eviction_on:%d/%m/%Y}")
        assessments = sorted(diagnostic.assessments.all(), key=lambda a: order[a.domain])
        result.append(
            {
                "diagnostic": diagnostic,
                "urgency": diagnostic.get_urgency_display(),
                "facts": facts,
                "domains": [
                    {
                        "label": labels[a.domain],
                        "assessment": a,
                        "difficulty": a.get_difficulty_display()
                        if a.difficulty is not None
                        else "Non évalué",
                    }
                    for a in assessments
                ],
            }
        )
    return result


def allowed_domain_labels(person_access: Access) -> list[str]:
    return [d.label for d in Domain if person_access.sees_domain(d.value)]


@organisation_required
@require_GET
def shared_diagnostic(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.READ_DIAGNOSTIC)
    context = _base(request, person)
    person_access = context["access"]
    diagnostics = shared_diagnostics(person, person_access)
    _journal(
        request,
        JournalAction.VIEW,
        person,
        summary="diagnostic partagé : " + ", ".join(allowed_domain_labels(person_access)),
    )
    return render(
        request,
        "network/teams/shared_diagnostic.html",
        {
            **context,
            "diagnostics": diagnostics,
            "domain_labels": allowed_domain_labels(person_access),
        },
    )


@organisation_required
@require_GET
def shared_notes(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.READ_NOTES)
    context = _base(request, person)
    notes = list(
        Note.objects.filter(person=person)
        .filter(context["access"].notes_q())
        .select_related("author")
        .order_by("-occurred_on", "-id")[: SHARED_NOTES_ON_PAGE + 1]
    )
    _journal(request, JournalAction.VIEW, person, summary=f"écrits partagés ({len(notes)})")
    return render(
        request,
        "network/teams/shared_notes.html",
        {
            **context,
            "notes": notes[:SHARED_NOTES_ON_PAGE],
            "more": len(notes) > SHARED_NOTES_ON_PAGE,
        },
    )


@organisation_required
@require_GET
def shared_document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.READ_DOCUMENTS)
    if not access(request.membership, person).sees_document(document_pk):
        raise _denied(request, person, "people.document", document_pk, "document non partagé")
    document = Document.objects.filter(pk=document_pk, person=person).first()
    if document is None:
        raise _denied(request, person, "people.document", document_pk, "hors de ce dossier")
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    _journal(
        request, JournalAction.VIEW, person, document, summary="téléchargement (document partagé)"
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- What a co-following professional adds -------------------------------------------------


def _open_pathways(person: Person):
    return Pathway.objects.filter(person=person, status=PathwayStatus.ACTIVE).order_by(
        "-started_on", "-pk"
    )


@organisation_required
def shared_step_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ADD_STEP)
    pathways = _open_pathways(person)
    form = forms.TeamStepForm(request.POST or None, pathways=pathways)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            step = services.team_step_add(
                membership=request.membership,
                actor=request.user,
                person=person,
                pathway=data["pathway"],
                kind=data["kind"],
                title=data["title"],
                planned_on=data["planned_on"],
                owner=data["owner"],
                owner_name=data["owner_name"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            _journal(request, JournalAction.CREATE, person, step, summary="étape (équipe)")
            messages.success(request, "Étape ajoutée au parcours.")
            from relais.network.referrals.redundancy import warn_step_added  # redundancy warnings

            warning = warn_step_added(step, organisation=request.organisation)
            if warning:
                messages.warning(request, warning)
            return redirect(_person_url(person, "parcours"))
    _journal(request, JournalAction.VIEW, person, summary="nouvelle étape (équipe)")
    return render(
        request,
        "network/teams/step_form.html",
        {**_base(request, person), "form": form, "has_pathway": pathways.exists()},
    )


@organisation_required
def shared_note_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ADD_NOTE)
    form = forms.TeamNoteForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    flags: list = []
    if request.method == "POST" and form.is_valid():
        flags = writing_check.check_text(form.cleaned_data["body"])
        fingerprint = writing_check.flags_fingerprint(flags)
        accepted = not flags or (
            request.POST.get("save_anyway") == "1"
            and form.cleaned_data.get("flags_seen") == fingerprint
        )
        if accepted:
            try:
                note = services.team_note_add(
                    membership=request.membership,
                    actor=request.user,
                    person=person,
                    kind=form.cleaned_data["kind"],
                    occurred_on=form.cleaned_data["occurred_on"],
                    body=form.cleaned_data["body"],
                    writing_flags=[f.as_stored() for f in writing_check.grouped(flags)],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                _journal(request, JournalAction.CREATE, person, note, summary="écrit (équipe)")
                messages.success(request, "Écrit enregistré et partagé avec l'équipe.")
                return redirect(_person_url(person, "ecrits"))
        else:
            data = form.data.copy()
            data["flags_seen"] = fingerprint
            form = forms.TeamNoteForm(data)
            form.is_valid()
    _journal(request, JournalAction.VIEW, person, summary="nouvel écrit (équipe)")
    body = form["body"].value() or ""
    return render(
        request,
        "network/teams/note_form.html",
        {
            **_base(request, person),
            "form": form,
            "flags": writing_check.grouped(flags),
            "segments": writing_check.highlight(body, flags) if flags else [],
        },
    )


@organisation_required
def shared_appointment_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ADD_APPOINTMENT)
    form = forms.TeamAppointmentForm(request.POST or None, initial={"duration_minutes": 45})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.team_appointment_add(
                membership=request.membership,
                actor=request.user,
                person=person,
                starts_at=form.starts_at(),
                purpose=data["purpose"],
                duration_minutes=data["duration_minutes"],
                location=data["location"],
            )
        except DomainError as error:
            apply_domain_error(form, error, {"starts_at": "day"})
        else:
            _journal(
                request, JournalAction.CREATE, person, appointment, summary="rendez-vous (équipe)"
            )
            messages.success(request, "Rendez-vous enregistré.")
            return redirect(_person_url(person, "rendez-vous"))
    _journal(request, JournalAction.VIEW, person, summary="nouveau rendez-vous (équipe)")
    return render(
        request, "network/teams/appointment_form.html", {**_base(request, person), "form": form}
    )


# --- Case conferences ----------------------------------------------------------------------


def _conference_of(request: HttpRequest, person: Person, conference_pk: int) -> CaseConference:
    conference = (
        CaseConference.objects.filter(pk=conference_pk, person=person)
        .select_related("author")
        .prefetch_related(
            "participants",
            # The step's pathway comes along: the journal sees the step hang from the person.
            Prefetch(
                "decisions", queryset=ConferenceDecision.objects.select_related("step__pathway")
            ),
        )
        .first()
    )
    if conference is None:
        raise _denied(
            request, person, "network.caseconference", conference_pk, "hors de ce dossier"
        )
    conference.person = person
    return conference


def _decision_inputs(formset) -> list[conference_services.DecisionInput]:
    inputs = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        text = (data.get("text") or "").strip()
        if text:
            inputs.append(
                conference_services.DecisionInput(
                    text=text,
                    owner=data["owner"],
                    owner_name=data.get("owner_name") or "",
                    due_on=data.get("due_on"),
                    kind=data["kind"],
                )
            )
    return inputs


def _conference_error(form, formset, error: DomainError) -> None:
    """Show a service error next to its field: the conference's, or a decision's
    ("decision-<n>-<field>", the step's "title" being the decision's "text")."""
    field = error.field or ""
    if field.startswith("decision-"):
        _, index, name = field.split("-", 2)
        name = {"title": "text"}.get(name, name)
        numbered = [f for f in formset.forms if (f.cleaned_data or {}).get("text")]
        if index.isdigit() and int(index) < len(numbered):
            target = numbered[int(index)]
            target.add_error(name if name in target.fields else None, error.message)
            return
    apply_domain_error(form, error)


def _conference_page(request, person, *, form, formset, conference, status=200):
    return render(
        request,
        "network/conferences/conference_form.html",
        {
            **_base(request, person),
            "form": form,
            "formset": formset,
            "conference": conference,
            "has_pathway": "pathway" in form.fields,
        },
        status=status,
    )


@organisation_required
def conference_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.TEAM)
    choices = conference_services.participant_choices(person)
    pathways = conference_services.open_pathways(person)
    form = forms.ConferenceForm(
        request.POST or None,
        choices=choices,
        pathways=pathways,
        initial={"held_on": timezone.localdate(), "participants": [request.user.pk]},
    )
    formset = forms.DecisionFormSet(request.POST or None, prefix="decision")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            conference = conference_services.case_conference_create(
                membership=request.membership,
                actor=request.user,
                person=person,
                **_conference_fields(data),
                decisions=_decision_inputs(formset),
            )
        except DomainError as error:
            _conference_error(form, formset, error)
        else:
            count = conference.decisions.count()
            _journal(
                request,
                JournalAction.CREATE,
                person,
                conference,
                summary=f"réunion de synthèse : {count} décision(s)",
            )
            messages.success(
                request,
                "Réunion de synthèse enregistrée"
                + (
                    f" : {count} décision{'s' if count > 1 else ''} ajoutée{'s' if count > 1 else ''} au parcours."
                    if count
                    else "."
                ),
            )
            return redirect("teams:conference_detail", pk=person.pk, conference_pk=conference.pk)
    _journal(request, JournalAction.VIEW, person, summary="nouvelle réunion de synthèse")
    return _conference_page(request, person, form=form, formset=formset, conference=None)


def _conference_fields(data: dict) -> dict:
    """What the conference form gives the services, on creation as on update."""
    names = ("held_on", "participants", "person_present", "other_participants", "agenda", "minutes")
    return {**{name: data[name] for name in names}, "pathway": data.get("pathway")}


@organisation_required
def conference_update(request: HttpRequest, pk: int, conference_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.TEAM)
    conference = _conference_of(request, person, conference_pk)
    choices = conference_services.participant_choices(person)
    pathways = conference_services.open_pathways(person)
    form = forms.ConferenceForm(
        request.POST or None,
        choices=choices,
        pathways=pathways,
        initial={
            "held_on": conference.held_on,
            "participants": [u.pk for u in conference.participants.all()],
            "person_present": conference.person_present,
            "other_participants": conference.other_participants,
            "agenda": conference.agenda,
            "minutes": conference.minutes,
        },
    )
    formset = forms.DecisionFormSet(request.POST or None, prefix="decision")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            conference_services.case_conference_update(
                membership=request.membership,
                actor=request.user,
                conference=conference,
                **_conference_fields(data),
                new_decisions=_decision_inputs(formset),
            )
        except DomainError as error:
            _conference_error(form, formset, error)
        else:
            _journal(
                request, JournalAction.UPDATE, person, conference, summary="réunion de synthèse"
            )
            messages.success(request, "Réunion de synthèse mise à jour.")
            return redirect("teams:conference_detail", pk=person.pk, conference_pk=conference.pk)
    _journal(request, JournalAction.VIEW, person, conference)
    return _conference_page(request, person, form=form, formset=formset, conference=conference)


@organisation_required
@require_GET
def conference_detail(request: HttpRequest, pk: int, conference_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.TEAM)
    conference = _conference_of(request, person, conference_pk)
    _journal(request, JournalAction.VIEW, person, conference, summary="réunion de synthèse")
    return render(
        request,
        "network/conferences/conference_detail.html",
        {
            **_base(request, person),
            "conference": conference,
            "participants": [u.get_full_name() or u.email for u in conference.participants.all()],
            "decisions": list(conference.decisions.all()),
        },
    )


@organisation_required
@require_GET
def conference_pdf(request: HttpRequest, pk: int, conference_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.TEAM)
    conference = _conference_of(request, person, conference_pk)
    label = person_label(person, access(request.membership, person))
    pdf = conference_services.minutes_pdf(conference, person_label=label)
    _journal(
        request,
        JournalAction.EXPORT,
        person,
        conference,
        summary="compte rendu de réunion de synthèse (PDF)",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"reunion-de-synthese-{person.pk}-{conference.held_on:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
