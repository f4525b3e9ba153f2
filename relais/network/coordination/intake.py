"""Across organisations, at intake: is the person being typed already followed by a partner
organisation *with which they have a link to ours* — a standing consent to share with our
organisation, or a coordination team our organisation is part of? If so, intake says so
with the partner's name only (nothing of the record) and offers to ask to join its team:
the request goes to the partner as a notification naming its own record. Any other
organisation's persons are never looked at.

Lives here, above people: the links (consents to share, coordination teams) are the
network's; the matching itself is relais.people.duplicates."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core import signing
from django.db.models import Q

from relais.accounts.models import Organisation, User
from relais.core.errors import DomainError
from relais.network.coordination.models import TeamMember
from relais.notifications.services import notify
from relais.people.duplicates import likely_among
from relais.people.models import Consent, ConsentPurpose, ConsentStatus, Person

SALT = "relais.intake.partner-hint"
MAX_AGE = 24 * 3600


@dataclass(frozen=True)
class PartnerHint:
    organisation_name: str
    token: str  # signed (our organisation, their person): the request to join names it
    organisation_id: int
    person_id: int


def linked_persons(organisation: Organisation) -> dict[int, set[int]]:
    """Other organisations' persons linked to `organisation` (consent to share with it
    standing, or a current member of their team from it), by organisation. Read from the
    consents and team memberships that name our organisation (indexed, few), never from a
    scan of every other organisation's persons."""
    consents = (
        Consent.objects.filter(status=ConsentStatus.GIVEN, superseded_by__isnull=True)
        .filter(
            Q(
                purpose=ConsentPurpose.SHARE_ORGANISATION,
                partner_organisation_id=organisation.pk,
            )
            | Q(purpose=ConsentPurpose.SHARE_CATEGORY, partner_category=organisation.kind)
        )
        .exclude(person__organisation_id=organisation.pk)
        .filter(person__merged_into__isnull=True)
        .order_by()
        .values_list("person__organisation_id", "person_id")
    )
    teams = (
        TeamMember.objects.filter(organisation_id=organisation.pk, ended_on__isnull=True)
        .exclude(team__person__organisation_id=organisation.pk)
        .filter(team__person__merged_into__isnull=True)
        .order_by()
        .values_list("team__person__organisation_id", "team__person_id")
    )
    found: dict[int, set[int]] = defaultdict(set)
    for organisation_id, pk in [*consents, *teams]:
        found[organisation_id].add(pk)
    return found


def partner_hints(organisation: Organisation, identity: dict) -> list[PartnerHint]:
    """The partner organisations that likely follow the typed person (one hint each)."""
    hints = []
    linked = linked_persons(organisation)
    names = dict(Organisation.objects.filter(pk__in=linked).values_list("pk", "name"))
    for partner_id, among in sorted(linked.items()):
        found = likely_among(organisation_id=partner_id, among=among, identity=identity, limit=1)
        if found:
            person_id = found[0][0]
            token = signing.dumps([organisation.pk, person_id], salt=SALT)
            hints.append(
                PartnerHint(
                    organisation_name=names.get(partner_id, ""),
                    token=token,
                    organisation_id=partner_id,
                    person_id=person_id,
                )
            )
    return hints


def join_request_send(
    *, organisation: Organisation, actor: User, token: str, link_of
) -> Organisation:
    """Ask the partner to add `actor` to the team of its record (the one the hint found);
    `link_of(person_id)`: the address of that record (for the partner's notification)."""
    try:
        organisation_id, person_id = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as error:
        raise DomainError(
            "Cette demande n’est plus valable : refaites la vérification des doublons."
        ) from error
    if organisation_id != organisation.pk:
        raise DomainError("Cette demande a été préparée pour une autre structure.")
    row = Person.objects.filter(pk=person_id).values_list("organisation_id", flat=True).first()
    if row is None:
        raise DomainError("Le dossier de la structure partenaire n’existe plus.")
    partner = Organisation.objects.get(pk=row)
    who = actor.get_full_name() or actor.email
    notify(
        organisation=partner,
        message=(
            f"{who} (« {organisation.name} ») demande à rejoindre l’équipe de coordination "
            f"de la personne du dossier n° {person_id}, qui l’a accepté·e comme partenaire."
        ),
        link=link_of(person_id),
    )
    return partner
