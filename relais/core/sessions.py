"""Sessions that end after `SESSION_COOKIE_AGE` without activity, without a write at every
request.

Django's way to an idle timeout, `SESSION_SAVE_EVERY_REQUEST`, rewrites the session row at
every request: a write transaction per page view, the one write of most pages (on SQLite,
where writers take turns, it made concurrent users queue behind each other's page views).
Here a session that the request did not change is written again only when its expiry, as
a write now would set it, is at least `REFRESH_AFTER` later than the stored one: the idle
timeout stays 30 minutes, give or take that minute (a user active at 10:00:30 whose
session was last written at 10:00 is logged out at 10:30 rather than 10:30:30 if idle).

Settings: `SESSION_ENGINE = "relais.core.sessions"`, and this module's `SessionMiddleware`
in place of Django's.

Every request of a logged-in user reads its session: the lookup is compiled once
(`relais.core.compiled`) and the expiry checked on the row read, as Django's own lookup
does in its query (`expire_date > now`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.contrib.sessions.models import Session
from django.utils import timezone

from relais.core.compiled import CompiledQuery

REFRESH_AFTER = timedelta(seconds=60)

_session_by_key = CompiledQuery(
    lambda session_key: Session.objects.filter(session_key=session_key), texts=("session_key",)
)


class SessionStore(DatabaseSessionStore):
    """The database session, remembering the expiry it was loaded with."""

    loaded_expiry: datetime | None = None

    def _get_session_from_db(self):
        found = _session_by_key(session_key=self.session_key)
        session = found[0] if found and found[0].expire_date > timezone.now() else None
        if session is None:
            self._session_key = None  # as Django's: a new key if anything is stored
        self.loaded_expiry = session.expire_date if session is not None else None
        return session

    def refresh_due(self) -> bool:
        """Was the session loaded from the database, and would writing it now push its
        expiry by `REFRESH_AFTER` or more?"""
        if self.loaded_expiry is None:
            return False
        return self.get_expiry_date() - self.loaded_expiry >= REFRESH_AFTER


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's middleware; an unchanged session is saved when its refresh is due."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (
            isinstance(session, SessionStore)
            and not session.modified
            and not session.is_empty()
            and session.refresh_due()
        ):
            session.modified = True
        return super().process_response(request, response)
