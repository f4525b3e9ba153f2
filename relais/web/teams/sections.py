"""Sections of the person page owned by the network domain (team).

- "equipe" (Équipe de coordination): for the référents and managers of the person's
  organisation and for the active team members: référents, members (role, organisation,
  dates, what is shared), history, case conferences, and the actions each may take.
- The shared views, for a co-following professional only (`Access.is_team`), under the
  same keys as the organisation's own sections ("identite", "situation", "diagnostic",
  "parcours", "rendez-vous", "ecrits", "documents"): those of the organisation ask for
  capabilities a team member never has and return None for them, so one section per key
  is shown. Each shows only what the access allows, with a fixed number of queries.
  `shared_diagnostics` also feeds the full page of the shared diagnostic (`shared_views`).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from relais.core.communes import get_commune
from relais.diagnostics.domains import Domain, barriers
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.network.coordination import conferences as conference_services
from relais.network.coordination import selectors as team_selectors
from relais.network.coordination.models import SharedCategory
from relais.network.coordination.sharing import Access
from relais.pathways.models import Appointment, Goal, Note, Pathway, PathwayStatus, Step
from relais.people.models import Document, Person, Resource
from relais.people.policies import Capability, access, can
from relais.web.people.sections import Section

NOTES_IN_SECTION = 10
APPOINTMENTS_IN_SECTION = 20


def _team_access(request: HttpRequest, person: Person, capability: Capability) -> Access | None:
    person_access = access(request.membership, person)
    if not person_access.is_team or not person_access.allows(capability):
        return None
    return person_access


def _category_labels(codes) -> list[str]:
    wanted = set(codes or [])
    return [SharedCategory(c).label for c in SharedCategory.values if c in wanted]


# --- Équipe de coordination ------------------------------------------------------------------


def team_section(request: HttpRequest, person: Person) -> dict | None:
    if not can(request.membership, Capability.TEAM, person):
        return None
    manages = can(request.membership, Capability.MANAGE_TEAM, person)
    rows = []
    for member in team_selectors.team_members(person):
        is_me = (
            member.user_id == request.user.pk
            and member.organisation_id == request.membership.organisation_id
        )
        rows.append(
            {
                "member": member,
                "name": member.user.get_full_name() or member.user.email,
                "categories": _category_labels(member.shared_categories),
                "domains": [
                    Domain(d).label for d in member.shared_domains or [] if d in Domain.values
                ],
                "health": member.health_consent_on is not None
                and SharedCategory.HEALTH in (member.shared_categories or []),
                "documents_count": member.documents_count
                if SharedCategory.DOCUMENTS in (member.shared_categories or [])
                else 0,
                "suspended": member.ended_on is None and not member.has_consent,
                "can_manage": manages and member.ended_on is None,
                "can_leave": is_me and member.ended_on is None,
                "is_me": is_me,
            }
        )
    return {
        "person": person,
        "pathways": conference_services.open_pathways(person),
        "current": [r for r in rows if r["member"].ended_on is None],
        "past": [r for r in rows if r["member"].ended_on is not None],
        "conferences": conference_services.conferences_of(person),
        "can_manage": manages,
        "add_url": reverse("teams:member_add", args=[person.pk]),
        "conference_url": reverse("teams:conference_create", args=[person.pk]),
    }


# --- Shared views for a co-following professional --------------------------------------------


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


def shared_identity(request: HttpRequest, person: Person) -> dict | None:
    if _team_access(request, person, Capability.READ_IDENTITY) is None:
        return None
    return {
        "person": person,
        "commune": get_commune(person.commune_code) if person.commune_code else None,
    }


def shared_situation(request: HttpRequest, person: Person) -> dict | None:
    person_access = _team_access(request, person, Capability.READ_SITUATION)
    if person_access is None:
        return None
    labels = dict(Resource.choices)
    return {
        "person": person,
        "children_count": len(person.children_ages or []),
        "resources": [labels.get(r, r) for r in person.resources or []],
        # The RQTH is a health datum: shown only with the health category.
        "show_rqth": person_access.sees_domain(Domain.HEALTH),
    }


def shared_diagnostic_section(request: HttpRequest, person: Person) -> dict | None:
    person_access = _team_access(request, person, Capability.READ_DIAGNOSTIC)
    if person_access is None:
        return None
    diagnostics = shared_diagnostics(person, person_access)
    vocabulary = barriers()
    latest = diagnostics[0] if diagnostics else None
    if latest is not None:
        for domain in latest["domains"]:
            codes = list(domain["assessment"].barriers or [])
            domain["barriers"] = [vocabulary[c].label for c in codes if c in vocabulary]
    return {
        "person": person,
        "latest": latest,
        "count": len(diagnostics),
        "domain_labels": allowed_domain_labels(person_access),
        "page_url": reverse("teams:shared_diagnostic", args=[person.pk]),
    }


def shared_pathways(request: HttpRequest, person: Person) -> dict | None:
    person_access = _team_access(request, person, Capability.READ_STEPS)
    if person_access is None:
        return None
    pathways = list(
        Pathway.objects.filter(person=person)
        .select_related("referent")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("pk")),
            Prefetch("steps", queryset=Step.objects.order_by("planned_on", "pk")),
        )
        .order_by("status", "-started_on", "-pk")
    )
    plans = []
    for pathway in pathways:
        goals = {g.pk: {"goal": g, "steps": []} for g in pathway.goals.all()}
        unlinked = {"goal": None, "steps": []}
        for step in pathway.steps.all():
            goals.get(step.goal_id, unlinked)["steps"].append(step)
        blocks = list(goals.values())
        if unlinked["steps"]:
            blocks.append(unlinked)
        plans.append({"pathway": pathway, "blocks": blocks})
    return {
        "person": person,
        "plans": plans,
        "can_add": person_access.allows(Capability.ADD_STEP)
        and any(p["pathway"].status == PathwayStatus.ACTIVE for p in plans),
        "add_url": reverse("teams:step_create", args=[person.pk]),
    }


def shared_appointments(request: HttpRequest, person: Person) -> dict | None:
    person_access = _team_access(request, person, Capability.ADD_APPOINTMENT)
    if person_access is None:
        return None
    appointments = list(
        Appointment.objects.filter(person=person)
        .filter(person_access.appointments_q())
        .select_related("with_user")
        .order_by("-starts_at")[:APPOINTMENTS_IN_SECTION]
    )
    now = timezone.now()
    return {
        "person": person,
        "upcoming": sorted(
            (a for a in appointments if a.starts_at >= now), key=lambda a: a.starts_at
        ),
        "past": [a for a in appointments if a.starts_at < now],
        "add_url": reverse("teams:appointment_create", args=[person.pk]),
    }


def shared_notes_section(request: HttpRequest, person: Person) -> dict | None:
    person_access = _team_access(request, person, Capability.READ_NOTES)
    if person_access is None:
        return None
    notes = list(
        Note.objects.filter(person=person)
        .filter(person_access.notes_q())
        .select_related("author")
        .order_by("-occurred_on", "-id")[: NOTES_IN_SECTION + 1]
    )
    return {
        "person": person,
        "notes": notes[:NOTES_IN_SECTION],
        "more": len(notes) > NOTES_IN_SECTION,
        "list_url": reverse("teams:shared_notes", args=[person.pk]),
        "add_url": reverse("teams:note_create", args=[person.pk])
        if person_access.allows(Capability.ADD_NOTE)
        else "",
    }


def shared_documents(request: HttpRequest, person: Person) -> dict | None:
    person_access = _team_access(request, person, Capability.READ_DOCUMENTS)
    if person_access is None:
        return None
    rows = list(
        Document.objects.filter(person=person)
        .filter(person_access.documents_q())
        .order_by("-created_at", "-pk")
    )
    return {"person": person, "rows": rows}


SECTIONS: list = [
    Section(
        "identite", "Identité et contact", "network/teams/shared/identity.html", shared_identity
    ),
    Section("situation", "Situation", "network/teams/shared/situation.html", shared_situation),
    Section(
        "diagnostic",
        "Diagnostic partagé",
        "network/teams/shared/diagnostic.html",
        shared_diagnostic_section,
    ),
    Section(
        "parcours",
        "Parcours, objectifs et étapes",
        "network/teams/shared/pathways.html",
        shared_pathways,
    ),
    Section(
        "equipe",
        "Équipe de coordination",
        "network/teams/section.html",
        team_section,
        Capability.TEAM,
    ),
    Section(
        "rendez-vous",
        "Vos rendez-vous avec la personne",
        "network/teams/shared/appointments.html",
        shared_appointments,
    ),
    Section(
        "ecrits",
        "Écrits partagés avec l'équipe",
        "network/teams/shared/notes.html",
        shared_notes_section,
    ),
    Section(
        "documents", "Documents partagés", "network/teams/shared/documents.html", shared_documents
    ),
]
