"""The caseload (file active): the persons a référent follows, or a whole organisation's for
a manager, with what needs attention.

Everything is computed in the database, in two queries for the page whatever its size
(`page_persons`: the page's keys and the total, then the page's persons with their columns):
each column is a correlated subquery on the person (current pathway, urgency of the latest
diagnostic, next open step, next review, last contact), alerts are expressions on those
columns, added only when the list is filtered or sorted by them (for display they are
derived in Python from the row's values, which costs nothing). The contract alert adds
four queries (see below), whatever the number of persons; the workshop no-show alert one
more (`relais.pathways.no_shows`: unexcused absence at a collective session in the last 30
days).

Definitions (shown to users in the page's help):
- followed (the default view): a person with a pathway in progress, or a contact in the last
  `RECENT_CONTACT_MONTHS` (6) months — a note, an honoured appointment, or the record
  opened in that time (a new intake). Six months: two review periods at the usual rhythm
  (three months), long enough for a person between two pathways, short enough for a
  closed pathway without news to leave the list. The others (« anciens suivis ») are one
  filter away (`followed`);
- current pathway: the most recently started pathway still in progress;
- urgency: the level retained in the latest diagnostic (none if no diagnostic);
- next step: the step still to do (planned or in progress; steps on hold are set aside) of
  an ongoing pathway with the earliest planned date; "step overdue" when that date is past
  (the same rule as `relais.pathways.selectors.overdue_steps_q`);
- next review: the earliest planned review of the ongoing pathways; "review overdue" when
  that date is past;
- last contact: the latest note date or the latest honoured appointment ("honoré"). Notes
  count whatever their visibility: only the date is used, never the content, and an
  author-only note is still a contact with the person. Without any contact, the date the
  record was opened counts, so that a new record is not flagged at once;
- no contact for 30 days / 60 days: 30 (or 60) days or more since the last contact;
  "60 days" replaces "30 days";
- contract to renew: an ongoing pathway whose current goals and steps differ from those of
  its latest signed contract — exactly `relais.pathways.selectors.contract_needs_renewal`
  (the same content hash as the pathway page). To stay at a constant number of queries,
  the database first narrows the candidates to pathways with a goal or step saved after
  that contract was generated (any change of terms implies one), then the terms of those
  few candidates are hashed from plain values (`contract_renewal_person_ids`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from types import SimpleNamespace

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Greatest, NullIf, TruncDate
from django.utils import timezone

from relais.accounts.models import Role
from relais.core.compiled import CompiledQuery
from relais.diagnostics.models import Diagnostic, Urgency
from relais.pathways import contract as contract_terms
from relais.pathways import no_shows, reminders
from relais.pathways.checks import add_months
from relais.pathways.models import (
    Appointment,
    Contract,
    Goal,
    Note,
    Participation,
    Pathway,
    PathwayStatus,
    Scheme,
    Step,
)
from relais.pathways.selectors import OVERDUE_STEP_STATUSES
from relais.people.models import Person

RECENT_CONTACT_MONTHS = 6
FOLLOWED_CURRENT = ""
FOLLOWED_OTHERS = "anciens"
FOLLOWED_ALL = "tous"
FOLLOWED_CHOICES = [
    (FOLLOWED_CURRENT, "Suivies actuellement"),
    (FOLLOWED_OTHERS, "Anciens suivis (sans parcours ni contact depuis 6 mois)"),
    (FOLLOWED_ALL, "Toutes"),
]
NO_CONTACT_WARNING_DAYS = 30
NO_CONTACT_CRITICAL_DAYS = 60
PAGE_SIZE = 50
_NO_DATE = dt.date(1900, 1, 1)


class Alert(StrEnum):
    REVIEW_OVERDUE = "review_overdue"
    NO_CONTACT_30 = "no_contact_30"
    NO_CONTACT_60 = "no_contact_60"
    STEP_OVERDUE = "step_overdue"
    CONTRACT_TO_RENEW = "contract_to_renew"
    FOLLOW_UP_DUE = "follow_up_due"
    WORKSHOP_NO_SHOW = "workshop_no_show"


ALERT_LABELS: dict[Alert, str] = {
    Alert.REVIEW_OVERDUE: "Bilan en retard",
    Alert.NO_CONTACT_30: "Sans contact depuis 30 jours",
    Alert.NO_CONTACT_60: "Sans contact depuis 60 jours",
    Alert.STEP_OVERDUE: "Étape en retard",
    Alert.CONTRACT_TO_RENEW: "Contrat à renouveler",
    Alert.FOLLOW_UP_DUE: "Point de suivi emploi à faire",
    Alert.WORKSHOP_NO_SHOW: "Absence à un atelier",
}

# DSFR badge level per alert.
ALERT_LEVELS: dict[Alert, str] = {
    Alert.REVIEW_OVERDUE: "warning",
    Alert.NO_CONTACT_30: "warning",
    Alert.NO_CONTACT_60: "error",
    Alert.STEP_OVERDUE: "warning",
    Alert.CONTRACT_TO_RENEW: "info",
    Alert.FOLLOW_UP_DUE: "warning",
    Alert.WORKSHOP_NO_SHOW: "warning",
}


class Sort(StrEnum):
    NAME = "nom"
    REFERENT = "referent"
    SCHEME = "parcours"
    URGENCY = "urgence"
    NEXT_STEP = "etape"
    NEXT_REVIEW = "bilan"
    LAST_CONTACT = "contact"
    ALERTS = "alertes"


SORT_LABELS: dict[Sort, str] = {
    Sort.NAME: "Nom",
    Sort.REFERENT: "Référent",
    Sort.SCHEME: "Parcours en cours",
    Sort.URGENCY: "Urgence",
    Sort.NEXT_STEP: "Prochaine étape",
    Sort.NEXT_REVIEW: "Prochain bilan",
    Sort.LAST_CONTACT: "Dernier contact",
    Sort.ALERTS: "Alertes",
}

NO_REFERENT = "aucun"
NO_DIAGNOSTIC = "aucun"


def _active_pathways() -> QuerySet[Pathway]:
    return Pathway.objects.active().filter(person=OuterRef("pk"))


def _open_steps() -> QuerySet[Step]:
    return Step.objects.filter(
        pathway__person=OuterRef("pk"),
        pathway__status=PathwayStatus.ACTIVE,
        status__in=OVERDUE_STEP_STATUSES,
        planned_on__isnull=False,
    ).order_by("planned_on", "id")


def _renewal_candidates(persons) -> QuerySet:
    """(pathway id, person id, signed contract's hash) of the ongoing pathways of `persons`
    with a signed contract and a goal or step saved after it was generated."""
    signed = Contract.objects.filter(pathway=OuterRef("pk"), signed_on__isnull=False).order_by(
        "-number"
    )
    saved_after = OuterRef("signed_at")
    return (
        Pathway.objects.active()
        .filter(person__in=persons)
        .annotate(
            signed_at=Subquery(signed.values("created_at")[:1]),
            signed_hash=Subquery(signed.values("content_hash")[:1]),
        )
        .filter(signed_at__isnull=False)
        .filter(
            Exists(Goal.objects.filter(pathway=OuterRef("pk"), updated_at__gt=saved_after))
            | Exists(Step.objects.filter(pathway=OuterRef("pk"), updated_at__gt=saved_after))
        )
        .order_by()
        .values_list("id", "person_id", "signed_hash")
    )


_GOAL_FIELDS = ("pk", "text", "domain", "indicator", "target", "deadline", "status")
_STEP_FIELDS = ("pk", "goal_id", "kind", "title", "owner", "owner_name", "planned_on", "status")


def _goals_of(pathways) -> QuerySet:
    return (
        Goal.objects.filter(pathway_id__in=pathways)
        .order_by()
        .values_list("pathway_id", *_GOAL_FIELDS)
    )


def _steps_of(pathways) -> QuerySet:
    return (
        Step.objects.filter(pathway_id__in=pathways)
        .order_by()
        .values_list("pathway_id", *_STEP_FIELDS)
    )


# The caseload asks this for every page (a list of ids): compiled once (relais.core.compiled).
_compiled_candidates = CompiledQuery(_renewal_candidates, id_lists=("persons",))
_compiled_goals = CompiledQuery(_goals_of, id_lists=("pathways",))
_compiled_steps = CompiledQuery(_steps_of, id_lists=("pathways",))


def contract_renewal_person_ids(persons: QuerySet | list[int]) -> set[int]:
    """Among `persons` (a queryset of persons or of their ids, or a list of ids), those
    with an ongoing pathway whose contract is to be renewed. Three queries whatever their
    number; plain values are read, not records."""
    if isinstance(persons, QuerySet):
        candidates = list(_renewal_candidates(persons))
    else:
        candidates = _compiled_candidates(persons=list(persons))
    if not candidates:
        return set()
    ids = [c[0] for c in candidates]
    goals: dict[int, list[tuple]] = {i: [] for i in ids}
    steps: dict[int, list[tuple]] = {i: [] for i in ids}
    for pathway_id, *values in _compiled_goals(pathways=ids):
        goals[pathway_id].append(tuple(values))
    for pathway_id, *values in _compiled_steps(pathways=ids):
        steps[pathway_id].append(tuple(values))
    return {
        person_id
        for pathway_id, person_id, signed_hash in candidates
        if _terms_hash(tuple(sorted(goals[pathway_id])), tuple(sorted(steps[pathway_id])))
        != signed_hash
    }


@lru_cache(maxsize=4096)
def _terms_hash(goal_rows: tuple[tuple, ...], step_rows: tuple[tuple, ...]) -> str:
    """The hash of the terms these goal and step rows make (sorted by id). Remembered: the
    same pathways come back at every page of a caseload, and their hash (canonical JSON,
    SHA-256) cost more than the three queries that read them."""
    return contract_terms.terms_hash(
        contract_terms.terms_of(
            [SimpleNamespace(**dict(zip(_GOAL_FIELDS, row, strict=True))) for row in goal_rows],
            [SimpleNamespace(**dict(zip(_STEP_FIELDS, row, strict=True))) for row in step_rows],
        )
    )


def with_caseload(queryset: QuerySet[Person]) -> QuerySet[Person]:
    """Annotate persons with the caseload columns (see the module's docstring)."""
    columns, contact = _caseload_columns()
    # Follow-ups owed to modules above (a placement's checkpoints): relais.pathways.reminders.
    follow_up = {"next_follow_up_on": reminders.next_follow_up()}
    return queryset.annotate(**columns).annotate(**contact).annotate(**follow_up)


def _column_names() -> list[str]:
    columns, contact = _caseload_columns()
    return [*columns, *contact, "next_follow_up_on"]


def _columns_of(persons: list[int]) -> QuerySet:
    queryset = with_caseload(Person.objects.filter(pk__in=persons)).order_by()
    return queryset.values_list("pk", *_column_names())


_compiled_columns_of = CompiledQuery(_columns_of, id_lists=("persons",))


def with_columns(persons: list[Person]) -> list[Person]:
    """`persons` (already read) with the caseload columns set on each, as `with_caseload`
    would have annotated them: one query, compiled once. The caseload page reads its 50
    persons then their columns; the person page's summary its one person, without reading
    it again. A person deleted in between (a merge) is left out."""
    names = _column_names()
    found = {row[0]: row[1:] for row in _compiled_columns_of(persons=[p.pk for p in persons])}
    kept = [person for person in persons if person.pk in found]
    for person in kept:
        for name, value in zip(names, found[person.pk], strict=True):
            setattr(person, name, value)
    return kept


@cache
def _caseload_columns() -> tuple[dict, dict]:
    """The column expressions, built once per process: building these subqueries took
    about 2 ms per page. Reusing them is safe: `annotate` resolves a copy (a Subquery's copy
    clones its query)."""
    current = _active_pathways().order_by("-started_on", "-id")
    active_count = (
        _active_pathways().order_by().values("person").annotate(n=Count("id")).values("n")[:1]
    )
    next_review = (
        _active_pathways()
        .filter(next_review_on__isnull=False)
        .order_by("next_review_on")
        .values("next_review_on")[:1]
    )
    latest_diagnostic = Diagnostic.objects.filter(person=OuterRef("pk")).order_by(
        "-assessed_on", "-id"
    )
    last_note = (
        Note.objects.filter(person=OuterRef("pk"))
        .order_by("-occurred_on")
        .values("occurred_on")[:1]
    )
    last_seen = (
        Appointment.objects.filter(person=OuterRef("pk"), participation=Participation.SEEN)
        .order_by("-starts_at")
        .annotate(day=TruncDate("starts_at"))
        .values("day")[:1]
    )
    no_date = Value(_NO_DATE, output_field=DateField())
    columns = dict(
        current_scheme=Subquery(current.values("scheme")[:1]),
        active_pathways=Coalesce(Subquery(active_count, output_field=IntegerField()), 0),
        next_review_on=Subquery(next_review, output_field=DateField()),
        urgency=Subquery(latest_diagnostic.values("urgency")[:1]),
        next_step_on=Subquery(_open_steps().values("planned_on")[:1], output_field=DateField()),
        next_step_title=Subquery(_open_steps().values("title")[:1]),
        last_note_on=Subquery(last_note, output_field=DateField()),
        last_seen_on=Subquery(last_seen, output_field=DateField()),
    )
    contact = dict(
        last_contact_on=NullIf(
            Greatest(Coalesce("last_note_on", no_date), Coalesce("last_seen_on", no_date)),
            no_date,
            output_field=DateField(),
        ),
    )
    return columns, contact


def _alert_conditions(today: dt.date) -> tuple[dict[Alert, Q], Coalesce]:
    contact_since = Coalesce(F("last_contact_on"), TruncDate("created_at"))
    critical = today - dt.timedelta(days=NO_CONTACT_CRITICAL_DAYS)
    warning = today - dt.timedelta(days=NO_CONTACT_WARNING_DAYS)
    return {
        Alert.REVIEW_OVERDUE: Q(next_review_on__lt=today),
        Alert.NO_CONTACT_60: Q(contact_since__lte=critical),
        Alert.NO_CONTACT_30: Q(contact_since__lte=warning, contact_since__gt=critical),
        Alert.STEP_OVERDUE: Q(next_step_on__lt=today),
        Alert.CONTRACT_TO_RENEW: Q(contract_to_renew=1),
        Alert.FOLLOW_UP_DUE: Q(next_follow_up_on__lte=today),
        Alert.WORKSHOP_NO_SHOW: Q(workshop_no_show=1),
    }, contact_since


def with_alerts(queryset: QuerySet[Person], today: dt.date) -> QuerySet[Person]:
    """Add one flag (0/1) per alert and their count, for filtering and sorting."""
    conditions, contact_since = _alert_conditions(today)
    to_renew = contract_renewal_person_ids(queryset.order_by().values("pk"))
    missed = no_shows.persons_with_recent_no_show(queryset.order_by().values("pk"), today=today)
    queryset = queryset.annotate(
        contact_since=contact_since,
        contract_to_renew=Case(When(pk__in=to_renew, then=Value(1)), default=Value(0)),
        workshop_no_show=Case(When(pk__in=missed, then=Value(1)), default=Value(0)),
    )
    flags = {
        f"alert_{alert}": Case(When(condition, then=Value(1)), default=Value(0))
        for alert, condition in conditions.items()
    }
    queryset = queryset.annotate(**flags)
    total = None
    for name in flags:
        total = F(name) if total is None else total + F(name)
    return queryset.annotate(alert_count=total)


@dataclass(frozen=True)
class CaseloadFilters:
    referent: str = ""  # user id, or NO_REFERENT
    scheme: str = ""
    urgency: str = ""  # "0".."3", or NO_DIAGNOSTIC
    alert: str = ""  # an Alert, or "any"
    search: str = ""
    sort: str = Sort.NAME  # a Sort, "-" prefix for descending
    followed: str = FOLLOWED_CURRENT  # FOLLOWED_CURRENT, FOLLOWED_OTHERS or FOLLOWED_ALL


def currently_followed_q(today: dt.date) -> Q:
    """Persons with a pathway in progress or a contact in the last RECENT_CONTACT_MONTHS
    months (a note, an honoured appointment, or the record opened since)."""
    since = add_months(today, -RECENT_CONTACT_MONTHS)
    return (
        Q(Exists(_active_pathways()))
        | Q(Exists(Note.objects.filter(person=OuterRef("pk"), occurred_on__gte=since)))
        | Q(
            Exists(
                Appointment.objects.filter(
                    person=OuterRef("pk"),
                    participation=Participation.SEEN,
                    starts_at__date__gte=since,
                )
            )
        )
        | Q(created_at__date__gte=since)
    )


def scope(membership) -> QuerySet[Person]:
    """Whose persons: a référent's own (`Person.referent`), the whole organisation for a
    manager. Archived records are not in the caseload."""
    # The organisation's own persons, not the co-followed ones.
    persons = Person.objects.own_of(membership).filter(archived_at__isnull=True)
    if membership is None or membership.role == Role.MANAGER:
        return persons
    if membership.role == Role.REFERENT:
        return persons.filter(referent_id=membership.user_id)
    return persons.none()


# The name the list shows (`Person.display_name`): the usage name when there is one, else the
# birth name, then the first names.
SHOWN_NAME = Coalesce(NullIf(F("usage_name"), Value("")), F("birth_name"))

_SORT_COLUMNS: dict[str, list] = {
    Sort.NAME: [SHOWN_NAME, "first_names"],
    Sort.REFERENT: ["referent__last_name", "referent__first_name"],
    Sort.SCHEME: ["current_scheme"],
    Sort.URGENCY: ["urgency"],
    Sort.NEXT_STEP: ["next_step_on"],
    Sort.NEXT_REVIEW: ["next_review_on"],
    Sort.LAST_CONTACT: ["last_contact_on"],
    Sort.ALERTS: ["alert_count"],
}


# Sorts on the person's own fields: no caseload column needed.
_PLAIN_SORTS = {Sort.NAME, Sort.REFERENT}


def _order(sort: str) -> list:
    """ORDER BY for `sort` ("-" prefix: descending); empty values last, then by name."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    columns = _SORT_COLUMNS.get(key, _SORT_COLUMNS[Sort.NAME])
    expressions = [F(c) if isinstance(c, str) else c for c in columns]
    ordering = [
        e.desc(nulls_last=True) if descending else e.asc(nulls_last=True) for e in expressions
    ]
    if key != Sort.NAME:
        ordering += [SHOWN_NAME.asc(), F("first_names").asc()]
    return [*ordering, F("id").asc()]


def caseload(
    membership, filters: CaseloadFilters, *, today: dt.date | None = None, columns: bool = True
):
    """The filtered, sorted caseload queryset of `membership` (one query per page).

    `columns=False`: the caseload columns are added only if a filter or the sort needs
    them — for `page_persons`, which reads them for the page's persons only."""
    today = today or timezone.localdate()
    sort_key = filters.sort.lstrip("-")
    columns = columns or bool(filters.urgency or filters.alert) or sort_key not in _PLAIN_SORTS
    persons = scope(membership)
    if filters.followed == FOLLOWED_OTHERS:
        persons = persons.exclude(currently_followed_q(today))
    elif filters.followed != FOLLOWED_ALL:
        persons = persons.filter(currently_followed_q(today))
    if filters.search.strip() and membership is not None:
        persons = persons.search(filters.search, organisation_id=membership.organisation_id)
    if filters.referent and membership is not None and membership.role == Role.MANAGER:
        if filters.referent == NO_REFERENT:
            persons = persons.filter(referent__isnull=True)
        elif filters.referent.isdigit():
            persons = persons.filter(referent_id=int(filters.referent))
    if filters.scheme in Scheme.values:
        persons = persons.filter(
            Exists(_active_pathways().filter(scheme=filters.scheme)),
        )
    persons = persons.select_related("referent")
    if columns:
        persons = with_caseload(persons)
    if filters.urgency == NO_DIAGNOSTIC:
        persons = persons.filter(urgency__isnull=True)
    elif filters.urgency.isdigit() and int(filters.urgency) in Urgency.values:
        persons = persons.filter(urgency=int(filters.urgency))
    if filters.alert or sort_key == Sort.ALERTS:
        persons = with_alerts(persons, today)
        if filters.alert == "any":
            persons = persons.filter(alert_count__gt=0)
        elif filters.alert in Alert.__members__.values():
            persons = persons.filter(**{f"alert_{filters.alert}": 1})
    return persons.order_by(*_order(filters.sort))


_persons_by_key = CompiledQuery(
    lambda ids: Person.objects.filter(pk__in=ids).select_related("referent").order_by(),
    id_lists=("ids",),
)


def page_persons(persons: QuerySet[Person], number, per_page: int = PAGE_SIZE):
    """(page, its persons) of a caseload queryset (`number` as Paginator.get_page takes it).

    The page's keys are found first, with the total in the same query (COUNT(*) OVER ()),
    the sort reading only its own columns; then only those persons are read with every
    column. SQLite otherwise computes each column's subquery for every person it sorts (the
    50 shown of 20,000: 24 → 17 ms); PostgreSQL postpones them after the LIMIT by itself.
    The page's `object_list` is not read: use the persons returned."""
    paginator = Paginator(persons.values_list("pk", flat=True), per_page)
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    start = (wanted - 1) * per_page
    keyed = persons.annotate(caseload_total=Window(Count("*"))).values_list("pk", "caseload_total")
    rows = list(keyed[start : start + per_page])
    if rows:
        paginator.__dict__["count"] = rows[0][1]  # Paginator.count is a cached property
        page = paginator.page(wanted)
        keys = [key for key, _total in rows]
    else:  # nobody, or a page past the end: the last page, as get_page gives it
        page = paginator.get_page(number)
        keys = list(page.object_list)
    # The keys passed every filter of `persons` already: the persons are read again, then
    # their columns (a query compiled once: building and compiling the columns' subqueries
    # cost more than running them).
    by_key = {person.pk: person for person in _persons_by_key(ids=keys)}
    return page, with_columns([by_key[key] for key in keys if key in by_key])


@dataclass
class CaseloadRow:
    person: Person
    alerts: list[Alert]
    url: str = ""  # the person page, set by the view

    @property
    def alert_items(self) -> list[tuple[str, str, str]]:
        return [(str(a), ALERT_LABELS[a], ALERT_LEVELS[a]) for a in self.alerts]

    @property
    def urgency_label(self) -> str:
        u = getattr(self.person, "urgency", None)
        return "" if u is None else Urgency(u).label

    @property
    def urgency_level(self) -> str:
        """DSFR badge variant for the urgency."""
        u = getattr(self.person, "urgency", None)
        return {None: "", 0: "success", 1: "info", 2: "warning", 3: "error"}.get(u, "info")

    @property
    def scheme_label(self) -> str:
        s = getattr(self.person, "current_scheme", None)
        return "" if not s else Scheme(s).label

    # Dates as shown (dd/mm/yyyy), formatted here: 150 `date` filters cost a few
    # milliseconds per page of 50 persons.
    @property
    def next_step_day(self) -> str:
        return _day(self.person.next_step_on)

    @property
    def next_review_day(self) -> str:
        return _day(self.person.next_review_on)

    @property
    def last_contact_day(self) -> str:
        return _day(getattr(self.person, "last_contact_on", None))

    @property
    def days_without_contact(self) -> int:
        return (timezone.localdate() - contact_since(self.person)).days


def _day(value: dt.date | str | None) -> str:
    if isinstance(value, str):  # some backends give back text for computed dates
        value = dt.date.fromisoformat(value)
    return value.strftime("%d/%m/%Y") if value else ""


def contact_since(person: Person) -> dt.date:
    last = getattr(person, "last_contact_on", None)
    if isinstance(last, str):  # some backends give back text for computed dates
        last = dt.date.fromisoformat(last)
    return last or timezone.localtime(person.created_at).date()


def alerts_for(
    person: Person, today: dt.date, contract_to_renew: bool = False, no_show: bool = False
) -> list[Alert]:
    """The alerts of an annotated person, from the values already read (no query)."""
    alerts = []
    if person.next_review_on is not None and person.next_review_on < today:
        alerts.append(Alert.REVIEW_OVERDUE)
    days = (today - contact_since(person)).days
    if days >= NO_CONTACT_CRITICAL_DAYS:
        alerts.append(Alert.NO_CONTACT_60)
    elif days >= NO_CONTACT_WARNING_DAYS:
        alerts.append(Alert.NO_CONTACT_30)
    if person.next_step_on is not None and person.next_step_on < today:
        alerts.append(Alert.STEP_OVERDUE)
    if contract_to_renew:
        alerts.append(Alert.CONTRACT_TO_RENEW)
    follow_up = getattr(person, "next_follow_up_on", None)
    if isinstance(follow_up, str):  # some backends give back text for computed dates
        follow_up = dt.date.fromisoformat(follow_up)
    if follow_up is not None and follow_up <= today:
        alerts.append(Alert.FOLLOW_UP_DUE)
    if no_show:
        alerts.append(Alert.WORKSHOP_NO_SHOW)
    return alerts


def rows(persons: list[Person], today: dt.date | None = None) -> list[CaseloadRow]:
    """Rows of a page. The contract alert is computed for the page's persons only, unless
    the query already did it (filtering or sorting by alerts)."""
    today = today or timezone.localdate()
    if persons and all(hasattr(p, "contract_to_renew") for p in persons):
        to_renew = {p.pk for p in persons if p.contract_to_renew}
    else:
        to_renew = contract_renewal_person_ids([p.pk for p in persons]) if persons else set()
    if persons and all(hasattr(p, "workshop_no_show") for p in persons):
        missed = {p.pk for p in persons if p.workshop_no_show}
    else:
        ids = [p.pk for p in persons]
        missed = no_shows.persons_with_recent_no_show(ids, today=today) if ids else set()
    return [CaseloadRow(p, alerts_for(p, today, p.pk in to_renew, p.pk in missed)) for p in persons]


def alert_choices() -> list[tuple[str, str]]:
    return [("any", "Au moins une alerte"), *[(str(a), ALERT_LABELS[a]) for a in Alert]]
