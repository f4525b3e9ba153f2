"""The coordination team around a person: professionals of other organisations invited by
the person's organisation, what is shared with each, leaving and ending (history kept),
and what an active member may add to the record (steps, notes shared with the team,
appointments).

Rules decided here (the issue left them open):
- Only référents and managers of the person's organisation manage the team (invite, change
  what is shared, end a membership); a member may leave on their own.
- A member belongs to another organisation, active and on the platform ("hors plateforme"
  partners have no users), and is an active member of it. One active membership per
  professional and organisation in a team.
- The person's consent to share with the member's organisation must stand when the member
  is invited (a consent "share_org" naming it, or "share_category" for its kind). Access is
  re-checked at every request (relais.network.coordination.sharing): a withdrawal suspends it at once;
  the membership stays listed, marked "consentement retiré".
- "health" needs "diagnostic" and the person's explicit agreement, recorded on the
  membership (date, how it was collected, witness for an oral agreement).
- Memberships are never deleted: leaving or ending sets `ended_on` (and who, and why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.core.errors import DomainError, PermissionDenied
from relais.diagnostics.domains import Domain
from relais.network.coordination.models import CoordinationTeam, SharedCategory, TeamMember
from relais.network.coordination.sharing import CHOOSABLE_DOMAINS, consent_standing, forget
from relais.pathways import notes as note_services
from relais.pathways.models import (
    Appointment,
    Note,
    NoteVisibility,
    Pathway,
    PathwayStatus,
    Step,
    StepKind,
    StepOwner,
    StepStatus,
)
from relais.pathways.notes import APPOINTMENT_MAX_MINUTES, APPOINTMENT_MIN_MINUTES
from relais.people.models import ConsentMethod, Document, Person
from relais.people.policies import Capability, can

EARLIEST_DATE = dt.date(1990, 1, 1)
MAX_FUTURE_YEARS = 10
LEFT_REASON = "A quitté l'équipe"
# Step kinds a team member or a case conference may add (referrals have their own flow).
ADDABLE_STEP_KINDS = tuple(k for k in StepKind if k != StepKind.REFERRAL)

CATEGORY_ORDER = list(SharedCategory.values)


@dataclass(frozen=True)
class HealthConsent:
    """The person's explicit agreement to share their health information with a member."""

    decided_on: dt.date
    method: str
    witness_name: str = ""


@dataclass(frozen=True)
class Sharing:
    """What is shared with a member, checked."""

    categories: list[str]
    domains: list[str]
    documents: list[Document]
    health_consent: HealthConsent | None


# --- Checks --------------------------------------------------------------------------------


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _clean_text(value: str | None) -> str:
    return (value or "").strip()


def check_date(value: dt.date | None, field: str, label: str, *, future: bool = True) -> None:
    if value is None:
        return
    today = timezone.localdate()
    if not future and value > today:
        raise DomainError(f"{label} ne peut pas être dans le futur.", field=field)
    latest = today.replace(year=today.year + MAX_FUTURE_YEARS, day=min(today.day, 28))
    if value < EARLIEST_DATE or value > latest:
        raise DomainError(
            f"{label} semble erronée ({_fmt(value)}) : vérifiez l'année.", field=field
        )


def organisation_membership(actor: User, person: Person) -> Membership | None:
    """The actor's active membership in the person's organisation, if any."""
    return (
        Membership.objects.active()
        .filter(user=actor, organisation_id=person.organisation_id)
        .first()
    )


def ensure_manages_team(actor: User, person: Person) -> None:
    if not can(organisation_membership(actor, person), Capability.MANAGE_TEAM, person):
        raise PermissionDenied(
            "Seuls les référents et les responsables de la structure qui accompagne la "
            "personne gèrent son équipe de coordination."
        )


