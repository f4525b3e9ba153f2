"""The retention policy and the scheduled job that applies it (`manage.py apply_retention`,
or the `apply_retention_task` task), daily.

A record falls due `months_after_last_activity` months after its **last activity**: the
latest of its opening, a pathway's exit, a past appointment, a note, a diagnostic. A record
with a pathway open or a referral running is never due (the accompaniment goes on).

1. **Warning**: the organisation's managers are told (notice and e-mail, no personal data:
   a count, a date and a link) when a record will fall due within `WARNING_DAYS`, once per
   due date.
2. **Erasure**: a record due, not postponed, whose warning was sent at least `WARNING_DAYS`
   ago is erased (relais.records.erasure). A record found already due without a warning is
   warned first: managers always get their month to postpone.
3. **Documents**: a supporting document is deleted (file and row, journaled)
   `document_months_after_expiry` months after its expiry date.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Subquery
from django.utils import timezone
from django_tasks import task

from relais.accounts.models import Organisation, Role, User
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.links import link
from relais.core.models import JournalAction
from relais.diagnostics.models import Diagnostic
from relais.network.referrals.models import Referral
from relais.notifications.services import Email, notify
from relais.pathways.checks import add_months
from relais.pathways.models import Appointment, Exit, Note, Pathway
from relais.people.archive import lifecycle_writes
from relais.people.models import Consent, Document, Person
from relais.records.archive import acting_membership
from relais.records.erasure import person_erase
from relais.records.models import (
    DOCUMENT_RETENTION_DEFAULT_MONTHS,
    DOCUMENT_RETENTION_MAX_MONTHS,
    DOCUMENT_RETENTION_MIN_MONTHS,
    RETENTION_DEFAULT_MONTHS,
    RETENTION_MAX_MONTHS,
    RETENTION_MIN_MONTHS,
    ErasureCause,
    RetentionHold,
    RetentionPolicy,
    RetentionWarning,
)
from relais.records.policies import can_manage_lifecycle

logger = logging.getLogger("relais.records")

WARNING_DAYS = 30
HOLD_MAX_YEARS = 5


# --- The policy ------------------------------------------------------------------------------


def policy_of(organisation: Organisation | int) -> RetentionPolicy:
    """The organisation's policy, or the defaults (unsaved) when it never set one."""
    organisation_id = getattr(organisation, "pk", organisation)
    policy = RetentionPolicy.objects.filter(organisation_id=organisation_id).first()
    return policy or RetentionPolicy(
        organisation_id=organisation_id,
        months_after_last_activity=RETENTION_DEFAULT_MONTHS,
        document_months_after_expiry=DOCUMENT_RETENTION_DEFAULT_MONTHS,
    )


def _check_months(value, *, low: int, high: int, field_name: str, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise DomainError("Indiquez un nombre de mois.", field=field_name)
    if not low <= value <= high:
        raise DomainError(f"{what} : entre {low} et {high} mois.", field=field_name)
    return value


@transaction.atomic
def retention_policy_update(
    *, organisation: Organisation, actor: User, months: int, document_months: int
) -> RetentionPolicy:
    if not can_manage_lifecycle(acting_membership(actor, organisation.pk), organisation.pk):
        raise PermissionDenied("Seuls les responsables de la structure fixent la conservation.")
    errors = []
    for value, low, high, name, what in (
        (
            months,
            RETENTION_MIN_MONTHS,
            RETENTION_MAX_MONTHS,
            "months",
            "Durée de conservation des dossiers",
        ),
        (
            document_months,
            DOCUMENT_RETENTION_MIN_MONTHS,
            DOCUMENT_RETENTION_MAX_MONTHS,
            "document_months",
            "Conservation des justificatifs expirés",
        ),
    ):
        try:
            _check_months(value, low=low, high=high, field_name=name, what=what)
        except DomainError as error:
            errors.append(error)
    if errors:
        raise errors[0]
    policy, _ = RetentionPolicy.objects.update_or_create(
        organisation=organisation,
        defaults={
            "months_after_last_activity": months,
            "document_months_after_expiry": document_months,
            "updated_by": actor,
        },
    )
    return policy


# --- When a record falls due -----------------------------------------------------------------


@dataclass(frozen=True)
class DueRecord:
    person_id: int
    last_activity: dt.date
    due_on: dt.date
    held_until: dt.date | None


def _latest(queryset, column: str):
    return Subquery(queryset.order_by(f"-{column}").values(column)[:1])


def with_last_activity(persons, *, now: dt.datetime | None = None):
    """Annotate `last_activity` (a date) and `is_running` (pathway open or referral running)."""
    now = now or timezone.now()
    person = OuterRef("pk")
    exits = Exit.objects.filter(pathway__person=person)
    appointments = Appointment.objects.filter(person=person, starts_at__lte=now)
    notes = Note.objects.filter(person=person)
    diagnostics = Diagnostic.objects.filter(person=person)
    return persons.annotate(
        last_exit=_latest(exits, "exited_on"),
        last_appointment=_latest(appointments, "starts_at"),
        last_note=_latest(notes, "created_at"),
        last_diagnostic=_latest(diagnostics, "created_at"),
        is_running=Exists(Pathway.objects.active().filter(person=person))
        | Exists(Referral.objects.open().filter(person=person)),
    )


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, str):  # SQLite may answer subqueries as text
        return dt.date.fromisoformat(value[:10])
    return value


