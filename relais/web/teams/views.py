"""Coordination team pages: the "Personnes co-suivies" list, inviting a professional of
another organisation and what is shared with them, ending or leaving a membership.

What a co-following professional sees and adds is in `shared_views`, case conferences in
`relais.web.conferences`; the URLs of all three are in `urls` (namespace "teams").

Every view fetches the person through `get_person` with the capability it needs (a
co-following professional gets 404 for a category not shared with them, journaled as
denied), and journals what it reads or writes with the person's organisation as the
record's organisation and the user's organisation as the actor's (cross-organisation
reads are visible in the holder's journal)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.network.coordination import selectors
from relais.network.coordination import teams as services
from relais.network.coordination.models import SharedCategory, TeamMember
from relais.people.models import Person
from relais.people.policies import Capability
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission
from relais.web.teams import forms
from relais.web.teams.common import base_context, denied, journal_person, person_url


def _member_of(request: HttpRequest, person: Person, member_pk: int) -> TeamMember:
    member = (
        TeamMember.objects.of_person(person.pk)
        .filter(pk=member_pk)
        .select_related("team", "user", "organisation")
        .prefetch_related("shared_documents")
        .first()
    )
    if member is None:
        raise denied(request, person, "network.teammember", member_pk, "hors de ce dossier")
    return member


# --- Persons I co-follow -------------------------------------------------------------------


@organisation_required
@require_GET
def cofollowed_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.cofollowed(request.membership)
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


# --- Managing the team ---------------------------------------------------------------------


@organisation_required
@once_per_submission
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.MANAGE_TEAM)
    context = base_context(request, person)
    pick = forms.OrganisationPickForm(
        request.GET if "structure" in request.GET else None, person=person
    )
    if not pick.is_bound or not pick.is_valid():
        journal_person(
            request, JournalAction.VIEW, person, summary="équipe : inviter un professionnel"
        )
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
            journal_person(
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
            return redirect(person_url(person, "equipe"))
    journal_person(request, JournalAction.VIEW, person, summary="équipe : inviter un professionnel")
    return render(
        request,
        "network/teams/member_add.html",
        {
            **context,
            "pick": pick,
            "form": form,
            "organisation": organisation,
            "consent_ok": selectors.has_standing_consent(person, organisation),
        },
    )


@organisation_required
def member_sharing(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.MANAGE_TEAM)
    member = _member_of(request, person, member_pk)
    if member.ended_on is not None:
        journal_person(request, JournalAction.VIEW, person, member)
        messages.info(request, "Ce professionnel ne fait plus partie de l'équipe.")
        return redirect(person_url(person, "equipe"))
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
            journal_person(
                request,
                JournalAction.UPDATE,
                person,
                member,
                summary="équipe : partage modifié : " + ", ".join(member.shared_categories),
            )
            messages.success(request, "Ce qui est partagé avec ce professionnel est modifié.")
            return redirect(person_url(person, "equipe"))
    journal_person(request, JournalAction.VIEW, person, member)
    return render(
        request,
        "network/teams/member_sharing.html",
        {**base_context(request, person), "member": member, "form": form},
    )


@organisation_required
def member_end(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.MANAGE_TEAM)
    member = _member_of(request, person, member_pk)
    if member.ended_on is not None:
        journal_person(request, JournalAction.VIEW, person, member)
        messages.info(request, "Ce professionnel ne fait déjà plus partie de l'équipe.")
        return redirect(person_url(person, "equipe"))
    form = forms.EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_end(
                member=member, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal_person(request, JournalAction.UPDATE, person, member, summary="équipe : fin")
            messages.success(
                request,
                f"{member.user.get_full_name() or member.user.email} ne fait plus partie de "
                "l'équipe : son accès au dossier est fermé.",
            )
            return redirect(person_url(person, "equipe"))
    journal_person(request, JournalAction.VIEW, person, member)
    return render(
        request,
        "network/teams/member_end.html",
        {**base_context(request, person), "member": member, "form": form},
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
        raise denied(
            request, person, "network.teammember", member.pk, "quitter l'équipe : pas ce membre"
        )
    context = {**base_context(request, person), "member": member}
    if request.method == "POST":
        try:
            services.team_member_leave(member=member, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            journal_person(request, JournalAction.UPDATE, person, member, summary="équipe : départ")
            messages.success(
                request,
                f"Vous avez quitté l'équipe de coordination de {context['person_label']}.",
            )
            return redirect("teams:cofollowed")
    journal_person(request, JournalAction.VIEW, person, member)
    return render(request, "network/teams/member_leave.html", context)