def _check_health_consent(consent: HealthConsent | None) -> HealthConsent:
    if consent is None or consent.decided_on is None:
        raise DomainError(
            "Les informations de santé ne se partagent qu'avec l'accord explicite de la "
            "personne : indiquez la date de son accord.",
            field="health_consent_on",
        )
    check_date(consent.decided_on, "health_consent_on", "La date de l'accord", future=False)
    if consent.method not in ConsentMethod.values:
        raise DomainError(
            "Indiquez comment l'accord a été recueilli.", field="health_consent_method"
        )
    witness = _clean_text(consent.witness_name)
    if len(witness) > 150:
        raise DomainError("150 caractères au plus.", field="health_consent_witness")
    if consent.method == ConsentMethod.ORAL_WITH_WITNESS and not witness:
        raise DomainError(
            "Un accord oral est recueilli devant un témoin : indiquez son nom.",
            field="health_consent_witness",
        )
    if consent.method != ConsentMethod.ORAL_WITH_WITNESS:
        witness = ""
    return HealthConsent(decided_on=consent.decided_on, method=consent.method, witness_name=witness)


def check_sharing(
    *,
    person: Person,
    categories: Iterable[str],
    domains: Iterable[str] = (),
    documents: Iterable[Document] = (),
    health_consent: HealthConsent | None = None,
) -> Sharing:
    """What may be shared, in a fixed order, or a DomainError naming the field."""
    wanted = set(categories or [])
    unknown = wanted - set(SharedCategory.values)
    if unknown:
        raise DomainError("Catégorie d'informations inconnue.", field="categories")
    if not wanted:
        raise DomainError(
            "Choisissez au moins une catégorie d'informations à partager.", field="categories"
        )
    ordered = [c for c in CATEGORY_ORDER if c in wanted]
    chosen_domains: list[str] = []
    if SharedCategory.HEALTH in wanted and SharedCategory.DIAGNOSTIC not in wanted:
        raise DomainError(
            "La santé fait partie du diagnostic : cochez aussi « Diagnostic » pour la partager.",
            field="categories",
        )
    if SharedCategory.DIAGNOSTIC in wanted:
        wanted_domains = set(domains or [])
        if Domain.HEALTH in wanted_domains:
            raise DomainError(
                "La santé se partage avec la catégorie « Santé », qui demande l'accord "
                "explicite de la personne.",
                field="domains",
            )
        if wanted_domains - set(CHOOSABLE_DOMAINS):
            raise DomainError("Domaine du diagnostic inconnu.", field="domains")
        chosen_domains = [d.value for d in CHOOSABLE_DOMAINS if d in wanted_domains]
        if not chosen_domains and SharedCategory.HEALTH not in wanted:
            raise DomainError("Choisissez les domaines du diagnostic à partager.", field="domains")
    chosen_documents: list[Document] = []
    if SharedCategory.DOCUMENTS in wanted:
        chosen_documents = list(documents or [])
        if not chosen_documents:
            raise DomainError("Choisissez les documents à partager.", field="documents")
        if any(d.person_id != person.pk for d in chosen_documents):
            raise DomainError("Ce document n'appartient pas au dossier.", field="documents")
    consent = None
    if SharedCategory.HEALTH in wanted:
        consent = _check_health_consent(health_consent)
    return Sharing(
        categories=ordered,
        domains=chosen_domains,
        documents=chosen_documents,
        health_consent=consent,
    )


def _check_role(role: str) -> str:
    role = _clean_text(role)
    if not role:
        raise DomainError(
            "Indiquez le rôle de ce professionnel auprès de la personne (qui fait quoi).",
            field="role",
        )
    if len(role) > 200:
        raise DomainError("200 caractères au plus.", field="role")
    return role


def has_standing_consent(person: Person, organisation: Organisation) -> bool:
    return (
        Person.objects.filter(pk=person.pk)
        .filter(consent_standing(person.pk, organisation.pk, organisation.kind))
        .exists()
    )


def _team_of(person: Person) -> CoordinationTeam:
    """The person's team, created on the first invitation (two first invitations at once:
    one creates it, the other finds it)."""
    team = CoordinationTeam.objects.filter(person=person).first()
    if team is None:
        try:
            with transaction.atomic():
                team = CoordinationTeam.objects.create(person=person)
        except IntegrityError:
            team = CoordinationTeam.objects.get(person=person)
    return team


def _apply_sharing(member: TeamMember, sharing: Sharing) -> None:
    member.shared_categories = sharing.categories
    member.shared_domains = sharing.domains
    consent = sharing.health_consent
    member.health_consent_on = consent.decided_on if consent else None
    member.health_consent_method = consent.method if consent else ""
    member.health_consent_witness = consent.witness_name if consent else ""