def due_records(
    organisation: Organisation | int,
    *,
    today: dt.date | None = None,
    within_days: int = WARNING_DAYS,
) -> list[DueRecord]:
    """The organisation's records that fall due on or before `today + within_days`, held or
    not, soonest first. A fixed number of queries."""
    today = today or timezone.localdate()
    organisation_id = getattr(organisation, "pk", organisation)
    months = policy_of(organisation_id).months_after_last_activity
    horizon = today + dt.timedelta(days=within_days)
    # Cheap first cut in the database: opened before the horizon minus the retention.
    latest_opening = add_months(horizon, -months)
    rows = (
        with_last_activity(
            Person.objects.filter(
                organisation_id=organisation_id, created_at__date__lte=latest_opening
            ),
            now=timezone.now(),
        )
        .filter(is_running=False)
        .values("pk", "created_at", "last_exit", "last_appointment", "last_note", "last_diagnostic")
    )
    holds = dict(
        RetentionHold.objects.filter(person__organisation_id=organisation_id, until__gte=today)
        .values("person_id")
        .annotate(until=Max("until"))
        .values_list("person_id", "until")
    )
    due = []
    for row in rows:
        dates = [
            _as_date(row[key])
            for key in (
                "created_at",
                "last_exit",
                "last_appointment",
                "last_note",
                "last_diagnostic",
            )
        ]
        last = max(d for d in dates if d is not None)
        due_on = add_months(last, months)
        held = holds.get(row["pk"])
        if held is not None:
            due_on = max(due_on, held + dt.timedelta(days=1))
        if due_on <= horizon:
            due.append(
                DueRecord(person_id=row["pk"], last_activity=last, due_on=due_on, held_until=held)
            )
    return sorted(due, key=lambda d: (d.due_on, d.person_id))


def due_on_of(
    person: Person, *, today: dt.date | None = None, policy: RetentionPolicy | None = None
) -> DueRecord | None:
    """The person's retention: last activity and due date (None while the accompaniment
    runs). Three queries at most (two with `policy` given)."""
    today = today or timezone.localdate()
    months = (policy or policy_of(person.organisation_id)).months_after_last_activity
    row = (
        with_last_activity(Person.objects.filter(pk=person.pk))
        .values(
            "created_at",
            "last_exit",
            "last_appointment",
            "last_note",
            "last_diagnostic",
            "is_running",
        )
        .first()
    )
    if row is None or row["is_running"]:
        return None
    dates = [_as_date(v) for k, v in row.items() if k != "is_running"]
    last = max(d for d in dates if d is not None)
    held = (
        RetentionHold.objects.filter(person=person, until__gte=today)
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
    )
    due_on = add_months(last, months)
    if held is not None:
        due_on = max(due_on, held + dt.timedelta(days=1))
    return DueRecord(person_id=person.pk, last_activity=last, due_on=due_on, held_until=held)


# --- Postponing ------------------------------------------------------------------------------


@transaction.atomic
def retention_hold_add(
    *, person: Person, actor: User, until: dt.date, reason: str, today: dt.date | None = None
) -> RetentionHold:
    """Postpone the record's erasure until `until` (ongoing litigation, a pending claim…)."""
    today = today or timezone.localdate()
    if not can_manage_lifecycle(
        acting_membership(actor, person.organisation_id), person.organisation_id
    ):
        raise PermissionDenied(
            "Seuls les responsables de la structure peuvent reporter un effacement."
        )
    reason = " ".join((reason or "").split())
    if not isinstance(until, dt.date):
        raise DomainError("Indiquez jusqu'à quand reporter l'effacement.", field="until")
    if until <= today:
        raise DomainError("La date de fin du report doit être dans le futur.", field="until")
    if until > add_months(today, 12 * HOLD_MAX_YEARS):
        raise DomainError(
            f"Un report dure {HOLD_MAX_YEARS} ans au plus : il peut être renouvelé.", field="until"
        )
    if not reason:
        raise DomainError("Indiquez le motif du report (contentieux en cours…).", field="reason")
    if len(reason) > 300:
        raise DomainError("300 caractères au plus.", field="reason")
    hold = RetentionHold.objects.create(person=person, until=until, reason=reason, decided_by=actor)
    # When the postponement ends, the managers are warned again a month before the erasure.
    RetentionWarning.objects.filter(person=person).delete()
    journal.record(
        actor=actor,
        action=JournalAction.UPDATE,
        target=person,
        summary=f"effacement reporté jusqu'au {until:%d/%m/%Y}",
    )
    return hold


