from django.conf import settings
from django.http import HttpRequest

from relais.accounts.models import Membership, Role


def relais(request: HttpRequest) -> dict:
    """What the page frame needs: current organisation, the user's other organisations and
    which navigation entries to show."""
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)

    def memberships():
        if user is None or not user.is_authenticated:
            return []
        loaded = getattr(request, "memberships", None)  # CurrentOrganisationMiddleware's
        if loaded is not None:
            return loaded
        return list(Membership.objects.active().filter(user=user).select_related("organisation"))

    return {
        "brand_name": settings.RELAIS_SITE_NAME,
        "current_membership": membership,
        "current_organisation": membership.organisation if membership else None,
        "is_manager": bool(membership and membership.role == Role.MANAGER),
        "user_memberships": memberships,
    }