# --- Membership ------------------------------------------------------------------------


@transaction.atomic
def team_member_add(
    *,
    person: Person,
    actor: User,
    organisation: Organisation,
    user: User,
    role: str,
    categories: Iterable[str],
    domains: Iterable[str] = (),
    documents: Iterable[Document] = (),
    health_consent: HealthConsent | None = None,
    started_on: dt.date | None = None,
    referral=None,
) -> TeamMember:
    """Invite a professional of another organisation into the person's team."""
    ensure_manages_team(actor, person)
    if organisation is None:
        raise DomainError("Choisissez la structure du professionnel.", field="organisation")
    if organisation.pk == person.organisation_id:
        raise DomainError(
            "Les professionnels de votre structure ont déjà accès au dossier selon leur "
            "rôle : choisissez une structure partenaire.",
            field="organisation",
        )
    if organisation.is_external or not organisation.is_active:
        raise DomainError(
            "Cette structure n'utilise pas la plateforme : ses professionnels ne peuvent pas "
            "rejoindre l'équipe.",
            field="organisation",
        )
    if user is None:
        raise DomainError("Choisissez le professionnel.", field="user")
    if not Membership.objects.active().filter(user=user, organisation=organisation).exists():
        raise DomainError(
            "Ce professionnel n'est pas membre actif de la structure choisie.", field="user"
        )
    role = _check_role(role)
    sharing = check_sharing(
        person=person,
        categories=categories,
        domains=domains,
        documents=documents,
        health_consent=health_consent,
    )
    started_on = started_on or timezone.localdate()
    check_date(started_on, "started_on", "La date d'arrivée dans l'équipe", future=False)
    if not has_standing_consent(person, organisation):
        raise DomainError(
            f"La personne n'a pas donné son consentement au partage de ses informations avec "
            f"« {organisation.name} » : enregistrez d'abord son consentement (section "
            "Consentements du dossier).",
            field="organisation",
        )
    team = _team_of(person)
    # One invitation at a time per team (the row lock serialises double clicks).
    CoordinationTeam.objects.select_for_update().filter(pk=team.pk).values_list("pk").first()
    already = TeamMember.objects.filter(
        team=team, user=user, organisation=organisation, ended_on__isnull=True
    ).exists()
    if already:
        raise DomainError(
            "Ce professionnel fait déjà partie de l'équipe pour cette structure : modifiez "
            "plutôt ce qui lui est partagé.",
            field="user",
        )
    member = TeamMember(
        team=team,
        user=user,
        organisation=organisation,
        role=role,
        started_on=started_on,
        added_by=actor,
        referral=referral,
    )
    _apply_sharing(member, sharing)
    member.save()
    member.shared_documents.set(sharing.documents)
    forget(person)
    return member


def _locked_member(member: TeamMember) -> TeamMember:
    current = (
        TeamMember.objects.select_for_update()
        .select_related("team__person", "organisation", "user")
        .get(pk=member.pk)
    )
    if current.ended_on is not None:
        raise DomainError(
            f"Ce professionnel ne fait plus partie de l'équipe (depuis le "
            f"{_fmt(current.ended_on)})."
        )
    return current


@transaction.atomic
def team_member_update_sharing(
    *,
    member: TeamMember,
    actor: User,
    categories: Iterable[str],
    domains: Iterable[str] = (),
    documents: Iterable[Document] = (),
    health_consent: HealthConsent | None = None,
    role: str | None = None,
) -> TeamMember:
    """Change what is shared with a member (and their role). Taking a category back
    applies at once."""
    current = _locked_member(member)
    person = current.team.person
    ensure_manages_team(actor, person)
    sharing = check_sharing(
        person=person,
        categories=categories,
        domains=domains,
        documents=documents,
        health_consent=health_consent,
    )
    if role is not None:
        current.role = _check_role(role)
    _apply_sharing(current, sharing)
    current.save()
    current.shared_documents.set(sharing.documents)
    forget(person)
    return current


