"""Reads of the coordination team: the person's team with each membership's consent
state, the persons a professional co-follows, whether a consent to share stands."""

from __future__ import annotations

from django.db.models import Count, F, OuterRef

from relais.accounts.models import Membership, Organisation
from relais.network.coordination.models import TeamMember, consent_standing
from relais.network.coordination.sharing import cofollowing
from relais.people.models import Person


def has_standing_consent(person: Person, organisation: Organisation) -> bool:
    return (
        Person.objects.filter(pk=person.pk)
        .filter(consent_standing(person.pk, organisation.pk, organisation.kind))
        .exists()
    )


def team_members(person: Person) -> list[TeamMember]:
    """Every membership of the person's team, current ones first, each with
    `consent_standing` (False: access suspended by a withdrawn consent). One query."""
    return list(
        TeamMember.objects.of_person(person.pk)
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
    if membership is None or not membership.is_active:
        return []
    return list(
        cofollowing(membership)
        .select_related("team__person", "team__person__organisation")
        # Not by name: the name is not shared with every member.
        .order_by("-started_on", "-pk")
    )
