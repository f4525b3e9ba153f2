"""Follow-up surveys of certified candidates, the source of the yearly statistics the RNCP
fiches publish (insertion at 6 months overall and in the trade, in the trade at 2 years).
One survey per candidate and delay: recording it again corrects the answer."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership
from relais.certification import policies, rules
from relais.certification.checks import ensure, touch
from relais.certification.groups import add_months
from relais.certification.models import Enrolment, FollowUpSurvey
from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction

DELAYS = {6: "6 mois", 24: "2 ans"}


class Situation:
    """The answer as the form asks it: one choice, so « in the trade » cannot come without
    « employed »."""

    TRADE = "trade"
    OTHER_JOB = "other_job"
    NO_JOB = "no_job"
    CHOICES = [
        (TRADE, "En emploi dans le métier visé"),
        (OTHER_JOB, "En emploi hors du métier visé"),
        (NO_JOB, "Sans emploi"),
    ]

    @classmethod
    def flags(cls, situation: str) -> tuple[bool, bool]:
        """(employed, in_trade)."""
        return situation in (cls.TRADE, cls.OTHER_JOB), situation == cls.TRADE

    @classmethod
    def of(cls, survey: FollowUpSurvey) -> str:
        if survey.in_trade:
            return cls.TRADE
        return cls.OTHER_JOB if survey.employed else cls.NO_JOB

    @classmethod
    def label(cls, survey: FollowUpSurvey) -> str:
        return dict(cls.CHOICES)[cls.of(survey)]


def check_survey_date(
    certified_on: dt.date | None, months_after: int, answered_on: dt.date
) -> None:
    """A survey at N months is answered N months after the certification at the earliest,
    and not in the future. Shared by the form (every error at once) and the service."""
    if certified_on is None:
        raise DomainError(
            "Les enquêtes de suivi concernent les candidats certifiés : ce candidat ne l'est "
            "pas encore."
        )
    if answered_on > timezone.localdate():
        raise DomainError("La date de réponse ne peut pas être dans le futur.", field="answered_on")
    earliest = add_months(certified_on, months_after)
    if answered_on < earliest:
        raise rules.SURVEY_DELAY.refuse(
            f"L'enquête à {DELAYS.get(months_after, f'{months_after} mois')} se fait "
            f"à partir du {earliest:%d/%m/%Y} (certifié le {certified_on:%d/%m/%Y}).",
            field="answered_on",
        )


@transaction.atomic
def survey_record(
    *,
    membership: Membership,
    enrolment: Enrolment,
    months_after: int,
    employed: bool,
    in_trade: bool,
    answered_on: dt.date,
) -> FollowUpSurvey:
    ensure(policies.can_score, membership)
    if enrolment.organisation_id != membership.organisation_id:
        raise DomainError("Ce candidat n'est pas suivi par votre structure.")
    if months_after not in DELAYS:
        raise DomainError("Choisissez l'enquête à 6 mois ou à 2 ans.", field="months_after")
    if in_trade and not employed:
        raise DomainError(
            "Un candidat « dans le métier visé » est en emploi : vérifiez la réponse.",
            field="situation",
        )
    check_survey_date(enrolment.certified_on, months_after, answered_on)
    survey, created = FollowUpSurvey.objects.update_or_create(
        enrolment=enrolment,
        months_after=months_after,
        defaults={
            "employed": employed,
            "in_trade": in_trade,
            "answered_on": answered_on,
            "recorded_by": membership.user,
        },
    )
    journal.record(
        actor=membership.user,
        action=JournalAction.CREATE if created else JournalAction.UPDATE,
        target=enrolment.candidate,
        actor_organisation=membership.organisation,
        summary=f"enquête de suivi à {DELAYS[months_after]}",
    )
    touch(enrolment.candidate_id)
    return survey
