"""The certification pages: access, forms keeping what was typed, journal, query counts."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import Role
from relais.certification import juries
from relais.certification.models import (
    BlockAcquisition,
    BodyKind,
    Candidate,
    Certificate,
    Enrolment,
    FollowUpSurvey,
    MemberQuality,
)
from relais.core.models import AccessLogEntry
from tests.factories import MembershipFactory
from tests.factories.certification import (
    CandidateFactory,
    EnrolmentFactory,
    body_member,
    referential,
)
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


def test_organisation_outside_the_process_sees_an_explanation(client):
    membership = MembershipFactory(role=Role.MANAGER)
    login_verified(client, membership.user)
    response = client.get(reverse("certification:home"))
    assert response.status_code == 403
    assert "ne participe pas à un processus de certification" in page_text(response)


def test_home_lists_referentials(client_of, manager):
    referential("RNCP41885")
    response = client_of(manager).get(reverse("certification:home"))
    assert "RNCP41885" in page_text(response)
    detail = client_of(manager).get(reverse("certification:referential", args=["RNCP41885"]))
    assert "Épreuves finales" in page_text(detail)


def test_candidate_form_keeps_input_and_reports_every_error(client_of, manager):
    response = client_of(manager).post(
        reverse("certification:candidate_create"),
        {
            "last_name": "Durand",
            "first_name": "",
            "birth_date": "31/02/1990",
            "diploma_level": "5",
            "experience_years": "abc",
        },
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in text and "Cette date n'existe pas" in text
    assert "Indiquez un nombre d'années" in text
    assert 'value="Durand"' in response.content.decode()
    assert not Candidate.objects.exists()


def test_candidate_create_once_per_submission(client_of, manager):
    data = {
        "submission": "jeton-1",
        "last_name": "Durand",
        "first_name": "Léa",
        "birth_date": "1990-02-03",
        "diploma_level": "5",
        "experience_years": "3",
    }
    client = client_of(manager)
    first = client.post(reverse("certification:candidate_create"), data)
    second = client.post(reverse("certification:candidate_create"), data)
    assert first.status_code == second.status_code == 302
    assert Candidate.objects.count() == 1


def test_enrolment_explains_prerequisites(client_of, manager):
    rncp = referential("RNCP41885")
    candidate = CandidateFactory(organisation=manager.organisation, diploma_level=3)
    response = client_of(manager).post(
        reverse("certification:enrolment_create", args=[candidate.pk]),
        {"certification": rncp.pk, "access_route": "continuing", "enrolled_on": TODAY.isoformat()},
    )
    text = page_text(response)
    assert "Prérequis non remplis" in text and "Cochez « Demande de VAP »" in text
    assert not Enrolment.objects.exists()


def test_other_organisation_gets_404_and_is_journaled(client_of, manager):
    other = body_member(BodyKind.TRAINING, Role.MANAGER)
    candidate = CandidateFactory(organisation=manager.organisation)
    response = client_of(other).get(reverse("certification:candidate", args=[candidate.pk]))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(action="denied", target_id=str(candidate.pk)).exists()


def test_candidate_file_query_count_does_not_grow(client_of, manager):
    rncp = referential("RNCP41885")
    client = client_of(manager)

    def make(n):
        candidate = CandidateFactory(organisation=manager.organisation)
        enrolment = EnrolmentFactory(candidate=candidate, certification=rncp)
        for block in list(rncp.blocks.all())[:n]:
            BlockAcquisition.objects.create(
                enrolment=enrolment, block=block, acquired_on=TODAY, via="jury"
            )
        return candidate

    small, large = make(1), make(5)
    url = lambda c: reverse("certification:candidate", args=[c.pk])  # noqa: E731
    assert count_queries(lambda: client.get(url(small))) == count_queries(
        lambda: client.get(url(large))
    )


def test_candidate_list_is_paginated_with_fixed_queries(client_of, manager):
    client = client_of(manager)
    EnrolmentFactory(candidate__organisation=manager.organisation)
    few = count_queries(lambda: client.get(reverse("certification:candidates")))
    for _ in range(12):
        EnrolmentFactory(candidate__organisation=manager.organisation)
    many = count_queries(lambda: client.get(reverse("certification:candidates")))
    assert few == many
    response = client.get(reverse("certification:candidates"), {"q": "zzzz"})
    assert "Aucun candidat." in page_text(response)


def test_jury_page_query_count_with_many_candidates(client_of, manager):
    rncp = referential("RNCP41885")
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=False
    )
    client = client_of(manager)
    juries.candidates_add(
        membership=manager,
        session=session,
        enrolments=[EnrolmentFactory(candidate__organisation=manager.organisation)],
    )
    few = count_queries(lambda: client.get(reverse("certification:jury", args=[session.pk])))
    juries.candidates_add(
        membership=manager,
        session=session,
        enrolments=[
            EnrolmentFactory(candidate__organisation=manager.organisation) for _ in range(15)
        ],
    )
    many = count_queries(lambda: client.get(reverse("certification:jury", args=[session.pk])))
    assert few == many


def test_jury_refused_composition_shows_every_reason(client_of, manager):
    session = juries.session_create(
        membership=manager, certification=referential("RNCP16575"), held_on=TODAY, for_vae=False
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Anne Roux",
        quality=MemberQuality.PROFESSIONAL,
        is_president=True,
    )
    client = client_of(manager)
    response = client.post(reverse("certification:jury_constitute", args=[session.pk]), follow=True)
    text = page_text(response)
    assert "Composition refusée" in text and "4 membres attendus, 1 désignés" in text
    twice = client.post(
        reverse("certification:jury", args=[session.pk]),
        {"full_name": "anne roux", "quality": "academic"},
    )
    assert "Anne Roux est déjà membre de ce jury." in page_text(twice).replace(
        "anne roux", "Anne Roux"
    )


def test_conflicts_of_interest_through_the_pages(client_of, manager):
    """The trainer chosen at enrolment and the employer typed on the candidate's form are
    checked when a member is designated on the jury page."""
    rncp = referential("RNCP41885")
    colleague = MembershipFactory(organisation=manager.organisation, role=Role.REFERENT)
    client = client_of(manager)
    created = client.post(
        reverse("certification:candidate_create"),
        {
            "last_name": "Durand",
            "first_name": "Léa",
            "birth_date": "1990-02-03",
            "diploma_level": "5",
            "experience_years": "4",
            "employer_name": "Association Le Relais d'Ardèche",
            "employer_siret": "732 829 320 00074",
        },
    )
    assert created.status_code == 302
    candidate = Candidate.objects.get()
    assert candidate.employer_siret == "73282932000074"
    form = client.get(reverse("certification:enrolment_create", args=[candidate.pk]))
    assert "Formateur référent" in page_text(form)
    client.post(
        reverse("certification:enrolment_create", args=[candidate.pk]),
        {
            "certification": rncp.pk,
            "access_route": "continuing",
            "enrolled_on": TODAY.isoformat(),
            "trainer": colleague.user.pk,
        },
    )
    enrolment = Enrolment.objects.get()
    assert enrolment.trainer == colleague.user
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=False
    )
    juries.candidates_add(membership=manager, session=session, enrolments=[enrolment])
    url = reverse("certification:jury", args=[session.pk])
    trained = client.post(
        url, {"full_name": "Paul Martin", "quality": "professional", "user": colleague.user.pk}
    )
    text = page_text(trained)
    assert trained.status_code == 200
    assert "Conflit d'intérêts : Paul Martin a formé Léa DURAND" in text
    employed = client.post(
        url,
        {
            "full_name": "Julie Bon",
            "quality": "professional",
            "employer_name": "Le Relais d’Ardeche",
            "employer_siret": "",
        },
    )
    assert "Julie Bon travaille pour Association Le Relais d'Ardèche" in page_text(employed)
    bad_siret = client.post(
        url, {"full_name": "Marc", "quality": "professional", "employer_siret": "12345"}
    )
    assert "14 chiffres" in page_text(bad_siret)
    assert not session.members.exists()
    ok = client.post(
        url, {"full_name": "Julie Bon", "quality": "professional", "employer_name": "Autre"}
    )
    assert ok.status_code == 302 and session.members.get().employer_name == "Autre"


def test_equivalence_page_refuses_a_non_pdf(client_of, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    block = enrolment.certification.blocks.first()
    response = client_of(manager).post(
        reverse("certification:equivalence", args=[enrolment.pk]),
        {
            "block": block.pk,
            "training_title": "Accueil",
            "completed_on": TODAY.isoformat(),
            "capitalisable": "on",
            "certificate": SimpleUploadedFile("attestation.txt", b"bonjour"),
        },
    )
    assert response.status_code == 200
    assert not BlockAcquisition.objects.exists()
    assert "error-summary" in response.content.decode()
    ok = client_of(manager).post(
        reverse("certification:equivalence", args=[enrolment.pk]),
        {
            "block": block.pk,
            "training_title": "Accueil",
            "completed_on": TODAY.isoformat(),
            "capitalisable": "on",
            "certificate": SimpleUploadedFile("attestation.pdf", PDF_BYTES),
        },
    )
    assert ok.status_code == 302 and BlockAcquisition.objects.count() == 1


def test_export_of_a_candidate(client_of, manager):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    response = client_of(manager).get(
        reverse("certification:candidate_export", args=[enrolment.candidate_id])
    )
    data = json.loads(response.content)
    assert data["candidat"]["nom"] == enrolment.candidate.last_name
    assert data["inscriptions"][0]["certification"] == "RNCP41885"
    assert AccessLogEntry.objects.filter(action="export").exists()


def test_public_verification(client, manager):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    certificate = Certificate.objects.create(
        enrolment=enrolment,
        number="ABCDE-12345-FGHJK-67890",
        issued_on=TODAY,
        holder_name="Léa DURAND",
        title="RNCP41885 — Coordinateur",
    )
    response = client.get(reverse("certification:verify"), {"numero": "abcde12345fghjk67890"})
    text = page_text(response)
    assert "Certificat authentique" in text and "Léa DURAND" in text
    assert enrolment.candidate.email not in text or not enrolment.candidate.email
    assert str(enrolment.candidate.birth_date.year) not in text
    wrong = client.get(reverse("certification:verify"), {"numero": "ABCDE-12345-FGHJK-67891"})
    assert wrong.status_code == 404 and "Certificat introuvable" in page_text(wrong)
    assert certificate.pk


def test_public_verification_is_rate_limited(client, settings):
    settings.RELAIS_CERTIFICATE_LOOKUPS_PER_MINUTE = 3
    from django.core.cache import cache

    cache.clear()
    statuses = [
        client.get(
            reverse("certification:verify"), {"numero": f"ABCDE-12345-FGHJK-6789{i}"}
        ).status_code
        for i in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]
    cache.clear()


def test_statistics_suppress_small_counts_and_export(client_of, manager):
    rncp = referential("RNCP41885")
    for i in range(6):
        enrolment = EnrolmentFactory(
            candidate__organisation=manager.organisation,
            certification=rncp,
            access_route="vae" if i < 2 else "continuing",
            status="certified",
            certified_on=dt.date(2025, 6, 1),
        )
        FollowUpSurvey.objects.create(
            enrolment=enrolment,
            months_after=6,
            employed=i < 5,
            in_trade=i < 4,
            answered_on=dt.date(2025, 12, 1),
        )
    client = client_of(manager)
    text = page_text(client.get(reverse("certification:statistics", args=["RNCP41885"])))
    row = re.search(r"<tr><td>2025</td>(.*?)</tr>", text).group(1)
    assert re.findall(r"<td>(.*?)</td>", row) == ["6", "< 5", "83", "n.c.", "—"]
    csv = client.get(reverse("certification:statistics", args=["RNCP41885"]), {"format": "csv"})
    assert "2025;6;< 5;83;n.c.;—" in csv.content.decode("utf-8-sig")
    xlsx = client.get(reverse("certification:statistics", args=["RNCP41885"]), {"format": "xlsx"})
    assert xlsx.content[:2] == b"PK"


def test_document_deposit_and_plan(client_of, manager, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation)
    client = client_of(manager)
    refused = client.post(
        reverse("certification:document", args=[enrolment.pk]),
        {
            "title": "Mémoire",
            "file": SimpleUploadedFile("memoire.exe", b"MZ\x90\x00" + b"\x00" * 64),
        },
    )
    assert refused.status_code == 200 and "error-summary" in refused.content.decode()
    deposited = client.post(
        reverse("certification:document", args=[enrolment.pk]),
        {"title": "Mémoire professionnel", "file": SimpleUploadedFile("memoire.pdf", PDF_BYTES)},
    )
    assert deposited.status_code == 302
    planned = client.post(
        reverse("certification:plan", args=[enrolment.pk]),
        {"title": "Session de synthèse", "starts_on": (TODAY + dt.timedelta(days=30)).isoformat()},
    )
    assert planned.status_code == 302
    text = page_text(client.get(reverse("certification:candidate", args=[enrolment.candidate_id])))
    assert "Mémoire professionnel — déposé le" in text and "Session de synthèse" in text
    too_late = client.post(
        reverse("certification:plan", args=[enrolment.pk]),
        {"title": "Oral", "starts_on": (TODAY + dt.timedelta(days=365 * 6)).isoformat()},
    )
    assert "Le parcours s'achève le" in page_text(too_late)


def test_jury_pages_refuse_a_vae_mismatch_a_non_president_and_a_signed_jury(client_of, manager):
    rncp = referential("RNCP41885")
    client = client_of(manager)
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=True
    )
    continuing = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    vae = EnrolmentFactory(
        candidate__organisation=manager.organisation, certification=rncp, vae=True
    )
    refused = client.post(
        reverse("certification:jury_candidates", args=[session.pk]),
        {"enrolments": [continuing.pk]},
        follow=True,
    )
    assert "un jury de VAE ne juge que des candidats à la VAE" in page_text(refused)
    client.post(
        reverse("certification:jury_candidates", args=[session.pk]), {"enrolments": [vae.pk]}
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Pr Anne Roux",
        quality=MemberQuality.ACADEMIC,
        is_president=True,
    )
    juries.member_add(
        membership=manager, session=session, full_name="Marc Petit", quality="professional"
    )
    juries.session_constitute(membership=manager, session=session)
    block = rncp.blocks.first()
    juries.deliberate(
        membership=manager, session=session, enrolment=vae, decisions={block.pk: (True, "")}
    )
    sign = reverse("certification:jury_sign", args=[session.pk])
    unlinked = client.post(sign, follow=True)
    assert "reliez Pr Anne Roux à son compte" in page_text(unlinked)
    session.members.filter(is_president=True).update(user=manager.user)
    signed = client.post(sign, follow=True)
    assert "Procès-verbal signé par le président." in page_text(signed)
    deliberate = reverse("certification:jury_deliberate", args=[session.pk, vae.pk])
    locked = client.post(deliberate, {f"decision_{block.pk}": "no", f"reasons_{block.pk}": "Revu"})
    assert "ne changent plus" in page_text(locked)
    assert vae.decisions.get().validated


def test_placement_page_records_the_hours(client_of, manager):
    enrolment = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        candidate__vulnerable_experience=False,
        certification=referential("RS-REFERENT-PARCOURS"),
    )
    client = client_of(manager)
    detail = client.get(reverse("certification:candidate", args=[enrolment.candidate_id]))
    assert "Stage pratique (0 h)" in page_text(detail)
    url = reverse("certification:placement", args=[enrolment.pk])
    page = client.get(url)
    assert "un stage pratique de 140 heures est obligatoire" in page_text(page)
    bad = client.post(url, {"placement_hours": "abc", "version": "1"})
    assert "Indiquez un nombre entier d'heures." in page_text(bad)
    saved = client.post(url, {"placement_hours": "140", "version": "1"})
    assert saved.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.placement_hours == 140
    stale = client.post(url, {"placement_hours": "150", "version": "1"})
    assert "Modifié entre-temps" in page_text(stale)
