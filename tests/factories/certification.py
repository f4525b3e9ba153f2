"""Factories of the certification module: a certification body (an organisation taking part
in the process), candidates, enrolments; and `referential()` which loads a shipped
referential (the real data, not a copy)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from relais.accounts.models import Role
from relais.certification.models import (
    AccessRoute,
    BodyKind,
    Candidate,
    Certification,
    CertificationBody,
    Enrolment,
)
from relais.certification.referentials import DATA_DIR, load, read_file
from tests.factories.accounts import MembershipFactory, OrganisationFactory

FILES = {
    "RNCP41885": "rncp41885.json",
    "RNCP16575": "rncp16575.json",
    "RNCP37504": "rncp37504-cisp2021.json",
    "RS-REFERENT-PARCOURS": "rs-referent-parcours.json",
}


def referential(code: str = "RNCP41885") -> Certification:
    existing = Certification.objects.filter(code=code).first()
    return existing or load(read_file(DATA_DIR / FILES[code]))


class CertificationBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CertificationBody

    organisation = factory.SubFactory(OrganisationFactory, kind="training")
    kind = BodyKind.TRAINING


def body_member(kind: str = BodyKind.TRAINING, role: str = Role.MANAGER, organisation=None):
    """A membership in an organisation that takes part in the certification process."""
    if organisation is None:
        organisation = CertificationBodyFactory(kind=kind).organisation
    elif not CertificationBody.objects.filter(organisation=organisation).exists():
        CertificationBodyFactory(organisation=organisation, kind=kind)
    return MembershipFactory(organisation=organisation, role=role)


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    organisation = factory.SubFactory(OrganisationFactory)
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    birth_date = dt.date(1985, 3, 14)
    diploma_level = 5
    experience_years = Decimal("4")
    vulnerable_experience = True


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    candidate = factory.SubFactory(CandidateFactory)
    certification = factory.LazyFunction(referential)
    organisation = factory.SelfAttribute("candidate.organisation")
    access_route = AccessRoute.CONTINUING
    enrolled_on = factory.LazyFunction(timezone.localdate)

    class Params:
        vae = factory.Trait(access_route=AccessRoute.VAE)


def matrix_objects(organisation, referent) -> dict:
    """The certification records of the permission matrix's world: the organisation takes
    part in the process, with one candidate, enrolment, jury, group and certificate. A small
    hand-made referential keeps building the world fast (it is built once per route)."""
    from relais.certification.models import (
        Block,
        CandidateDocument,
        Certificate,
        CollectiveGroup,
        Criterion,
        Equivalence,
        Evaluation,
        FollowUpSurvey,
        JurySession,
        Modality,
    )

    CertificationBodyFactory(organisation=organisation, kind=BodyKind.TRAINING)
    certification = Certification.objects.create(
        code="RNCP99999",
        kind="rncp",
        data_version="1",
        title="Certification de la matrice",
        certifier_name="Certificateur",
        source="matrice",
    )
    block = Block.objects.create(certification=certification, code="RNCP99999BC01", title="Bloc")
    modality = Modality.objects.create(block=block, code="M1", kind="oral", title="Oral")
    Criterion.objects.create(modality=modality, code="C1", text="Critère")
    candidate = CandidateFactory(organisation=organisation)
    enrolment = EnrolmentFactory(candidate=candidate, certification=certification, trainer=referent)
    jury = JurySession.objects.create(
        organisation=organisation, certification=certification, held_on=timezone.localdate()
    )
    group = CollectiveGroup.objects.create(
        organisation=organisation, certification=certification, name="Groupe"
    )
    evaluation = Evaluation.objects.create(
        enrolment=enrolment, modality=modality, evaluator=referent
    )
    certificate = Certificate.objects.create(
        enrolment=enrolment,
        number="AAAAA-BBBBB-CCCCC-DDDDD",
        issued_on=timezone.localdate(),
        holder_name=candidate.display_name,
        title="Certification de la matrice",
    )
    document = CandidateDocument(enrolment=enrolment, title="Mémoire", original_name="m.pdf")
    document.file.save("memoire.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=True)
    equivalence = Equivalence(
        enrolment=enrolment,
        block=block,
        training_title="Formation",
        completed_on=timezone.localdate(),
        granted_on=timezone.localdate(),
        certificate_name="a.pdf",
    )
    equivalence.certificate.save("attestation.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=True)
    survey = FollowUpSurvey.objects.create(
        enrolment=enrolment,
        months_after=6,
        employed=True,
        in_trade=True,
        answered_on=timezone.localdate(),
    )
    return {
        "cert_survey": survey,
        "cert_document": document,
        "cert_equivalence": equivalence,
        "cert_certification": certification,
        "cert_block": block,
        "cert_modality": modality,
        "cert_candidate": candidate,
        "cert_enrolment": enrolment,
        "cert_jury": jury,
        "cert_group": group,
        "cert_certificate": certificate,
        "cert_evaluation": evaluation,
    }