# --- The scheduled job -----------------------------------------------------------------------


@dataclass
class RetentionRun:
    warned: int = 0
    erased: int = 0
    documents_deleted: int = 0
    errors: list[str] = field(default_factory=list)


def _warn(
    organisation: Organisation, due: list[DueRecord], *, today: dt.date, now: dt.datetime
) -> int:
    already = set(
        RetentionWarning.objects.filter(person_id__in=[d.person_id for d in due]).values_list(
            "person_id", "due_on"
        )
    )
    new = [d for d in due if (d.person_id, d.due_on) not in already and d.held_until is None]
    if not new:
        return 0
    RetentionWarning.objects.bulk_create(
        [RetentionWarning(person_id=d.person_id, due_on=d.due_on, sent_at=now) for d in new]
    )
    count = len(new)
    first = min(d.due_on for d in new)
    plural = "s" if count > 1 else ""
    text = (
        f"{count} dossier{plural} arrive{'nt' if count > 1 else ''} au terme de la durée de "
        f"conservation : effacement à partir du {max(first, today + dt.timedelta(days=WARNING_DAYS)):%d/%m/%Y}, "
        "sauf report décidé par un responsable."
    )
    notify(
        organisation=organisation,
        message=text,
        link=link("retention"),
        email=Email(subject="Dossiers à effacer prochainement", text=text),
        email_users=_managers(organisation),
    )
    return count


def _managers(organisation: Organisation) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__role=Role.MANAGER,
            memberships__is_active=True,
        )
    )


def _erase_due(
    organisation: Organisation, due: list[DueRecord], *, today: dt.date, now: dt.datetime
) -> int:
    warned_before = now - dt.timedelta(days=WARNING_DAYS)
    ripe = {d.person_id: d for d in due if d.due_on <= today and d.held_until is None}
    if not ripe:
        return 0
    # Warned a month ago at least, for this very due date (a due date that moved, a record
    # found already due, a postponement: each gets its own warning first).
    warned = {
        person_id
        for person_id, due_on in RetentionWarning.objects.filter(
            person_id__in=list(ripe), sent_at__lte=warned_before
        ).values_list("person_id", "due_on")
        if ripe[person_id].due_on == due_on
    }
    count = 0
    for person in Person.objects.filter(pk__in=warned):
        person_erase(person=person, actor=None, cause=ErasureCause.RETENTION, today=today)
        count += 1
    if count:
        plural = "s" if count > 1 else ""
        notify(
            organisation=organisation,
            message=(
                f"{count} dossier{plural} effacé{plural} au terme de la durée de conservation "
                "(statistiques anonymes conservées)."
            ),
            link=link("retention"),
        )
    return count


def _expired_documents(organisation: Organisation, *, today: dt.date) -> int:
    months = policy_of(organisation).document_months_after_expiry
    limit = add_months(today, -months)
    documents = Document.objects.filter(
        person__organisation=organisation, expires_on__isnull=False, expires_on__lt=limit
    ).exclude(Exists(Consent.objects.filter(document=OuterRef("pk"))))
    count = 0
    for document in documents:
        name, storage, pk = document.file.name, document.file.storage, document.pk
        with transaction.atomic(), lifecycle_writes():
            document.delete()
            journal.record(
                actor=None,
                action=JournalAction.DELETE,
                target_type="people.document",
                target_id=pk,
                person_id=document.person_id,
                organisation=organisation.pk,
                summary=(
                    f"justificatif expiré le {document.expires_on:%d/%m/%Y} supprimé "
                    "(durée de conservation)"
                ),
            )
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        count += 1
    return count


def apply_retention(*, today: dt.date | None = None) -> RetentionRun:
    """The scheduled job, for every organisation. Idempotent: run it daily."""
    today = today or timezone.localdate()
    now = timezone.now()
    run = RetentionRun()
    organisations = Organisation.objects.filter(
        Exists(Person.objects.filter(organisation=OuterRef("pk")))
    )
    for organisation in organisations:
        try:
            due = due_records(organisation, today=today)
            with transaction.atomic():
                run.warned += _warn(organisation, due, today=today, now=now)
            run.erased += _erase_due(organisation, due, today=today, now=now)
            run.documents_deleted += _expired_documents(organisation, today=today)
        except Exception as error:  # one organisation's failure must not stop the others
            logger.exception("Conservation : échec pour la structure %s", organisation.pk)
            run.errors.append(f"structure {organisation.pk} : {error}")
    return run


@task()
def apply_retention_task() -> dict:
    run = apply_retention()
    return {
        "warned": run.warned,
        "erased": run.erased,
        "documents_deleted": run.documents_deleted,
        "errors": run.errors,
    }
