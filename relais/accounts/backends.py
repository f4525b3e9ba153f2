"""Password authentication: Django's own backend, with the lookup of the session's user —
made by every request of a logged-in user — compiled once (`relais.core.compiled`).

The session stores the path of the backend that logged its user in (`PASSWORD_BACKEND`):
migration accounts 0007 moved the sessions open at the time from Django's path to this one.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from relais.accounts.models import User
from relais.core.compiled import CompiledQuery

PASSWORD_BACKEND = "relais.accounts.backends.PasswordBackend"
DJANGO_PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"

_user_by_pk = CompiledQuery(lambda pk: User._default_manager.filter(pk=pk), ids=("pk",))


class PasswordBackend(ModelBackend):
    """`ModelBackend` (password check, permissions), reading the session's user as a
    compiled query: the same row, the same refusal of an inactive account."""

    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        found = _user_by_pk(pk=pk)
        if found and self.user_can_authenticate(found[0]):
            return found[0]
        return None
