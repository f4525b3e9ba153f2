"""Reads of referrals shared by the web pages and the API: finding a referral for a member of
one of its two sides, the inbox, what the receiving side may read of the person, delays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from relais.core.communes import get_commune
from relais.core.compiled import CompiledQuery, totals
from relais.diagnostics.models import Diagnostic, DomainAssessment
from relais.network.coordination.models import SharedCategory
from relais.network.referrals.models import Referral, ReferralStatus
from relais.network.referrals.policies import (
    Side,
    receiver_categories,
    receiver_domains,
    sharing_scope,
    sharing_scopes,
)
from relais.people.models import Person, Resource
from relais.people.rules import IDENTITY_FIELDS, SITUATION_FIELDS


def referral_for_organisation(organisation_id: int, pk: int) -> Referral | None:
    """The referral `pk` if `organisation_id` is one of its two sides (with the parties
    loaded), else None: the one lookup of the referral pages and the API."""
    return (
        Referral.objects.of_organisation(organisation_id)
        .with_parties()
        .select_related("updated_by")  # who moved it last, for a stale answer's message
        .filter(pk=pk)
        .first()
    )


def referral_owner(pk: int) -> tuple[int, int] | None:
    """(person id, sender organisation id) of a referral out of the user's reach, for the
    journal entry of the refusal (the sender's data protection officer sees it)."""
    return Referral.objects.filter(pk=pk).values_list("person_id", "sender_organisation_id").first()


# What a row of the inbox shows and decides on (its person's sharing: `shared_categories`):
# a row reads none of the texts, JSON lists and dates of the referral, service and
# organisations it does not show (the service's nine JSON columns were most of the cost).
_INBOX_COLUMNS = (
    "id",
    "status",
    "sent_at",
    "expires_at",
    "person_id",
    "shared_categories",
    "service",
    "service__name",
    "sender",
    "sender__first_name",
    "sender__last_name",
    "sender__email",
    "sender_organisation",
    "sender_organisation__name",
    "receiver_organisation",
    "receiver_organisation__name",
    "receiver_organisation__is_external",
)


def inbox(organisation_id: int, side: Side, statuses=None) -> QuerySet[Referral]:
    """The referrals an organisation received (or sent), newest first, with the columns
    their rows show."""
    queryset = Referral.objects.with_parties().only(*_INBOX_COLUMNS)
    if side == Side.RECEIVER:
        queryset = queryset.filter(receiver_organisation_id=organisation_id)
    else:
        queryset = queryset.filter(sender_organisation_id=organisation_id)
    if statuses is not None:
        queryset = queryset.filter(status__in=statuses)
    return queryset.order_by("-sent_at", "-id")


_one_received = CompiledQuery(
    lambda organisation_id: Referral.objects.filter(
        receiver_organisation_id=organisation_id
    ).values_list("pk")[:1],
    ids=("organisation_id",),
    flat=True,
)


def has_received(organisation_id: int) -> bool:
    """Whether the organisation ever received a referral (its inbox opens on them, or on
    what it sent)."""
    return bool(_one_received(organisation_id=organisation_id))


class SharedView:
    """What the receiving organisation may read of the person, now."""

    def __init__(self, referral: Referral) -> None:
        self.loaded: list = []
        scope = sharing_scope(referral.person_id, referral.receiver_organisation)
        self.consent_in_force = scope.covered
        self.categories = receiver_categories(referral, scope)
        self.person = None
        self.identity = SharedCategory.IDENTITY in self.categories
        self.situation = SharedCategory.SITUATION in self.categories
        fields = ["id", "organisation_id"]
        if self.identity:
            fields += list(IDENTITY_FIELDS)
        if self.situation:
            fields += list(SITUATION_FIELDS)
        if self.identity or self.situation:
            self.person = Person.objects.only(*fields).get(pk=referral.person_id)
            self.loaded.append(self.person)
        self.situation_rows = self._situation_rows() if self.situation else []
        # The address ends with its commune's name (a postal code alone is ambiguous).
        self.commune_name = ""
        if self.identity and self.person.commune_code:
            commune = get_commune(self.person.commune_code)
            self.commune_name = commune.name if commune else ""
        self.domains = receiver_domains(referral, self.categories)
        self.diagnostic_on = None
        self.assessments: list[DomainAssessment] = []
        if self.domains:
            latest = (
                Diagnostic.objects.filter(person_id=referral.person_id)
                .order_by("-assessed_on", "-id")
                .values_list("id", "assessed_on")
                .first()
            )
            if latest is not None:
                self.diagnostic_on = latest[1]
                self.assessments = list(
                    DomainAssessment.objects.filter(
                        diagnostic_id=latest[0], domain__in=self.domains
                    ).order_by("domain")
                )
                self.loaded += self.assessments
        self.attachments = []
        if SharedCategory.DOCUMENTS in self.categories:
            self.attachments = list(referral.attachments.all())
            self.loaded += self.attachments
        self.category_labels = [
            label for value, label in SharedCategory.choices if value in self.categories
        ]

    def _situation_rows(self) -> list[tuple[str, str]]:
        p = self.person
        resources = dict(Resource.choices)
        rows = [
            ("Situation familiale", p.get_household_display()),
            ("Âge des enfants", ", ".join(str(a) for a in p.children_ages)),
            ("Ressources", ", ".join(resources.get(r, r) for r in p.resources)),
            ("Niveau de diplôme", p.get_education_level_display()),
            ("Langues parlées", p.languages),
            ("Niveau de français", p.get_french_level_display()),
            ("Permis de conduire", p.get_driving_licence_display()),
            ("Véhicule", "Oui" if p.has_vehicle else "Non"),
            ("RQTH", "Oui" if p.rqth else "Non"),
            ("Situation administrative", p.get_administrative_status_display()),
        ]
        return [(label, value) for label, value in rows if value]


_listed_names = CompiledQuery(
    lambda ids: Person.objects.only(
        "id", "organisation_id", "birth_name", "usage_name", "first_names", "birth_date"
    ).filter(pk__in=ids),
    id_lists=("ids",),
)


def listed_persons(rows: list[Referral], side: Side, organisation) -> dict[int, Person]:
    """Persons shown by name in a list: all of them for the sender (their own records);
    for the receiver, only those whose identity is shared under a consent in force. One
    query for the consents, one for the names."""
    if not rows:
        return {}
    if side == Side.SENDER:
        wanted = {r.pk: r.person_id for r in rows}
    else:
        scopes = sharing_scopes({r.person_id for r in rows}, organisation)
        wanted = {
            r.pk: r.person_id
            for r in rows
            if SharedCategory.IDENTITY in receiver_categories(r, scopes[r.person_id])
        }
    persons = {p.pk: p for p in _listed_names(ids=sorted(set(wanted.values())))}
    return {pk: persons[pid] for pk, pid in wanted.items() if pid in persons}


@dataclass(frozen=True)
class Delays:
    to_seen: dt.timedelta | None  # sent → seen
    to_answer: dt.timedelta | None  # sent → accepted / refused
    to_first_appointment: dt.timedelta | None  # answer → first appointment (days)


def delays(referral: Referral) -> Delays:
    def between(start, end):
        return end - start if start is not None and end is not None else None

    first = None
    if referral.answered_at is not None and referral.first_appointment_on is not None:
        first = referral.first_appointment_on - timezone.localdate(referral.answered_at)
    return Delays(
        to_seen=between(referral.sent_at, referral.seen_at),
        to_answer=between(referral.sent_at, referral.answered_at),
        to_first_appointment=first,
    )


def with_delays(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """Annotate `seen_delay`, `answer_delay` (durations) and `first_appointment_delay`
    (duration in whole days) — portable across SQLite and PostgreSQL, for reporting."""
    return queryset.annotate(
        seen_delay=ExpressionWrapper(F("seen_at") - F("sent_at"), output_field=DurationField()),
        answer_delay=ExpressionWrapper(
            F("answered_at") - F("sent_at"), output_field=DurationField()
        ),
        first_appointment_delay=ExpressionWrapper(
            F("first_appointment_on") - TruncDate("answered_at"), output_field=DurationField()
        ),
    )


def format_delay(value: dt.timedelta | None) -> str:
    """« 3 h », « 2 j », « moins d'une heure » — for tables."""
    if value is None:
        return ""
    seconds = value.total_seconds()
    if seconds < 0:
        return "—"
    if seconds < 3600:
        return "moins d'une heure"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return f"{hours} h"
    days = int(seconds // 86400)
    return f"{days} j"


# --- Answers to the referrals one sent ------------------------------------------------------


def unseen_answers_q(user_id: int, organisation_id: int) -> Q:
    """The referrals `user` sent from `organisation` that the partner answered (accepted,
    refused, took in charge, completed) since the sending side last opened them. An answer
    the sender recorded by hand (partner « hors plateforme ») is not news (the rule is the
    generated column `Referral.answer_unseen`)."""
    return Q(sender_id=user_id, answer_unseen=True, sender_organisation_id=organisation_id)


_ANSWER_FIELDS = ("pk", "status", "updated_at", "service__name", "receiver_organisation__name")
UNSEEN_ANSWERS_SHOWN = 10


def _unseen_answers(user_id: int, organisation_id: int) -> QuerySet:
    return (
        Referral.objects.filter(unseen_answers_q(user_id, organisation_id))
        .order_by("-updated_at", "-pk")
        .values_list(*_ANSWER_FIELDS)[:UNSEEN_ANSWERS_SHOWN]
    )


def _navigation_counts(organisation_id: int, user_id: int) -> QuerySet:
    incoming = Q(receiver_organisation_id=organisation_id, status=ReferralStatus.SENT)
    answers = unseen_answers_q(user_id, organisation_id)
    return totals(
        Referral.objects.filter(incoming | answers),
        new=Count("pk", filter=incoming),
        answers=Count("pk", filter=answers),
    )


# Read by every page (the menu) and by the home page: compiled once (relais.core.compiled).
_compiled_unseen_answers = CompiledQuery(_unseen_answers, ids=("user_id", "organisation_id"))
_compiled_navigation_counts = CompiledQuery(_navigation_counts, ids=("organisation_id", "user_id"))


def unseen_answers(user_id: int, organisation_id: int) -> list[dict]:
    """The latest of them (`UNSEEN_ANSWERS_SHOWN`), as values (no person: the home page
    names none), newest first."""
    rows = _compiled_unseen_answers(user_id=user_id, organisation_id=organisation_id)
    return [dict(zip(_ANSWER_FIELDS, row, strict=True)) for row in rows]


def navigation_counts(organisation_id: int, user_id: int) -> tuple[int, int]:
    """(new referrals waiting in the organisation's inbox, answers to the user's referrals
    not opened yet): the two figures of the « Orientations » menu entry, in one query."""
    ((new, answers),) = _compiled_navigation_counts(
        organisation_id=organisation_id, user_id=user_id
    )
    return new, answers
