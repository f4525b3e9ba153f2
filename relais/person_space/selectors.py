"""What the person reads in their space, each page in a fixed number of queries whatever
the size of the record. Of the notes, only those written for the person appear here
(visibility « la personne », decision 0065): author-only, organisation and team notes are
professionals' writings and never do. Diagnostics show the domains and the person's own
words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.network.coordination.models import TeamMember
from relais.pathways.contract import OnlineSignature, printable
from relais.pathways.models import (
    Appointment,
    Contract,
    Goal,
    GoalStatus,
    Note,
    NoteVisibility,
    Pathway,
    Review,
    Step,
    StepStatus,
)
from relais.people.models import Consent, Document
from relais.person_space.models import (
    Cosignature,
    DocumentRequest,
    Message,
    MessageAuthor,
    RequestStatus,
    SpaceAccess,
)

OPEN_STEP_STATUSES = (StepStatus.PLANNED, StepStatus.IN_PROGRESS, StepStatus.ON_HOLD)
HOME_ROWS = 8


def current_pathway(person_id: int) -> Pathway | None:
    return (
        Pathway.objects.active()
        .filter(person_id=person_id)
        .select_related("referent", "organisation")
        .order_by("-started_on", "-id")
        .first()
    )


@dataclass
class Home:
    pathway: Pathway | None
    next_steps: list[Step]
    done_steps: list[Step]
    appointments: list[Appointment]
    goals: list[Goal]
    requests: list[DocumentRequest]
    unread: int
    contract_to_sign: Contract | None
    latest_note: Note | None = None


def home(access: SpaceAccess, *, now: dt.datetime | None = None) -> Home:
    now = now or timezone.now()
    person_id = access.person_id
    pathway = current_pathway(person_id)
    next_steps: list[Step] = []
    done_steps: list[Step] = []
    goals: list[Goal] = []
    to_sign = None
    if pathway is not None:
        steps = Step.objects.filter(pathway=pathway)
        next_steps = list(
            steps.filter(status__in=OPEN_STEP_STATUSES).order_by("planned_on", "id")[:HOME_ROWS]
        )
        done_steps = list(
            steps.filter(status=StepStatus.DONE).order_by("-done_on", "-id")[:HOME_ROWS]
        )
        goals = list(
            Goal.objects.filter(pathway=pathway)
            .exclude(status=GoalStatus.ABANDONED)
            .order_by("deadline", "id")
        )
        latest = Contract.objects.filter(pathway=pathway).order_by("-number").first()
        if latest is not None and not Cosignature.objects.filter(contract=latest).exists():
            to_sign = latest
    appointments = list(
        Appointment.objects.filter(person_id=person_id, starts_at__gte=now)
        .select_related("with_user")
        .order_by("starts_at")[:HOME_ROWS]
    )
    requests = list(
        DocumentRequest.objects.filter(person_id=person_id, status=RequestStatus.OPEN).order_by(
            "due_on"
        )[:HOME_ROWS]
    )
    unread = Message.objects.filter(
        person_id=person_id, author_kind=MessageAuthor.PROFESSIONAL, read_at__isnull=True
    ).count()
    latest_note = notes_for_person(person_id, limit=1)
    return Home(
        pathway,
        next_steps,
        done_steps,
        appointments,
        goals,
        requests,
        unread,
        to_sign,
        latest_note[0] if latest_note else None,
    )


def notes_for_person(person_id: int, *, limit: int = 100) -> list[Note]:
    """The notes written for the person, newest first: the only notes the space reads."""
    return list(
        Note.objects.filter(person_id=person_id, visibility=NoteVisibility.PERSON)
        .select_related("author")
        .order_by("-occurred_on", "-id")[:limit]
    )


def team(person_id: int) -> list[TeamMember]:
    """The professionals of the person's coordination team (with the consent standing)."""
    return list(
        TeamMember.objects.of_person(person_id)
        .active()
        .select_related("user", "organisation")
        .order_by("started_on", "id")[:20]
    )


def pathway_detail(person_id: int) -> tuple[Pathway | None, list[Goal], list[Step]]:
    pathway = current_pathway(person_id)
    if pathway is None:
        return None, [], []
    goals = list(Goal.objects.filter(pathway=pathway).order_by("deadline", "id"))
    steps = list(Step.objects.filter(pathway=pathway).order_by("planned_on", "id")[:200])
    return pathway, goals, steps


def appointments(person_id: int, *, now: dt.datetime | None = None) -> list[Appointment]:
    now = now or timezone.now()
    return list(
        Appointment.objects.filter(person_id=person_id, starts_at__gte=now - dt.timedelta(days=1))
        .select_related("with_user")
        .order_by("starts_at")[:50]
    )


def contracts(person_id: int) -> list[Contract]:
    return list(
        Contract.objects.filter(pathway__person_id=person_id)
        .select_related("pathway")
        .annotate(cosigned=Count("cosignature"))
        .order_by("-pathway__started_on", "-number")[:20]
    )


