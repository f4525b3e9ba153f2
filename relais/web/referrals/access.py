"""Finding a referral for the user: among those of their organisation, with their side;
404 (existence hidden) or 403 otherwise, journaled as denied."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from relais.network.referrals import selectors as referral_selectors
from relais.network.referrals.models import Referral
from relais.network.referrals.policies import (
    Side,
    can_use_referrals,
    side_of,
)
from relais.people.access import record_denied
from relais.people.models import Person
from relais.people.policies import Capability
from relais.web.people.access import get_person


def require_referrals(request: HttpRequest) -> None:
    if not can_use_referrals(request.membership):
        raise PermissionDenied


def referral_for(request: HttpRequest, pk: int) -> tuple[Referral, Side]:
    """The referral if the user's organisation is one of its two sides and their role
    accompanies; a 404 (existence hidden) or 403 otherwise, journaled as denied."""
    referral = referral_selectors.referral_for_organisation(request.organisation.pk, pk)
    side = side_of(request.membership, referral) if referral is not None else None
    if referral is None or side is None:
        owner = (
            (referral.person_id, referral.sender_organisation_id)
            if referral is not None
            else referral_selectors.referral_owner(pk)
        )
        record_denied(
            request,
            target_type="network.referral",
            target_id=pk,
            person_id=owner[0] if owner else None,
            organisation_id=owner[1] if owner else None,
            reason="orientation hors de portée" if referral is None else "rôle sans accès",
        )
        if referral is None:
            raise Http404
        raise PermissionDenied
    return referral, side


def sender_person(request: HttpRequest, referral: Referral) -> Person:
    """The sender reads the person through the usual door (visibility + capability)."""
    person = get_person(request, referral.person_id, Capability.ACCOMPANIMENT)
    referral.person = person
    return person
