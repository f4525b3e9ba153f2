"""What each kind of record contributes to a person's timeline: one reader per kind, one
query each (`.values()`: no model instances, only the columns shown, long texts cut in the
database), limited to `n` rows. `relais.records.timeline` merges them."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Coalesce, Substr, TruncDate
from django.utils import timezone

from relais.core.links import link
from relais.diagnostics.models import Diagnostic, Urgency
from relais.pathways.models import (
    DYNAMIC_EXITS,
    Appointment,
    Contract,
    Exit,
    ExitCategory,
    Note,
    NoteKind,
    NoteVisibility,
    Participation,
    Pathway,
    Review,
    Scheme,
    SignatureMode,
    Step,
    StepKind,
    StepStatus,
)
from relais.people.models import (
    Consent,
    ConsentPurpose,
    ConsentStatus,
    LifeEvent,
    LifeEventKind,
    Person,
)
from relais.records.timeline.items import (
    EXCERPT_CHARS,
    TimelineItem,
    TimelineKind,
    by_person,
)


def _url(kind: str, *args, anchor: str = "") -> str:
    """The address of a page if that page exists (other parts of the person page come
    from other apps), otherwise `anchor` on the person page."""
    return link(kind, *args) or anchor


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) < EXCERPT_CHARS else text[: EXCERPT_CHARS - 1].rstrip() + "…"


def _name(first: str | None, last: str | None) -> str:
    return f"{first or ''} {last or ''}".strip()


# What the timeline says of a note's readers, when not « my organisation ».
_NOTE_BADGES = {
    NoteVisibility.AUTHOR: ("Moi seul·e", "warning"),
    NoteVisibility.PERSON: ("Pour la personne", "new"),
}


@by_person(ids=("user_id",))
def _notes_rows(person_id, n, user_id):
    # Same rule as can_read_note: every note but other authors' "author only" ones (notes
    # shared with the coordination team are read by the organisation too).
    readable = ~Q(visibility=NoteVisibility.AUTHOR) | Q(author_id=user_id)
    return (
        Note.objects.filter(person_id=person_id)
        .filter(readable)
        .order_by("-occurred_on", "-id")
        .values(
            "id",
            "kind",
            "occurred_on",
            "visibility",
            "author__first_name",
            "author__last_name",
            excerpt=Substr("body", 1, EXCERPT_CHARS + 1),
        )[:n]
    )


def _notes(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _notes_rows(person.pk, n, user_id=membership.user_id)
    items = []
    for r in rows:
        badge, level = _NOTE_BADGES.get(r["visibility"], ("", "info"))
        items.append(
            TimelineItem(
                kind=TimelineKind.NOTE,
                on=r["occurred_on"],
                title=f"{NoteKind(r['kind']).label} — {_name(r['author__first_name'], r['author__last_name'])}",
                detail=_excerpt(r["excerpt"]),
                badge=badge,
                badge_level=level,
                url=_url("note", person.pk, r["id"], anchor="#ecrits"),
                key=f"note-{r['id']}",
            )
        )
    return items


_PARTICIPATION_LEVEL = {
    Participation.PLANNED: "info",
    Participation.SEEN: "success",
    Participation.EXCUSED: "warning",
    Participation.CANCELLED: "warning",
    Participation.NO_SHOW: "error",
}


@by_person
def _appointments_rows(person_id, n):
    return (
        Appointment.objects.filter(person_id=person_id)
        .order_by("-starts_at")
        .values(
            "id",
            "starts_at",
            "purpose",
            "participation",
            "location",
            "with_user__first_name",
            "with_user__last_name",
        )[:n]
    )


def _appointments(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _appointments_rows(person.pk, n)
    items = []
    for r in rows:
        local = timezone.localtime(r["starts_at"])
        with_whom = _name(r["with_user__first_name"], r["with_user__last_name"])
        detail = f"Avec {with_whom}" + (f" — {r['location']}" if r["location"] else "")
        items.append(
            TimelineItem(
                kind=TimelineKind.APPOINTMENT,
                on=local.date(),
                at=local.time().replace(microsecond=0),
                title=r["purpose"],
                detail=detail,
                badge=Participation(r["participation"]).label,
                badge_level=_PARTICIPATION_LEVEL[r["participation"]],
                url=_url("appointment", person.pk, r["id"], anchor="#rendez-vous"),
                key=f"appointment-{r['id']}",
            )
        )
    return items


_STEP_LEVEL = {
    StepStatus.PLANNED: "info",
    StepStatus.IN_PROGRESS: "new",
    StepStatus.DONE: "success",
    StepStatus.ABANDONED: "error",
    StepStatus.CANCELLED: "warning",
    StepStatus.ON_HOLD: "warning",
}


def _pathway_url(person: Person, pathway_id: int) -> str:
    return _url("pathway", person.pk, pathway_id, anchor="#parcours")


@by_person
def _steps_rows(person_id, n):
    return (
        Step.objects.filter(pathway__person_id=person_id)
        .annotate(when=Coalesce("done_on", "planned_on", TruncDate("created_at")))
        .order_by("-when", "-id")
        .values("id", "title", "kind", "status", "when", "pathway_id", "pathway__scheme")[:n]
    )


def _steps(person: Person, membership, n: int) -> list[TimelineItem]:
    # Dated by the day it was done, else the day it is planned for, else its creation.
    rows = _steps_rows(person.pk, n)
    items = []
    for r in rows:
        status = StepStatus(r["status"])
        prefix = "Étape réalisée" if status == StepStatus.DONE else "Étape"
        items.append(
            TimelineItem(
                kind=TimelineKind.STEP,
                on=r["when"],
                title=f"{prefix} : {r['title']}",
                detail=f"{StepKind(r['kind']).label} — {Scheme(r['pathway__scheme']).label}",
                badge=status.label,
                badge_level=_STEP_LEVEL[status],
                url=_pathway_url(person, r["pathway_id"]),
                key=f"step-{r['id']}",
            )
        )
    return items


@by_person
def _reviews_rows(person_id, n):
    return (
        Review.objects.filter(pathway__person_id=person_id)
        .order_by("-held_on", "-id")
        .values("id", "held_on", "next_review_on", "pathway_id", "pathway__scheme")[:n]
    )


def _reviews(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _reviews_rows(person.pk, n)
    return [
        TimelineItem(
            kind=TimelineKind.REVIEW,
            on=r["held_on"],
            title=f"Bilan — {Scheme(r['pathway__scheme']).label}",
            detail=(
                f"Prochain bilan prévu le {r['next_review_on']:%d/%m/%Y}"
                if r["next_review_on"]
                else ""
            ),
            url=_url("review", person.pk, r["id"], anchor="")
            or _pathway_url(person, r["pathway_id"]),
            key=f"review-{r['id']}",
        )
        for r in rows
    ]


_URGENCY_LEVEL = {0: "success", 1: "info", 2: "warning", 3: "error"}


@by_person
def _diagnostics_rows(person_id, n):
    return (
        Diagnostic.objects.filter(person_id=person_id)
        .order_by("-assessed_on", "-id")
        .values("id", "assessed_on", "urgency", "validated_with_person_on")[:n]
    )


def _diagnostics(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _diagnostics_rows(person.pk, n)
    return [
        TimelineItem(
            kind=TimelineKind.DIAGNOSTIC,
            on=r["assessed_on"],
            title="Diagnostic partagé",
            detail=(
                f"Validé avec la personne le {r['validated_with_person_on']:%d/%m/%Y}"
                if r["validated_with_person_on"]
                else "Pas encore validé avec la personne"
            ),
            badge=Urgency(r["urgency"]).label,
            badge_level=_URGENCY_LEVEL.get(r["urgency"], "info"),
            url=_url("diagnostic", person.pk, r["id"], anchor="#diagnostic"),
            key=f"diagnostic-{r['id']}",
        )
        for r in rows
    ]


@by_person
def _consents_rows(person_id, n):
    return (
        Consent.objects.filter(person_id=person_id)
        .order_by("-decided_on", "-id")
        .values("id", "purpose", "status", "decided_on", "partner_organisation__name")[:n]
    )


def _consents(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _consents_rows(person.pk, n)
    items = []
    for r in rows:
        given = r["status"] == ConsentStatus.GIVEN
        detail = r["partner_organisation__name"] or ""
        items.append(
            TimelineItem(
                kind=TimelineKind.CONSENT,
                on=r["decided_on"],
                title=f"Consentement {'donné' if given else 'retiré'} : "
                f"{ConsentPurpose(r['purpose']).label}",
                detail=detail,
                badge="Donné" if given else "Retiré",
                badge_level="success" if given else "warning",
                url="#consentements",
                key=f"consent-{r['id']}",
            )
        )
    return items


@by_person
def _life_events_rows(person_id, n):
    return (
        LifeEvent.objects.filter(person_id=person_id)
        .order_by("-occurred_on", "-id")
        .values(
            "id",
            "kind",
            "occurred_on",
            "is_rupture",
            excerpt=Substr("description", 1, EXCERPT_CHARS + 1),
        )[:n]
    )


def _life_events(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _life_events_rows(person.pk, n)
    return [
        TimelineItem(
            kind=TimelineKind.LIFE_EVENT,
            on=r["occurred_on"],
            title=LifeEventKind(r["kind"]).label,
            detail=_excerpt(r["excerpt"]),
            badge="Rupture" if r["is_rupture"] else "",
            badge_level="warning",
            url="#situation",
            key=f"life_event-{r['id']}",
        )
        for r in rows
    ]


@by_person
def _pathways_rows(person_id, n):
    return (
        Pathway.objects.filter(person_id=person_id)
        .order_by("-started_on", "-id")
        .values("id", "started_on", "scheme", "referent__first_name", "referent__last_name")[:n]
    )


def _pathways(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _pathways_rows(person.pk, n)
    return [
        TimelineItem(
            kind=TimelineKind.PATHWAY,
            on=r["started_on"],
            title=f"Début du parcours : {Scheme(r['scheme']).label}",
            detail=f"Référent : {_name(r['referent__first_name'], r['referent__last_name'])}",
            url=_pathway_url(person, r["id"]),
            key=f"pathway-{r['id']}",
        )
        for r in rows
    ]


@by_person
def _exits_rows(person_id, n):
    return (
        Exit.objects.filter(pathway__person_id=person_id)
        .order_by("-exited_on", "-id")
        .values("id", "exited_on", "category", "pathway_id", "pathway__scheme")[:n]
    )


def _exits(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _exits_rows(person.pk, n)
    return [
        TimelineItem(
            kind=TimelineKind.EXIT,
            on=r["exited_on"],
            title=f"Sortie du parcours {Scheme(r['pathway__scheme']).label}",
            detail=ExitCategory(r["category"]).label,
            badge="Sortie dynamique" if r["category"] in DYNAMIC_EXITS else "",
            badge_level="success",
            url=_pathway_url(person, r["pathway_id"]),
            key=f"exit-{r['id']}",
        )
        for r in rows
    ]


@by_person
def _contracts_rows(person_id, n):
    return (
        Contract.objects.filter(pathway__person_id=person_id, signed_on__isnull=False)
        .order_by("-signed_on", "-id")
        .values("id", "number", "signed_on", "signature_mode", "pathway_id", "pathway__scheme")[:n]
    )


def _contracts(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _contracts_rows(person.pk, n)
    return [
        TimelineItem(
            kind=TimelineKind.CONTRACT,
            on=r["signed_on"],
            title=f"Contrat d'engagement v{r['number']} signé",
            detail=f"{Scheme(r['pathway__scheme']).label} — "
            f"{SignatureMode(r['signature_mode']).label if r['signature_mode'] else ''}".rstrip(
                " —"
            ),
            url=_pathway_url(person, r["pathway_id"]),
            key=f"contract-{r['id']}",
        )
        for r in rows
    ]


def _record(person: Person, membership, n: int) -> list[TimelineItem]:
    return [
        TimelineItem(
            kind=TimelineKind.RECORD,
            on=timezone.localtime(person.created_at).date(),
            title="Ouverture du dossier",
            url="#identite",
            key=f"record-{person.pk}",
        )
    ]


# --- Referrals (network): sent, answered (accepted / refused), done, cancelled, expired ------

_REFERRAL_EVENTS = {
    "sent": ("Orientation envoyée", "info"),
    "accepted": ("Orientation acceptée", "success"),
    "refused": ("Orientation refusée", "error"),
    "done": ("Orientation terminée", "success"),
    "cancelled": ("Orientation annulée", "warning"),
    "expired": ("Orientation expirée sans réponse", "warning"),
}


@by_person
def _referrals_rows(person_id, n):
    # One query on the transitions of the person's referrals (the referral's outcome is
    # shown on its "done" event).
    from relais.network.referrals.models import ReferralTransition

    return (
        ReferralTransition.objects.filter(
            referral__person_id=person_id, to_status__in=list(_REFERRAL_EVENTS)
        )
        .order_by("-at", "-id")
        .values(
            "id",
            "at",
            "to_status",
            "referral_id",
            "referral__service__name",
            "referral__receiver_organisation__name",
            "referral__refusal_reason",
            outcome=Substr("referral__outcome", 1, EXCERPT_CHARS + 1),
            note=Substr("comment", 1, EXCERPT_CHARS + 1),
        )[:n]
    )


def _referrals(person: Person, membership, n: int) -> list[TimelineItem]:
    rows = _referrals_rows(person.pk, n)
    items = []
    for r in rows:
        label, level = _REFERRAL_EVENTS[r["to_status"]]
        local = timezone.localtime(r["at"])
        if r["to_status"] == "done":
            detail = r["outcome"]
        elif r["to_status"] == "refused":
            from relais.network.referrals.models import RefusalReason

            reason = r["referral__refusal_reason"]
            detail = RefusalReason(reason).label if reason in RefusalReason.values else ""
        else:
            detail = r["note"]
        items.append(
            TimelineItem(
                kind=TimelineKind.REFERRAL,
                on=local.date(),
                at=local.time().replace(microsecond=0),
                title=f"{label} : {r['referral__service__name']} "
                f"({r['referral__receiver_organisation__name']})",
                detail=_excerpt(detail),
                badge=label.removeprefix("Orientation ").capitalize(),
                badge_level=level,
                url=_url("referral", r["referral_id"], anchor="#orientations"),
                key=f"referral-{r['id']}",
            )
        )
    return items
