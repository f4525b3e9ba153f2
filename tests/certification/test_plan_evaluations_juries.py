"""Equivalences, evaluations on criteria grids, juries, capitalisation and certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from relais.accounts.models import Role
from relais.certification import awards, evaluations, juries, plan
from relais.certification.evaluations import ScoreInput
from relais.certification.models import (
    BlockAcquisition,
    Certificate,
    CriterionScore,
    Enrolment,
    EnrolmentStatus,
    Equivalence,
    JuryMember,
    JuryStatus,
    MemberQuality,
)
from relais.core.errors import DomainError
from tests.factories import MembershipFactory
from tests.factories.certification import EnrolmentFactory, referential
from tests.people.files import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def pdf(name="attestation.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def years_ago(years: int, days: int = 0) -> dt.date:
    return plan.add_months(TODAY, -12 * years) - dt.timedelta(days=days)


@pytest.fixture
def enrolment(trainer, rncp):
    return EnrolmentFactory(candidate__organisation=trainer.organisation, certification=rncp)


def test_equivalence_five_years_old_granted_older_refused(
    trainer, enrolment, rncp, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    blocks = list(rncp.blocks.all())
    equivalence = plan.equivalence_grant(
        capitalisable=True,
        membership=trainer,
        enrolment=enrolment,
        block=blocks[0],
        training_title="Analyse des besoins sociaux",
        completed_on=years_ago(5),
        certificate=pdf(),
    )
    assert equivalence.certificate_name == "attestation.pdf"
    assert BlockAcquisition.objects.get(enrolment=enrolment, block=blocks[0]).via == "equivalence"
    with pytest.raises(DomainError, match="a plus de 5 ans"):
        plan.equivalence_grant(
            capitalisable=True,
            membership=trainer,
            enrolment=enrolment,
            block=blocks[1],
            training_title="Accueil",
            completed_on=years_ago(5, days=1),
            certificate=pdf(),
        )
    assert Equivalence.objects.count() == 1


def test_equivalence_certificate_must_be_a_pdf(trainer, enrolment, rncp, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(DomainError, match="L'attestation doit être un PDF"):
        plan.equivalence_grant(
            capitalisable=True,
            membership=trainer,
            enrolment=enrolment,
            block=rncp.blocks.first(),
            training_title="Accueil",
            completed_on=TODAY,
            certificate=SimpleUploadedFile("scan.png", PNG_BYTES),
        )
    with pytest.raises(DomainError):
        plan.equivalence_grant(
            capitalisable=True,
            membership=trainer,
            enrolment=enrolment,
            block=rncp.blocks.first(),
            training_title="Accueil",
            completed_on=TODAY,
            certificate=SimpleUploadedFile("faux.pdf", b"%PDF-1.4 pas vraiment"),
        )
    assert not Equivalence.objects.exists() and not BlockAcquisition.objects.exists()


def test_plan_alerts_before_the_five_year_limit(trainer, rncp):
    enrolment = EnrolmentFactory(
        candidate__organisation=trainer.organisation,
        certification=rncp,
        enrolled_on=years_ago(5) + dt.timedelta(days=30),
    )
    texts = [a.text for a in plan.alerts(enrolment)]
    assert any("Le parcours s'achève le" in t for t in texts)
    with pytest.raises(DomainError, match="Le parcours s'achève"):
        plan.session_plan(
            membership=trainer,
            enrolment=enrolment,
            title="Session de synthèse",
            starts_on=TODAY + dt.timedelta(days=60),
        )


def _grid(modality, level="met"):
    return {c.pk: ScoreInput(level=level, evidence="Dossier p. 4") for c in modality.criteria.all()}


def test_scoring_a_modality(trainer, enrolment, rncp):
    modality = rncp.blocks.first().modalities.first()
    evaluation = evaluations.evaluation_schedule(
        membership=trainer, enrolment=enrolment, modality=modality
    )
    evaluations.evaluation_score(
        membership=trainer,
        evaluation=evaluation,
        scores=_grid(modality),
        expected_version=evaluation.version,
    )
    assert CriterionScore.objects.filter(evaluation=evaluation).count() == 4


def test_scores_on_a_criterion_of_another_version_are_refused(trainer, enrolment, rncp):
    modality = rncp.blocks.first().modalities.first()
    evaluation = evaluations.evaluation_schedule(
        membership=trainer, enrolment=enrolment, modality=modality
    )
    other = referential("RNCP37504").blocks.first().modalities.first().criteria.first()
    scores = _grid(modality)
    scores[other.pk] = ScoreInput(level="met")
    with pytest.raises(DomainError, match="n'appartiennent pas à la modalité"):
        evaluations.evaluation_score(membership=trainer, evaluation=evaluation, scores=scores)
    partial = dict(list(_grid(modality).items())[:1])
    with pytest.raises(DomainError, match="Critère\\(s\\) non notés"):
        evaluations.evaluation_score(membership=trainer, evaluation=evaluation, scores=partial)
    assert not CriterionScore.objects.exists()
    foreign_modality = referential("RNCP37504").blocks.first().modalities.first()
    with pytest.raises(DomainError, match="autre certification"):
        evaluations.evaluation_schedule(
            membership=trainer, enrolment=enrolment, modality=foreign_modality
        )


def test_stale_scoring_is_refused(trainer, enrolment, rncp):
    modality = rncp.blocks.first().modalities.first()
    evaluation = evaluations.evaluation_schedule(
        membership=trainer, enrolment=enrolment, modality=modality
    )
    evaluations.evaluation_score(membership=trainer, evaluation=evaluation, scores=_grid(modality))
    with pytest.raises(DomainError, match="Modifié entre-temps"):
        evaluations.evaluation_score(
            membership=trainer, evaluation=evaluation, scores=_grid(modality), expected_version=1
        )


def test_proposal_from_scores():
    assert evaluations.evaluation_result(["met", "partly"]) == "favorable"
    assert evaluations.evaluation_result(["met", "not_met"]) == "défavorable"
    assert evaluations.evaluation_result(["partly", "partly", "met"]) == "réservé"


def _jury(manager, code="RNCP16575", for_vae=False):
    return juries.session_create(
        membership=manager, certification=referential(code), held_on=TODAY, for_vae=for_vae
    )


def _member(manager, session, name, quality, president=False, **extra):
    return juries.member_add(
        membership=manager,
        session=session,
        full_name=name,
        quality=quality,
        is_president=president,
        **extra,
    )


def test_rncp16575_jury_composition(manager):
    session = _jury(manager)
    _member(manager, session, "Pr Anne Roux", MemberQuality.PROFESSIONAL, president=True)
    _member(manager, session, "Marc Petit", MemberQuality.PROFESSIONAL)
    with pytest.raises(DomainError) as error:
        juries.session_constitute(membership=manager, session=session)
    message = error.value.message
    assert "4 membres attendus, 2 désignés" in message
    assert "Le président doit être universitaire ou institutionnel" in message
    assert "3 membres professionnels attendus, 1 désignés" in message
    session.refresh_from_db()
    assert session.status == JuryStatus.PLANNED


def test_vae_jury_needs_a_president_and_two_professionals(manager):
    session = _jury(manager, for_vae=True)
    _member(manager, session, "Pr Anne Roux", MemberQuality.ACADEMIC, president=True)
    _member(manager, session, "Marc Petit", MemberQuality.PROFESSIONAL)
    _member(manager, session, "Julie Bon", MemberQuality.PROFESSIONAL)
    assert juries.session_constitute(membership=manager, session=session).status == "constituted"


def test_rs_jury_needs_a_health_social_professional(manager):
    session = _jury(manager, code="RS-REFERENT-PARCOURS")
    _member(manager, session, "Anne Roux", MemberQuality.INSTITUTIONAL, president=True)
    _member(manager, session, "Marc Petit", MemberQuality.PROFESSIONAL)
    with pytest.raises(DomainError, match="santé-social"):
        juries.session_constitute(membership=manager, session=session)


def test_a_member_twice_is_refused(manager):
    session = _jury(manager)
    _member(manager, session, "Marc Petit", MemberQuality.PROFESSIONAL)
    with pytest.raises(DomainError, match="déjà membre de ce jury"):
        _member(manager, session, "marc petit", MemberQuality.ACADEMIC)
    _member(manager, session, "Anne Roux", MemberQuality.ACADEMIC, president=True)
    with pytest.raises(DomainError, match="déjà un président"):
        _member(manager, session, "Paul Lenoir", MemberQuality.ACADEMIC, president=True)


def test_conflict_of_interest_trainer_or_employer(manager, trainer):
    session = _jury(manager, for_vae=True)
    enrolment = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        candidate__employer_name="Association Le Relais d'Ardèche",
        candidate__employer_siret="",
        certification=session.certification,
        trainer=trainer.user,
        vae=True,
    )
    juries.candidates_add(membership=manager, session=session, enrolments=[enrolment])
    _member(manager, session, "Pr Anne Roux", MemberQuality.ACADEMIC, president=True)
    with pytest.raises(DomainError, match="Conflit d'intérêts : Le formateur a formé") as error:
        _member(manager, session, "Le formateur", MemberQuality.PROFESSIONAL, user=trainer.user)
    assert enrolment.candidate.display_name in error.value.message
    with pytest.raises(DomainError, match="Julie Bon travaille pour Association Le Relais"):
        _member(
            manager,
            session,
            "Julie Bon",
            MemberQuality.PROFESSIONAL,
            employer_name="LE RELAIS D'ARDECHE (asso.)",
        )
    assert list(session.members.values_list("full_name", flat=True)) == ["Pr Anne Roux"]
    _member(manager, session, "Marc Petit", MemberQuality.PROFESSIONAL, employer_name="Autre")
    _member(manager, session, "Julie Bon", MemberQuality.PROFESSIONAL)
    assert juries.session_constitute(membership=manager, session=session).status == "constituted"


def test_conflicting_candidate_is_refused_when_presented(manager, trainer):
    session = _jury(manager)
    _member(manager, session, "Le formateur", MemberQuality.PROFESSIONAL, user=trainer.user)
    _member(
        manager, session, "Marc Petit", MemberQuality.PROFESSIONAL, employer_siret="73282932000074"
    )
    trained = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        certification=session.certification,
        trainer=trainer.user,
    )
    with pytest.raises(DomainError, match="Le formateur a formé"):
        juries.candidates_add(membership=manager, session=session, enrolments=[trained])
    # Same SIREN (another establishment of the employer), different spelling of the name.
    employed = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        candidate__employer_name="Danone Eaux",
        candidate__employer_siret="73282932000108",
        certification=session.certification,
    )
    with pytest.raises(DomainError, match="Marc Petit travaille pour Danone Eaux"):
        juries.candidates_add(membership=manager, session=session, enrolments=[employed])
    assert not session.enrolments.exists()


def test_employer_comparison():
    ref = juries.EmployerRef
    assert juries.employer_key("Association « Le Relais » d'Ardèche") == "lerelaisdardeche"
    assert juries.same_employer(ref(None, "SAS Éco-Bois", ""), ref(None, "eco bois", ""))
    assert not juries.same_employer(ref(None, "", ""), ref(None, "", ""))
    # Both SIRETs known: they decide, not the names.
    assert not juries.same_employer(
        ref(None, "Le Relais", "73282932000074"), ref(None, "Le Relais", "55210055400013")
    )
    assert juries.same_employer(ref(7, "A", ""), ref(7, "B", ""))


def test_jury_member_account_and_siret_are_checked(manager):
    session = _jury(manager)
    outsider = MembershipFactory()
    with pytest.raises(DomainError, match="pas membre de votre structure"):
        _member(manager, session, "Paul", MemberQuality.PROFESSIONAL, user=outsider.user)
    with pytest.raises(DomainError, match="14 chiffres"):
        _member(manager, session, "Paul", MemberQuality.PROFESSIONAL, employer_siret="123")


def _constituted(manager, enrolments, code="RNCP41885"):
    session = juries.session_create(
        membership=manager, certification=referential(code), held_on=TODAY, for_vae=False
    )
    _member(manager, session, "Pr Anne Roux", MemberQuality.ACADEMIC, president=True)
    _member(manager, session, "Marc Petit", MemberQuality.PROFESSIONAL)
    juries.candidates_add(membership=manager, session=session, enrolments=enrolments)
    return juries.session_constitute(membership=manager, session=session)


def test_deliberation_capitalises_blocks_and_certification_is_awarded(manager, rncp):
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    session = _constituted(manager, [enrolment])
    blocks = list(rncp.blocks.all())
    with pytest.raises(DomainError, match="Indiquez les motifs du refus"):
        juries.deliberate(
            membership=manager,
            session=session,
            enrolment=enrolment,
            decisions={blocks[0].pk: (False, "")},
        )
    juries.deliberate(
        membership=manager,
        session=session,
        enrolment=enrolment,
        decisions={b.pk: (True, "") for b in blocks[:-1]},
    )
    with pytest.raises(DomainError, match="restent à valider RNCP41885EF"):
        awards.certification_award(membership=manager, enrolment=enrolment)
    juries.deliberate(
        membership=manager,
        session=session,
        enrolment=enrolment,
        decisions={blocks[-1].pk: (True, "")},
    )
    certificate = awards.certification_award(membership=manager, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.CERTIFIED and enrolment.certified_on == TODAY
    assert awards.find_certificate(certificate.number.lower().replace("-", " ")) == certificate
    assert certificate.title.startswith("RNCP41885 — Coordinateur de parcours")
    with pytest.raises(DomainError, match="déjà délivrée"):
        awards.certification_award(membership=manager, enrolment=enrolment)
    attestation = awards.attestation_issue(membership=manager, enrolment=enrolment, block=blocks[0])
    assert attestation.block == blocks[0] and attestation.number != certificate.number
    session.refresh_from_db()
    assert session.status == JuryStatus.DELIBERATED
    rows = juries_rows = __import__("relais.certification.selectors", fromlist=["x"]).jury_rows(
        session
    )
    assert rows[0]["cells"][0]["label"] == "Validé" and juries_rows
    assert juries.minutes_pdf(session, rows=rows).startswith(b"%PDF")
    assert awards.certificate_pdf(certificate, verify_url="https://x/verifier/").startswith(b"%PDF")


def test_unknown_numbers_are_not_found():
    assert awards.find_certificate("") is None
    assert awards.find_certificate("AAAAA") is None
    assert awards.find_certificate("0000-0000-0000-0000-0000") is None
    assert len(awards.new_number()) == 23


def test_correspondence_carries_blocks_over(manager):
    former = EnrolmentFactory(
        candidate__organisation=manager.organisation, certification=referential("RNCP37504")
    )
    block_a = former.certification.blocks.get(code="RNCP37504BCA")
    BlockAcquisition.objects.create(
        enrolment=former, block=block_a, acquired_on=dt.date(2024, 6, 1), via="jury"
    )
    new = Enrolment.objects.create(
        candidate=former.candidate,
        certification=referential("RNCP41885"),
        organisation=manager.organisation,
        access_route="continuing",
        enrolled_on=TODAY,
    )
    made = awards.correspondence_carry_over(membership=manager, former=former, enrolment=new)
    assert [a.block.code for a in made] == ["RNCP41885BC01"]
    assert made[0].acquired_on == dt.date(2024, 6, 1) and made[0].via == "correspondence"


def test_rs_after_its_last_delivery_date_cannot_be_awarded(manager):
    rs = referential("RS-REFERENT-PARCOURS")
    enrolment = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        certification=rs,
        enrolled_on=dt.date(2026, 1, 5),
    )
    for block in rs.blocks.all():
        BlockAcquisition.objects.create(
            enrolment=enrolment, block=block, acquired_on=TODAY, via="jury"
        )
    with pytest.raises(DomainError, match="ne peut plus être délivrée depuis le 27/09/2026"):
        awards.certification_award(membership=manager, enrolment=enrolment, on=dt.date(2026, 10, 1))
    assert not Certificate.objects.exists()


def test_vae_jury_takes_vae_candidates_only(manager):
    vae_jury = _jury(manager, for_vae=True)
    continuing = EnrolmentFactory(
        candidate__organisation=manager.organisation, certification=vae_jury.certification
    )
    with pytest.raises(DomainError, match="un jury de VAE ne juge que des candidats à la VAE"):
        juries.candidates_add(membership=manager, session=vae_jury, enrolments=[continuing])
    # RNCP16575 sets a distinct composition for VAE: its other juries refuse VAE candidates.
    vae = EnrolmentFactory(
        candidate__organisation=manager.organisation,
        certification=vae_jury.certification,
        vae=True,
    )
    with pytest.raises(DomainError, match="prévoit un jury de VAE distinct"):
        juries.candidates_add(membership=manager, session=_jury(manager), enrolments=[vae])
    # RNCP41885 sets none: a training jury may judge a VAE candidate.
    rncp = EnrolmentFactory(candidate__organisation=manager.organisation, vae=True)
    juries.candidates_add(
        membership=manager, session=_jury(manager, code="RNCP41885"), enrolments=[rncp]
    )
    juries.candidates_add(membership=manager, session=vae_jury, enrolments=[vae])
    assert list(vae_jury.enrolments.all()) == [vae]


def test_candidate_added_after_constitution_is_checked(manager, trainer):
    rncp = referential("RNCP41885")
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=False
    )
    _member(manager, session, "Pr Anne Roux", MemberQuality.ACADEMIC, president=True)
    _member(manager, session, "La formatrice", MemberQuality.PROFESSIONAL, user=trainer.user)
    juries.candidates_add(membership=manager, session=session, enrolments=[enrolment])
    juries.session_constitute(membership=manager, session=session)
    late = EnrolmentFactory(
        candidate__organisation=manager.organisation, certification=rncp, trainer=trainer.user
    )
    with pytest.raises(DomainError, match="Conflit d'intérêts : La formatrice a formé"):
        juries.candidates_add(membership=manager, session=session, enrolments=[late])
    session.refresh_from_db()
    assert session.status == JuryStatus.CONSTITUTED
    assert list(session.enrolments.all()) == [enrolment]


def test_signed_minutes_lock_the_decisions_and_only_the_president_signs(manager, trainer):
    rncp = referential("RNCP41885")
    enrolment = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    colleague = MembershipFactory(organisation=manager.organisation, role=Role.MANAGER)
    session = juries.session_create(
        membership=manager, certification=rncp, held_on=TODAY, for_vae=False
    )
    president = _member(manager, session, "Pr Anne Roux", MemberQuality.ACADEMIC, president=True)
    _member(manager, session, "Marc Petit", MemberQuality.PROFESSIONAL)
    juries.candidates_add(membership=manager, session=session, enrolments=[enrolment])
    juries.session_constitute(membership=manager, session=session)
    block = rncp.blocks.first()
    juries.deliberate(
        membership=manager, session=session, enrolment=enrolment, decisions={block.pk: (True, "")}
    )
    with pytest.raises(DomainError, match="reliez Pr Anne Roux à son compte"):
        juries.minutes_sign(membership=manager, session=session)
    JuryMember.objects.filter(pk=president.pk).update(user=colleague.user)
    with pytest.raises(DomainError, match="Seul le président du jury, Pr Anne Roux, peut signer"):
        juries.minutes_sign(membership=manager, session=session)
    signed = juries.minutes_sign(membership=colleague, session=session)
    assert signed.minutes_signed_by == colleague.user and signed.minutes_signed_at
    with pytest.raises(DomainError, match=r"a été signé le .* ne changent plus"):
        juries.deliberate(
            membership=manager,
            session=session,
            enrolment=enrolment,
            decisions={block.pk: (False, "Revu")},
        )
    assert enrolment.decisions.get().validated
    other = EnrolmentFactory(candidate__organisation=manager.organisation, certification=rncp)
    with pytest.raises(DomainError, match="ne changent plus"):
        juries.candidates_add(membership=manager, session=session, enrolments=[other])
    with pytest.raises(DomainError, match="ne changent plus"):
        juries.minutes_sign(membership=colleague, session=session)
