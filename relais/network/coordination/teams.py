"""Membership of the coordination team around a person (writes): professionals of other
organisations invited by the person's organisation, changing what is shared with each,
leaving and ending (history kept).

What may be shared is checked in `sharing_choices`, what members add to the record is in
`contributions`, the team's reads in `selectors`, and what a member may see in `sharing`.

Rules decided here (the issue left them open):
- Only référents and managers of the person's organisation manage the team (invite, change
  what is shared, end a membership); a member may leave on their own.
- A member belongs to another organisation, active and on the platform ("hors plateforme"
  partners have no users), and is an active member of it. One active membership per
  professional and organisation in a team.
- The person's consent to share with the member's organisation must stand when the member
  is invited (a consent "share_org" naming it, or "share_category" for its kind). Access is
  re-checked at every request (relais.network.coordination.sharing): a withdrawal
  suspends it at once; the membership stays listed, marked "consentement retiré".
- Memberships are never deleted: leaving or ending sets `ended_on` (and who, and why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.text import clean_text
from relais.network.coordination.checks import check_date, format_date
from relais.network.coordination.models import CoordinationTeam, TeamMember
from relais.network.coordination.selectors import has_standing_consent
from relais.network.coordination.sharing import forget
from relais.network.coordination.sharing_choices import (
    HealthConsent,
    apply_sharing,
    check_sharing,
)
from relais.people.models import Document, Person
from relais.people.policies import Capability, can

LEFT_REASON = "A quitté l'équipe"


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


def _check_role(role: str) -> str:
    role = clean_text(role)
    if not role:
        raise DomainError(
            "Indiquez le rôle de ce professionnel auprès de la personne (qui fait quoi).",
            field="role",
        )
    if len(role) > 200:
        raise DomainError("200 caractères au plus.", field="role")
    return role


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
    already = (
        TeamMember.objects.current()
        .filter(team=team, user=user, organisation=organisation)
        .exists()
    )
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
    apply_sharing(member, sharing)
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
            f"{format_date(current.ended_on)})."
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
    apply_sharing(current, sharing)
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
    reason = clean_text(reason)
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
            f"({format_date(member.started_on)}).",
            field="ended_on",
        )
    member.ended_on = on
    member.end_reason = reason
    member.ended_by = actor
    member.save(update_fields=["ended_on", "end_reason", "ended_by", "updated_at"])
    forget(member.team.person)
    return member