@transaction.atomic
def team_member_leave(*, member: TeamMember, actor: User, on: dt.date | None = None) -> TeamMember:
    """The member leaves the team (their access ends at once)."""
    current = _locked_member(member)
    if current.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Seul ce professionnel peut quitter l'équipe de lui-même.")
    return _end(current, actor=actor, reason=LEFT_REASON, on=on)


@transaction.atomic
def team_member_end(
    *, member: TeamMember, actor: User, reason: str, on: dt.date | None = None
) -> TeamMember:
    """A référent or manager of the person's organisation ends a membership."""
    current = _locked_member(member)
    ensure_manages_team(actor, current.team.person)
    reason = _clean_text(reason)
    if not reason:
        raise DomainError("Indiquez pourquoi ce professionnel quitte l'équipe.", field="reason")
    if len(reason) > 300:
        raise DomainError("300 caractères au plus.", field="reason")
    return _end(current, actor=actor, reason=reason, on=on)


def _end(member: TeamMember, *, actor: User, reason: str, on: dt.date | None) -> TeamMember:
    on = on or timezone.localdate()
    check_date(on, "ended_on", "La date de fin", future=False)
    if on < member.started_on:
        raise DomainError(
            f"La date de fin ne peut pas précéder l'arrivée dans l'équipe "
            f"({_fmt(member.started_on)}).",
            field="ended_on",
        )
    member.ended_on = on
    member.end_reason = reason
    member.ended_by = actor
    member.save(update_fields=["ended_on", "end_reason", "ended_by", "updated_at"])
    forget(member.team.person)
    return member


# --- What an active member adds ------------------------------------------------------------


def _ensure(membership: Membership, actor: User, capability: Capability, person: Person) -> None:
    if membership is None or membership.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Vous n'agissez pas pour cette structure.")
    if not can(membership, capability, person):
        raise PermissionDenied("Cette information n'est pas partagée avec vous.")


def partner_label(actor: User, organisation: Organisation) -> str:
    name = actor.get_full_name() or actor.email
    return f"{name} ({organisation.name})"[:200]


def new_step(
    *,
    pathway: Pathway,
    actor: User,
    kind: str,
    title: str,
    owner: str,
    owner_name: str = "",
    planned_on: dt.date | None = None,
    field_prefix: str = "",
) -> Step:
    """Create a planned step in an open pathway (the pathway row is locked by the
    caller). Same field rules as the pathway's own step form."""
    if pathway.status != PathwayStatus.ACTIVE:
        raise DomainError(
            "Ce parcours est terminé : il ne peut plus recevoir d'étape.",
            field=f"{field_prefix}pathway",
        )
    title = _clean_text(title)
    if not title:
        raise DomainError("Décrivez l'action.", field=f"{field_prefix}title")
    if len(title) > 300:
        raise DomainError("300 caractères au plus.", field=f"{field_prefix}title")
    if kind not in ADDABLE_STEP_KINDS:
        raise DomainError("Choisissez le type d'action.", field=f"{field_prefix}kind")
    if owner not in StepOwner.values:
        raise DomainError("Indiquez qui porte l'action.", field=f"{field_prefix}owner")
    owner_name = _clean_text(owner_name) if owner == StepOwner.PARTNER else ""
    if owner == StepOwner.PARTNER and not owner_name:
        raise DomainError(
            "Indiquez le professionnel ou la structure qui porte l'étape.",
            field=f"{field_prefix}owner_name",
        )
    if len(owner_name) > 200:
        raise DomainError("200 caractères au plus.", field=f"{field_prefix}owner_name")
    check_date(planned_on, f"{field_prefix}planned_on", "La date prévue")
    return Step.objects.create(
        pathway=pathway,
        kind=kind,
        title=title,
        owner=owner,
        owner_name=owner_name,
        planned_on=planned_on,
        status=StepStatus.PLANNED,
        updated_by=actor,
    )


def lock_open_pathway(person: Person, pathway: Pathway | None, field: str = "pathway") -> Pathway:
    if pathway is None:
        raise DomainError("Choisissez le parcours.", field=field)
    current = (
        Pathway.objects.select_for_update()
        .select_related("referent")
        .filter(pk=pathway.pk, person=person)
        .first()
    )
    if current is None:
        raise DomainError("Ce parcours n'est pas celui de cette personne.", field=field)
    if current.status != PathwayStatus.ACTIVE:
        raise DomainError("Ce parcours est terminé : il ne peut plus être modifié.", field=field)
    current.person = person
    return current


