"""Funding per candidate with its funded accompaniment hours, scheduled written files and
orals (and their calendar), follow-up surveys of certified candidates and the statistics
they feed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from relais.certification import calendar, evaluations, groups, statistics, surveys
from relais.certification.models import Enrolment, Evaluation, FollowUpSurvey, Funding
from relais.core.errors import DomainError, PermissionDenied, StaleObjectError
from relais.core.models import AccessLogEntry
from tests.factories.certification import EnrolmentFactory, body_member, referential

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def enrolment(trainer, rncp):
    return EnrolmentFactory(candidate__organisation=trainer.organisation, certification=rncp)


def certified(trainer, rncp, *, on: dt.date, route: str = "continuing") -> Enrolment:
    return EnrolmentFactory(
        candidate__organisation=trainer.organisation,
        certification=rncp,
        access_route=route,
        status="certified",
        certified_on=on,
    )


# --- Funding -------------------------------------------------------------------------------


def test_funding_recorded_per_candidate_and_journaled(trainer, enrolment):
    groups.funding_set(
        membership=trainer,
        enrolment=enrolment,
        funding=Funding.OPCO,
        funding_amount=Decimal("1800.50"),
        funded_hours=30,
        expected_version=enrolment.version,
    )
    enrolment.refresh_from_db()
    assert (enrolment.funding, enrolment.funding_amount, enrolment.funded_hours) == (
        "opco",
        Decimal("1800.50"),
        30,
    )
    assert groups.funded_hours_of(enrolment) == 30
    assert AccessLogEntry.objects.filter(summary="financement").exists()


def test_cpf_funds_24_hours_at_most(trainer, enrolment):
    with pytest.raises(DomainError, match="Le CPF finance 24 h d'accompagnement au plus"):
        groups.funding_set(
            membership=trainer, enrolment=enrolment, funding=Funding.CPF, funded_hours=30
        )
    enrolment.refresh_from_db()
    assert enrolment.funding == "" and enrolment.funded_hours is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"funding": "loto"}, "Choisissez un financement"),
        ({"funding": "own", "funding_amount": Decimal(-1)}, "Le montant va de 0"),
        ({"funding": "own", "funded_hours": 0}, "vont de 1 à 200"),
        ({"funding": "own", "funded_hours": 500}, "vont de 1 à 200"),
    ],
)
def test_funding_bad_input(trainer, enrolment, values, message):
    with pytest.raises(DomainError, match=message):
        groups.funding_set(membership=trainer, enrolment=enrolment, **values)


def test_funding_stale_and_other_organisation(trainer, enrolment):
    with pytest.raises(StaleObjectError):
        groups.funding_set(
            membership=trainer,
            enrolment=enrolment,
            funding=Funding.OWN,
            expected_version=enrolment.version + 1,
        )
    other = body_member(role="referent")
    with pytest.raises(DomainError, match="pas suivi par votre structure"):
        groups.funding_set(membership=other, enrolment=enrolment, funding=Funding.OWN)
    reception = body_member(organisation=trainer.organisation, role="staff")
    with pytest.raises(PermissionDenied):
        groups.funding_set(membership=reception, enrolment=enrolment, funding=Funding.OWN)


def test_accompaniment_counted_against_the_candidates_funded_hours(trainer, enrolment):
    groups.funding_set(
        membership=trainer, enrolment=enrolment, funding=Funding.CPF, funded_hours=10
    )
    groups.accompaniment_record(
        membership=trainer, enrolment=enrolment, held_on=TODAY, hours=Decimal(8), collective=False
    )
    with pytest.raises(DomainError) as error:
        groups.accompaniment_record(
            membership=trainer,
            enrolment=enrolment,
            held_on=TODAY,
            hours=Decimal(3),
            collective=False,
        )
    text = error.value.message
    assert "Cette séance de 3 h dépasserait le maximum financé" in text
    assert "8 h déjà faites sur 10 h financées (Compte personnel de formation (CPF))" in text
    assert "il reste 2 h" in text and "24 heures au plus" in text
    with pytest.raises(DomainError, match="ne peuvent pas être moins nombreuses"):
        groups.funding_set(
            membership=trainer, enrolment=enrolment, funding=Funding.CPF, funded_hours=6
        )


def test_without_funding_a_candidate_outside_a_group_has_the_cpf_hours(enrolment):
    assert groups.funded_hours_of(enrolment) == 24


# --- Scheduled evaluations -----------------------------------------------------------------


def test_schedule_and_move_an_oral(trainer, enrolment, rncp):
    modality = rncp.blocks.first().modalities.first()
    first = evaluations.evaluation_schedule(
        membership=trainer,
        enrolment=enrolment,
        modality=modality,
        scheduled_on=TODAY + dt.timedelta(days=20),
    )
    moved = evaluations.evaluation_schedule(
        membership=trainer,
        enrolment=enrolment,
        modality=modality,
        scheduled_on=TODAY + dt.timedelta(days=30),
    )
    assert first.pk == moved.pk and moved.version == first.version + 1
    assert Evaluation.objects.get().scheduled_on == TODAY + dt.timedelta(days=30)


def test_schedule_refused_outside_the_path(trainer, enrolment, rncp):
    modality = rncp.blocks.first().modalities.first()
    with pytest.raises(DomainError, match="ne peut pas précéder l'inscription"):
        evaluations.evaluation_schedule(
            membership=trainer,
            enrolment=enrolment,
            modality=modality,
            scheduled_on=enrolment.enrolled_on - dt.timedelta(days=1),
        )
    with pytest.raises(DomainError, match="Le parcours s'achève le"):
        evaluations.evaluation_schedule(
            membership=trainer,
            enrolment=enrolment,
            modality=modality,
            scheduled_on=TODAY + dt.timedelta(days=365 * 6),
        )
    other = referential("RNCP16575").blocks.first().modalities.first()
    with pytest.raises(DomainError, match="autre certification"):
        evaluations.evaluation_schedule(
            membership=trainer, enrolment=enrolment, modality=other, scheduled_on=TODAY
        )
    assert not Evaluation.objects.exists()


def test_calendar_of_scheduled_evaluations(trainer, enrolment, rncp):
    modality = rncp.blocks.first().modalities.first()
    evaluations.evaluation_schedule(
        membership=trainer, enrolment=enrolment, modality=modality, scheduled_on=TODAY
    )
    elsewhere = EnrolmentFactory(certification=rncp)
    Evaluation.objects.create(enrolment=elsewhere, modality=modality, scheduled_on=TODAY)
    rows = list(calendar.of_organisation(trainer.organisation_id, today=TODAY))
    assert [r.enrolment_id for r in rows] == [enrolment.pk]
    ics = calendar.as_ics(rows, name="Épreuves").decode()
    assert "BEGIN:VEVENT" in ics and f"DTSTART;VALUE=DATE:{TODAY:%Y%m%d}" in ics
    assert enrolment.candidate.last_name.upper() in ics


# --- Follow-up surveys and statistics ------------------------------------------------------


def test_survey_recorded_then_corrected(trainer, rncp):
    enrolment = certified(trainer, rncp, on=TODAY - dt.timedelta(days=400))
    surveys.survey_record(
        membership=trainer,
        enrolment=enrolment,
        months_after=6,
        employed=True,
        in_trade=False,
        answered_on=TODAY - dt.timedelta(days=100),
    )
    surveys.survey_record(
        membership=trainer,
        enrolment=enrolment,
        months_after=6,
        employed=True,
        in_trade=True,
        answered_on=TODAY - dt.timedelta(days=90),
    )
    survey = FollowUpSurvey.objects.get()
    assert survey.in_trade and survey.recorded_by == trainer.user
    assert AccessLogEntry.objects.filter(summary="enquête de suivi à 6 mois").count() == 2


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"months_after": 12}, "6 mois ou à 2 ans"),
        ({"employed": False, "in_trade": True}, "est en emploi"),
        ({"answered_on": TODAY + dt.timedelta(days=1)}, "dans le futur"),
        ({"months_after": 24}, "L'enquête à 2 ans se fait à partir du"),
    ],
)
def test_survey_bad_input(trainer, rncp, values, message):
    enrolment = certified(trainer, rncp, on=TODAY - dt.timedelta(days=300))
    data = {"months_after": 6, "employed": True, "in_trade": True, "answered_on": TODAY}
    with pytest.raises(DomainError, match=message):
        surveys.survey_record(membership=trainer, enrolment=enrolment, **(data | values))
    assert not FollowUpSurvey.objects.exists()


def test_survey_refused_too_early_and_before_certification(trainer, rncp, enrolment):
    with pytest.raises(DomainError, match="ne l'est pas encore"):
        surveys.survey_record(
            membership=trainer,
            enrolment=enrolment,
            months_after=6,
            employed=True,
            in_trade=True,
            answered_on=TODAY,
        )
    recent = certified(trainer, rncp, on=TODAY - dt.timedelta(days=30))
    with pytest.raises(DomainError, match="Règle : insertion mesurée 6 mois et 2 ans"):
        surveys.survey_record(
            membership=trainer,
            enrolment=recent,
            months_after=6,
            employed=True,
            in_trade=True,
            answered_on=TODAY,
        )


def test_yearly_statistics_use_the_recorded_surveys(trainer, rncp):
    year = TODAY.year - 3
    answers = [(True, True)] * 6 + [(True, False)] * 2 + [(False, False)] * 2
    for index, (employed, in_trade) in enumerate(answers):
        enrolment = certified(
            trainer, rncp, on=dt.date(year, 3, 1), route="vae" if index < 5 else "continuing"
        )
        for months in (6, 24):
            surveys.survey_record(
                membership=trainer,
                enrolment=enrolment,
                months_after=months,
                employed=employed,
                in_trade=in_trade or (months == 24 and employed),
                answered_on=dt.date(year, 3, 1) + dt.timedelta(days=31 * months),
            )
    row = statistics.yearly(rncp, organisation=trainer.organisation)[0]
    assert (row.year, row.certified, row.certified_vae) == (year, "10", "5")
    assert (row.insertion_6m, row.trade_6m, row.trade_2y) == ("80", "60", "80")
    assert f"{year};10;5;80;60;80" in statistics.as_csv([row]).decode("utf-8-sig")
