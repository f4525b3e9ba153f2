"""Domain errors raised by services. Views turn them into French messages for the user."""


class DomainError(Exception):
    """A rule of the domain refused the operation. `message` is shown to the user as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PermissionDenied(DomainError):
    """The user may not do this. Views answer 403 (or 404 when existence must stay hidden)."""


class StaleObjectError(DomainError):
    """Optimistic locking: someone saved the record since the user opened it."""


class AppendOnlyError(Exception):
    """An attempt to change or delete an append-only record (journal, security events)."""