def _terms_index(content: dict) -> tuple[dict, dict]:
    goals = {g["id"]: g for g in content.get("goals", [])}
    steps = {s["id"]: s for s in content.get("steps", [])}
    return goals, steps


def changes_since(previous: Contract | None, contract: Contract) -> list[str]:
    """What changed from the previous version, in plain words (FALC-friendly)."""
    if previous is None:
        return []
    old_goals, old_steps = _terms_index(previous.content)
    new_goals, new_steps = _terms_index(contract.content)
    lines = []
    for gid, goal in new_goals.items():
        if gid not in old_goals:
            lines.append(f"Nouvel objectif : {goal['text']}")
        elif old_goals[gid] != goal:
            lines.append(f"Objectif modifié : {goal['text']}")
    lines += [
        f"Objectif retiré : {g['text']}" for gid, g in old_goals.items() if gid not in new_goals
    ]
    for sid, step in new_steps.items():
        if sid not in old_steps:
            lines.append(f"Nouvelle étape : {step['title']}")
        elif old_steps[sid] != step:
            lines.append(f"Étape modifiée : {step['title']}")
    lines += [
        f"Étape retirée : {s['title']}" for sid, s in old_steps.items() if sid not in new_steps
    ]
    if previous.commitments_person != contract.commitments_person:
        lines.append("Vos engagements ont changé.")
    if previous.commitments_organisation != contract.commitments_organisation:
        lines.append("Les engagements de la structure ont changé.")
    return lines


@dataclass
class ContractView:
    contract: Contract
    terms: dict
    changes: list[str]
    is_latest: bool
    cosignature: Cosignature | None


def contract_view(person_id: int, contract_id: int) -> ContractView | None:
    contract = (
        Contract.objects.filter(pk=contract_id, pathway__person_id=person_id)
        .select_related("pathway")
        .first()
    )
    if contract is None:
        return None
    around = list(
        Contract.objects.filter(pathway_id=contract.pathway_id)
        .filter(Q(number=contract.number - 1) | Q(number__gt=contract.number))
        .order_by("number")[:2]
    )
    previous = next((c for c in around if c.number == contract.number - 1), None)
    is_latest = not any(c.number > contract.number for c in around)
    cosignature = Cosignature.objects.filter(contract=contract).first()
    return ContractView(
        contract, printable(contract), changes_since(previous, contract), is_latest, cosignature
    )


@dataclass
class ConsentRow:
    consent: Consent
    in_force: bool


def consents(person_id: int) -> list[Consent]:
    """The decisions in force (not superseded), newest first; the history is the rest."""
    return list(
        Consent.objects.filter(person_id=person_id)
        .select_related("partner_organisation")
        .annotate(superseded=Count("superseded_by"))
        .order_by("-decided_on", "-id")[:100]
    )


def documents(person_id: int) -> tuple[list[Document], list[DocumentRequest]]:
    docs = list(Document.objects.filter(person_id=person_id).order_by("-created_at")[:100])
    requests = list(
        DocumentRequest.objects.filter(person_id=person_id)
        .select_related("document")
        .order_by("-created_at")[:50]
    )
    return docs, requests


def diagnostics(person_id: int) -> tuple[Diagnostic | None, list[DomainAssessment]]:
    diagnostic = (
        Diagnostic.objects.filter(person_id=person_id).order_by("-assessed_on", "-id").first()
    )
    if diagnostic is None:
        return None, []
    return diagnostic, list(DomainAssessment.objects.filter(diagnostic=diagnostic))


def reviews(person_id: int, *, limit: int = 5) -> list[Review]:
    """The person's latest reviews: the date, what they said and what was decided (not the
    risks and success factors, which are the professional's analysis)."""
    return list(
        Review.objects.filter(pathway__person_id=person_id)
        .only("id", "pathway_id", "held_on", "person_view", "adjustments", "next_review_on")
        .order_by("-held_on", "-id")[:limit]
    )


def messages(person_id: int, *, limit: int = 50) -> list[Message]:
    return list(Message.objects.filter(person_id=person_id).select_related("author_user")[:limit])


def cosignatures_by_contract(contract_ids) -> dict[int, Cosignature]:
    """The person's online signatures of these contract versions, in one query (for the
    professional's pathway pages, which `pathways` may not build itself: layers)."""
    ids = [pk for pk in contract_ids if pk is not None]
    if not ids:
        return {}
    return {s.contract_id: s for s in Cosignature.objects.filter(contract_id__in=ids)}


def online_signature_for_print(contract_id: int) -> OnlineSignature | None:
    """What the contract's PDF prints of the person's online signature, or None."""
    found = Cosignature.objects.filter(contract_id=contract_id).first()
    if found is None:
        return None
    return OnlineSignature(
        signed_at=found.signed_at,
        method=found.get_method_display(),
        content_hash=found.content_hash,
    )
