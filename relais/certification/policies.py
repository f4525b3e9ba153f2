"""Who may do what in the certification module. Web pages and the API both ask here.

Only organisations that take part in the certification process (a `CertificationBody`:
certifier, training organisation, federation) use the module. Within one:
- every member reads and registers candidates (the reception staff enrol them too);
- trainers and managers (roles « référent » and « responsable ») score evaluations, grant
  equivalences and record positioning tests and accompaniment;
- managers run collective VAE groups and juries, and award certifications;
- a jury's president (the member linked to the user's account) reads that jury and signs its
  minutes, whatever their role: the minutes are theirs to sign, not the managers'.
A candidate's file is read only inside the organisation that holds it."""

from __future__ import annotations

from relais.accounts.models import Membership, Role
from relais.certification.models import BodyKind, Candidate, CertificationBody, JurySession


def body_of(membership: Membership | None) -> CertificationBody | None:
    if membership is None:
        return None
    try:
        return membership.organisation.certification_body
    except CertificationBody.DoesNotExist:
        return None


def can_use(membership: Membership | None) -> bool:
    return body_of(membership) is not None


def can_score(membership: Membership | None) -> bool:
    return can_use(membership) and membership.role in (Role.REFERENT, Role.MANAGER)


def can_manage(membership: Membership | None) -> bool:
    return can_use(membership) and membership.role == Role.MANAGER


def can_run_groups(membership: Membership | None) -> bool:
    body = body_of(membership)
    return (
        body is not None
        and body.kind in (BodyKind.FEDERATION, BodyKind.TRAINING)
        and membership.role in (Role.REFERENT, Role.MANAGER)
    )


def visible_candidates(membership: Membership | None):
    """The only way to reach candidates: those of the member's organisation."""
    if not can_use(membership):
        return Candidate.objects.none()
    return Candidate.objects.of_organisation(membership.organisation)


def presides(membership: Membership | None, session: JurySession) -> bool:
    """The user is the president of this jury of their organisation (their account is linked
    to the member designated as president)."""
    return (
        can_use(membership)
        and session.organisation_id == membership.organisation_id
        and session.members.filter(is_president=True, user_id=membership.user_id).exists()
    )


def can_view_jury(membership: Membership | None, session: JurySession) -> bool:
    return can_manage(membership) or presides(membership, session)


def can_sign_minutes(membership: Membership | None, session: JurySession) -> bool:
    """Only the president signs; whether they may sign *now* (after the deliberation, not
    twice) is the service's rule."""
    return presides(membership, session)