@transaction.atomic
def team_step_add(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    pathway: Pathway,
    kind: str,
    title: str,
    planned_on: dt.date | None = None,
    owner: str = StepOwner.PARTNER,
    owner_name: str = "",
) -> Step:
    """A co-following professional adds a step to the person's pathway; by default they
    carry it themselves ("Un autre professionnel": their name and organisation)."""
    _ensure(membership, actor, Capability.ADD_STEP, person)
    current = lock_open_pathway(person, pathway)
    if owner == StepOwner.PARTNER and not _clean_text(owner_name):
        owner_name = partner_label(actor, membership.organisation)
    return new_step(
        pathway=current,
        actor=actor,
        kind=kind,
        title=title,
        owner=owner,
        owner_name=owner_name,
        planned_on=planned_on,
    )


@transaction.atomic
def team_note_add(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    kind: str,
    occurred_on: dt.date,
    body: str,
    writing_flags: list[dict[str, str]] | None = None,
) -> Note:
    """A co-following professional writes a note, shared with the team (the person's
    organisation reads it too)."""
    _ensure(membership, actor, Capability.ADD_NOTE, person)
    return note_services.note_create(
        person=person,
        author=actor,
        kind=kind,
        occurred_on=occurred_on,
        body=body,
        visibility=NoteVisibility.TEAM,
        writing_flags=writing_flags,
    )


@transaction.atomic
def team_appointment_add(
    *,
    membership: Membership,
    actor: User,
    person: Person,
    starts_at: dt.datetime,
    purpose: str,
    duration_minutes: int = 45,
    location: str = "",
) -> Appointment:
    """A co-following professional records an appointment they hold with the person."""
    _ensure(membership, actor, Capability.ADD_APPOINTMENT, person)
    if starts_at is None or timezone.is_naive(starts_at):
        raise DomainError("Indiquez la date et l'heure du rendez-vous.", field="starts_at")
    check_date(timezone.localtime(starts_at).date(), "starts_at", "La date du rendez-vous")
    if not APPOINTMENT_MIN_MINUTES <= duration_minutes <= APPOINTMENT_MAX_MINUTES:
        raise DomainError(
            f"La durée doit être comprise entre {APPOINTMENT_MIN_MINUTES} minutes et "
            f"{APPOINTMENT_MAX_MINUTES // 60} heures.",
            field="duration_minutes",
        )
    purpose = _clean_text(purpose)
    if not purpose:
        raise DomainError("Indiquez l'objet du rendez-vous.", field="purpose")
    if len(purpose) > 200:
        raise DomainError("200 caractères au plus.", field="purpose")
    location = _clean_text(location)
    if len(location) > 200:
        raise DomainError("200 caractères au plus.", field="location")
    return Appointment.objects.create(
        person=person,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        location=location,
        purpose=purpose,
        with_user=actor,
    )


# --- Reads -------------------------------------------------------------------------------


def team_members(person: Person) -> list[TeamMember]:
    """Every membership of the person's team, current ones first, each with
    `consent_standing` (False: access suspended by a withdrawn consent). One query."""
    from django.db.models import Count, F, OuterRef

    return list(
        TeamMember.objects.filter(team__person_id=person.pk)
        .select_related("team", "user", "organisation", "added_by", "ended_by")
        .annotate(
            has_consent=consent_standing(
                person.pk, OuterRef("organisation_id"), OuterRef("organisation__kind")
            ),
            documents_count=Count("shared_documents", distinct=True),
        )
        .order_by(F("ended_on").asc(nulls_first=True), "started_on", "pk")
    )


def cofollowed(membership: Membership) -> list[TeamMember]:
    """The active memberships of this user acting for this organisation, with their
    persons: the "Personnes co-suivies" list. One query."""
    from relais.network.coordination.sharing import cofollowing

    if membership is None or not membership.is_active:
        return []
    return list(
        cofollowing(membership)
        .select_related("team__person", "team__person__organisation")
        # Not by name: the name is not shared with every member.
        .order_by("-started_on", "-pk")
    )
