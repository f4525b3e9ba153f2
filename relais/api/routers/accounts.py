from django.http import Http404, HttpRequest
from ninja import Router, Status

from relais.accounts import services
from relais.accounts.models import Membership
from relais.accounts.policies import can_manage_members
from relais.api.idempotency import idempotent
from relais.api.schemas import (
    ErrorOut,
    InvitationIn,
    InvitationOut,
    MemberOut,
    MeOut,
    OrganisationOut,
)
from relais.core.errors import PermissionDenied
from relais.core.journal import client_ip

router = Router(tags=["Comptes et structures"])


def _organisation_out(org) -> dict:
    return {
        "id": org.pk,
        "name": org.name,
        "kind": org.kind,
        "kind_label": org.get_kind_display(),
        "siret": org.siret,
        "commune_code": org.commune_code,
    }


def _membership(request: HttpRequest, organisation_id: int) -> Membership:
    """The caller's active membership in that organisation; any other organisation is a 404."""
    membership = (
        Membership.objects.active()
        .filter(user=request.user, organisation_id=organisation_id)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        raise Http404
    return membership


@router.get("/me", response=MeOut, summary="Mon compte et mes structures")
def me(request: HttpRequest):
    memberships = (
        Membership.objects.active().filter(user=request.user).select_related("organisation")
    )
    return {
        "id": request.user.pk,
        "email": request.user.email,
        "first_name": request.user.first_name,
        "last_name": request.user.last_name,
        "memberships": [
            {
                "organisation": _organisation_out(m.organisation),
                "role": m.role,
                "role_label": m.get_role_display(),
            }
            for m in memberships
        ],
    }


@router.get("/organisations", response=list[OrganisationOut], summary="Mes structures")
def organisations(request: HttpRequest):
    memberships = (
        Membership.objects.active().filter(user=request.user).select_related("organisation")
    )
    return [_organisation_out(m.organisation) for m in memberships]


@router.get(
    "/organisations/{organisation_id}/members",
    response={200: list[MemberOut], 403: ErrorOut, 404: ErrorOut},
    summary="Membres d'une structure (responsables)",
)
def members(request: HttpRequest, organisation_id: int):
    membership = _membership(request, organisation_id)
    if not can_manage_members(request.user, membership.organisation):
        raise PermissionDenied("Réservé aux responsables de la structure.")
    rows = Membership.objects.filter(organisation=membership.organisation).select_related("user")
    return [
        {
            "user_id": m.user_id,
            "email": m.user.email,
            "first_name": m.user.first_name,
            "last_name": m.user.last_name,
            "role": m.role,
            "is_active": m.is_active,
        }
        for m in rows
    ]


@router.post(
    "/organisations/{organisation_id}/invitations",
    response={
        201: InvitationOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
        409: ErrorOut,
    },
    summary="Inviter un professionnel (responsables)",
)
@idempotent
def invite(request: HttpRequest, organisation_id: int, payload: InvitationIn):
    membership = _membership(request, organisation_id)
    if not can_manage_members(request.user, membership.organisation):
        raise PermissionDenied("Réservé aux responsables de la structure.")
    invitation = services.invitation_send(
        organisation=membership.organisation,
        email=payload.email,
        role=payload.role,
        invited_by=request.user,
        ip=client_ip(request),
    )
    return Status(
        201,
        {
            "id": invitation.pk,
            "email": invitation.email,
            "role": invitation.role,
            "expires_at": invitation.expires_at,
        },
    )
