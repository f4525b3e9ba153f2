"""Funding, scheduled evaluations (and their calendar) and follow-up surveys from the
candidate's file: forms keeping what was typed with every error at once, access, journal,
query counts."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import Role
from relais.certification import evaluations
from relais.certification.models import (
    AccompanimentSession,
    BlockAcquisition,
    BodyKind,
    Enrolment,
    Evaluation,
    FollowUpSurvey,
    Modality,
)
from relais.core.models import AccessLogEntry
from tests.factories.certification import EnrolmentFactory, body_member, referential
from tests.helpers import count_queries, login_verified, page_text
from tests.people.files import PDF_BYTES

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def manager():
    return body_member(BodyKind.TRAINING, Role.MANAGER)


@pytest.fixture
def client_of(client):
    def _client(membership):
        login_verified(client, membership.user)
        return client

    return _client


def certified(manager, *, days_ago=400, **kwargs) -> Enrolment:
    return EnrolmentFactory(
        candidate__organisation=manager.organisation,
        certification=referential("RNCP41885"),
        status="certified",
        certified_on=TODAY - dt.timedelta(days=days_ago),
        **kwargs,
    )


def errors_of(response) -> list[str]:
    return re.findall(r'class="fr-error-text"[^>]*>\s*(.*?)\s*<', response.content.decode())


# --- Follow-up surveys ---------------------------------------------------------------------


def test_survey_form_reports_every_error_and_keeps_input(client_of, manager):
    enrolment = certified(manager)
    response = client_of(manager).post(
        reverse("certification:survey", args=[enrolment.pk]),
        {"months_after": "", "situation": "", "answered_on": "31/02/2026"},
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in text
    assert "Indiquez la situation du certifié." in text
    assert "Cette date n'existe pas" in text
    assert 'value="31/02/2026"' in response.content.decode()
    too_early = client_of(manager).post(
        reverse("certification:survey", args=[enrolment.pk]),
        {"months_after": "24", "situation": "trade", "answered_on": TODAY.isoformat()},
    )
    text = page_text(too_early)
    assert "L'enquête à 2 ans se fait à partir du" in text
    assert f'value="{TODAY.isoformat()}"' in too_early.content.decode()
    assert not FollowUpSurvey.objects.exists()


def test_survey_recorded_from_the_file_feeds_the_statistics(client_of, manager):
    client = client_of(manager)
    enrolments = [certified(manager, days_ago=200) for _ in range(6)]
    for index, enrolment in enumerate(enrolments):
        response = client.post(
            reverse("certification:survey", args=[enrolment.pk]),
            {
                "submission": f"jeton-{index}",
                "months_after": "6",
                "situation": "trade" if index < 5 else "no_job",
                "answered_on": TODAY.isoformat(),
            },
        )
        assert response.status_code == 302
    assert FollowUpSurvey.objects.count() == 6
    file = page_text(
        client.get(reverse("certification:candidate", args=[enrolments[0].candidate_id]))
    )
    assert "À 6 mois (réponse du" in file and "en emploi dans le métier visé" in file
    stats = page_text(client.get(reverse("certification:statistics", args=["RNCP41885"])))
    row = re.search(rf"<tr><td>{enrolments[0].certified_on.year}</td>(.*?)</tr>", stats).group(1)
    assert re.findall(r"<td>(.*?)</td>", row)[2:4] == ["83", "83"]
    assert AccessLogEntry.objects.filter(summary="enquête de suivi à 6 mois").count() == 6


def test_survey_page_of_a_candidate_not_yet_certified(client_of, manager):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    response = client_of(manager).get(
        reverse("certification:survey", args=[enrolment.pk]), follow=True
    )
    assert "ne l'est pas encore" in page_text(response)


# --- Funding -------------------------------------------------------------------------------


def test_funding_form_reports_every_error_at_once(client_of, manager):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    response = client_of(manager).post(
        reverse("certification:funding", args=[enrolment.pk]),
        {"funding": "cpf", "funding_amount": "12x", "funded_hours": "30", "version": "0"},
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Indiquez un montant en euros" in text
    assert "Le CPF finance 24 h d'accompagnement au plus : 30 h demandées." in text
    assert 'value="12x"' in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.funding == ""


def test_funding_saved_then_accompaniment_over_the_maximum_explained(client_of, manager):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    client = client_of(manager)
    saved = client.post(
        reverse("certification:funding", args=[enrolment.pk]),
        {
            "funding": "opco",
            "funding_amount": "1500",
            "funded_hours": "10",
            "version": str(enrolment.version),
        },
    )
    assert saved.status_code == 302
    AccompanimentSession.objects.create(enrolment=enrolment, held_on=TODAY, hours=Decimal(9))
    file = page_text(client.get(reverse("certification:candidate", args=[enrolment.candidate_id])))
    assert "Accompagnement : 9,0 h faites sur 10 h financées (OPCO, 1500,00 €)" in file or (
        "Accompagnement : 9.0 h faites sur 10 h financées (OPCO, 1500.00 €)" in file
    )
    refused = client.post(
        reverse("certification:accompaniment", args=[enrolment.pk]),
        {"held_on": TODAY.isoformat(), "hours": "2"},
    )
    text = page_text(refused)
    assert "Cette séance de 2 h dépasserait le maximum financé" in text
    assert "il reste 1" in text and 'value="2"' in refused.content.decode()
    assert AccompanimentSession.objects.count() == 1


def test_funding_stale_version_keeps_input(client_of, manager):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    Enrolment.objects.filter(pk=enrolment.pk).update(version=3)
    response = client_of(manager).post(
        reverse("certification:funding", args=[enrolment.pk]),
        {"funding": "own", "funding_amount": "99", "version": "0"},
    )
    text = page_text(response)
    assert "Modifié entre-temps" in text and 'value="99"' in response.content.decode()
    assert 'name="version" value="3"' in response.content.decode()


# --- Scheduled evaluations -----------------------------------------------------------------


def test_schedule_form_errors_then_calendar(client_of, manager):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    modality = enrolment.certification.blocks.first().modalities.first()
    client = client_of(manager)
    bad = client.post(
        reverse("certification:schedule", args=[enrolment.pk]),
        {"modality": "999999", "scheduled_on": "demain"},
    )
    text = page_text(bad)
    assert "Sélectionnez un choix valide" in text and "Cette date n'existe pas" in text
    late = client.post(
        reverse("certification:schedule", args=[enrolment.pk]),
        {"modality": modality.pk, "scheduled_on": (TODAY + dt.timedelta(days=2200)).isoformat()},
    )
    assert "Le parcours s'achève le" in page_text(late)
    day = TODAY + dt.timedelta(days=15)
    ok = client.post(
        reverse("certification:schedule", args=[enrolment.pk]),
        {"submission": "jeton", "modality": modality.pk, "scheduled_on": day.isoformat()},
    )
    assert ok.status_code == 302
    file = page_text(client.get(reverse("certification:candidate", args=[enrolment.candidate_id])))
    assert f"prévue le {day:%d/%m/%Y}" in file
    ics = client.get(reverse("certification:enrolment_ics", args=[enrolment.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in ics.content.decode()
    everything = client.get(reverse("certification:evaluations_ics"))
    assert enrolment.candidate.last_name.upper() in everything.content.decode()
    assert AccessLogEntry.objects.filter(summary="calendrier des épreuves (ICS)").exists()


def test_other_organisation_gets_404_and_reception_403(client_of, manager):
    enrolment = certified(manager)
    other = body_member(BodyKind.TRAINING, Role.MANAGER)
    for name in ("survey", "funding", "schedule", "enrolment_ics"):
        response = client_of(other).get(reverse(f"certification:{name}", args=[enrolment.pk]))
        assert response.status_code == 404, name
    reception = body_member(organisation=manager.organisation, role=Role.STAFF)
    for name in ("survey", "funding", "schedule"):
        response = client_of(reception).get(reverse(f"certification:{name}", args=[enrolment.pk]))
        assert response.status_code == 403, name


def test_candidate_file_queries_do_not_grow_with_surveys_and_evaluations(client_of, manager):
    client = client_of(manager)

    def make(n):
        enrolment = certified(manager)
        for months in (6, 24)[:n]:
            FollowUpSurvey.objects.create(
                enrolment=enrolment,
                months_after=months,
                employed=True,
                in_trade=True,
                answered_on=TODAY,
            )
        for modality in list(Modality.objects.filter(block__certification=enrolment.certification))[
            : n * 3
        ]:
            Evaluation.objects.create(enrolment=enrolment, modality=modality, scheduled_on=TODAY)
        return enrolment.candidate_id

    small, large = make(1), make(2)
    url = lambda pk: reverse("certification:candidate", args=[pk])  # noqa: E731
    assert count_queries(lambda: client.get(url(small))) == count_queries(
        lambda: client.get(url(large))
    )


def test_deposited_document_downloaded_with_its_deposit_date(
    client_of, manager, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    document = evaluations.document_deposit(
        membership=manager,
        enrolment=enrolment,
        title="Dossier professionnel",
        uploaded=SimpleUploadedFile("dossier.pdf", PDF_BYTES),
    )
    client = client_of(manager)
    file = page_text(client.get(reverse("certification:candidate", args=[enrolment.candidate_id])))
    assert (
        f"Dossier professionnel — déposé le {timezone.localtime(document.deposited_at):%d/%m/%Y}"
        in file
    )
    url = reverse("certification:document_download", args=[enrolment.pk, document.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert 'filename="dossier.pdf"' in response["Content-Disposition"]
    other = body_member(BodyKind.TRAINING, Role.MANAGER)
    assert client_of(other).get(url).status_code == 404


def test_blocks_of_the_former_version_taken_over_from_the_file(client_of, manager):
    former = EnrolmentFactory(
        candidate__organisation=manager.organisation, certification=referential("RNCP37504")
    )
    BlockAcquisition.objects.create(
        enrolment=former,
        block=former.certification.blocks.get(code="RNCP37504BCA"),
        acquired_on=dt.date(2024, 6, 1),
        via="jury",
    )
    new = EnrolmentFactory(candidate=former.candidate, certification=referential("RNCP41885"))
    client = client_of(manager)
    file = page_text(client.get(reverse("certification:candidate", args=[new.candidate_id])))
    assert "Reprendre les blocs acquis de RNCP37504 (correspondance)" in file
    response = client.post(
        reverse("certification:carry_over", args=[new.pk, former.pk]), follow=True
    )
    assert "Blocs repris de RNCP37504 par correspondance : RNCP41885BC01." in page_text(response)
    assert new.acquisitions.get().via == "correspondence"
    again = client.post(reverse("certification:carry_over", args=[new.pk, former.pk]), follow=True)
    assert "Aucun nouveau bloc à reprendre." in page_text(again)
