"""Demo data of the certification module, written through its services: a federation that
runs a collective VAE group toward RNCP41885 for the staff of its member structures (the
demo ACI among them), candidates in training with scored evaluations, a deliberated jury and
a certified candidate with certificate and follow-up surveys. All names are fictitious."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.certification import awards, candidates, edits, evaluations, groups, juries, plan
from relais.certification.models import (
    AccessRoute,
    BodyKind,
    CertificationBody,
    FollowUpSurvey,
    MemberQuality,
    SessionKind,
)
from relais.certification.referentials import load_shipped
from relais.demo.accounts import DEMO_PASSWORD, _siret

FEDERATION = "Fédération Inclusion Rhône — formation certifiante (démo)"
# (e-mail, first name, last name, role): printed with the other demo logins.
FEDERATION_USERS = (
    ("responsable.federation@relais.localhost", "Hélène", "Garnier", Role.MANAGER),
    ("formatrice.federation@relais.localhost", "Agnès", "Roussel", Role.REFERENT),
)

NAMES = [
    ("Aubert", "Claire"),
    ("Benoît", "Samir"),
    ("Caron", "Julie"),
    ("Dumas", "Yann"),
    ("Élie", "Fatou"),
    ("Ferrand", "Hugo"),
    ("Gilles", "Inès"),
    ("Hamon", "Louis"),
    ("Imbert", "Maëlle"),
    ("Joly", "Nicolas"),
    ("Klein", "Océane"),
    ("Lemaire", "Paul"),
]


@dataclass
class CertificationReport:
    created: bool
    candidates: int = 0


def _user(email: str, first: str, last: str, organisation: Organisation, role: str) -> Membership:
    user = User.objects.filter(email=email).first() or User.objects.create_user(email=email)
    user.first_name, user.last_name, user.is_active = first, last, True
    user.set_password(DEMO_PASSWORD)
    user.save()
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role, "is_active": True}
    )
    return membership


@transaction.atomic
def seed_certification(organisations: dict[str, Organisation]) -> CertificationReport:
    certifications = {c.code: c for c in load_shipped()}
    federation, _ = Organisation.objects.update_or_create(
        siret=_siret("9990040000001"),
        defaults={
            "name": FEDERATION,
            "kind": OrganisationKind.TRAINING,
            "commune_code": "69123",
            "is_active": True,
        },
    )
    body, _ = CertificationBody.objects.get_or_create(
        organisation=federation, defaults={"kind": BodyKind.FEDERATION}
    )
    body.certifications.set(certifications.values())
    manager, trainer = (_user(*spec[:3], federation, spec[3]) for spec in FEDERATION_USERS)
    if federation.candidates.exists():
        return CertificationReport(created=False, candidates=federation.candidates.count())
    today = timezone.localdate()
    rncp = certifications["RNCP41885"]
    employer = organisations.get("aci")
    people = []
    for index, (last, first) in enumerate(NAMES):
        people.append(
            candidates.candidate_create(
                membership=manager,
                last_name=last,
                first_name=first,
                birth_date=dt.date(1975 + index, 1 + index % 12, 10),
                employer=employer if index % 2 == 0 else None,
                employer_name="" if index % 2 == 0 else "Association intermédiaire (démo)",
                job_title="Accompagnateur socioprofessionnel",
                diploma_level=5,
                experience_years=Decimal(3 + index % 4),
                vulnerable_experience=True,
            )
        )
    # A collective VAE group of eight, opened, with positioning tests and accompaniment.
    group = groups.group_create(
        membership=manager, certification=rncp, name="VAE collective Rhône 2026"
    )
    vae = []
    for candidate in people[:8]:
        enrolment = candidates.enrolment_create(
            membership=manager,
            candidate=candidate,
            certification=rncp,
            access_route=AccessRoute.VAE,
            enrolled_on=today - dt.timedelta(days=40),
            funding="cpf",
        )
        groups.group_add(membership=manager, group=group, enrolment=enrolment)
        vae.append(enrolment)
    groups.group_open(membership=manager, group=group, opened_on=today - dt.timedelta(days=30))
    for index, enrolment in enumerate(vae):
        groups.positioning_record(
            membership=trainer,
            enrolment=enrolment,
            score_percent=72 + index * 3,
            taken_on=today - dt.timedelta(days=28),
        )
        groups.accompaniment_record(
            membership=trainer,
            enrolment=enrolment,
            held_on=today - dt.timedelta(days=20),
            hours=Decimal(6),
            collective=True,
        )
    # One of them leaves the path: kept, with the date and the reason.
    edits.enrolment_withdraw(
        membership=trainer,
        enrolment=vae[7],
        expected_version=None,
        withdrawn_on=today - dt.timedelta(days=5),
        reason="Changement de poste dans sa structure",
    )
    # Candidates in continuing training, one of them scored, deliberated and certified.
    training = [
        candidates.enrolment_create(
            membership=manager,
            candidate=candidate,
            certification=rncp,
            access_route=AccessRoute.CONTINUING,
            enrolled_on=dt.date(today.year - 1, 9, 1),
            funding="opco",
            trainer=trainer.user,
        )
        for candidate in people[8:]
    ]
    for enrolment in training[:2]:
        for block in rncp.blocks.filter(is_final=False)[:2]:
            modality = block.modalities.filter(criteria__isnull=False).distinct().first()
            evaluation = evaluations.evaluation_schedule(
                membership=trainer, enrolment=enrolment, modality=modality
            )
            evaluations.evaluation_score(
                membership=trainer,
                evaluation=evaluation,
                scores={
                    c.pk: evaluations.ScoreInput("met", "Dossier professionnel, partie 2")
                    for c in modality.criteria.all()
                },
            )
        # The fiche gives the oral of block 1 no criteria: it is scored as a whole.
        oral = evaluations.evaluation_schedule(
            membership=trainer,
            enrolment=enrolment,
            modality=rncp.blocks.first().modalities.filter(criteria__isnull=True).first(),
        )
        evaluations.evaluation_score(
            membership=trainer,
            evaluation=oral,
            scores={},
            overall=evaluations.ScoreInput("met", "Soutenance de 30 minutes", "Exposé clair"),
        )
        plan.session_plan(
            membership=trainer,
            enrolment=enrolment,
            title="Session de synthèse et de validation",
            starts_on=today + dt.timedelta(days=45),
            kind=SessionKind.SYNTHESIS,
            block=rncp.blocks.first(),
        )
    session = juries.session_create(
        membership=manager,
        certification=rncp,
        held_on=today - dt.timedelta(days=7),
        for_vae=False,
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Hélène Garnier",
        quality=MemberQuality.INSTITUTIONAL,
        is_president=True,
        # The president signs the minutes with her account.
        user=manager.user,
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Rachid Benamar",
        quality=MemberQuality.PROFESSIONAL,
    )
    juries.member_add(
        membership=manager,
        session=session,
        full_name="Sandrine Collet",
        quality=MemberQuality.PROFESSIONAL,
    )
    juries.candidates_add(membership=manager, session=session, enrolments=training[:2])
    juries.session_constitute(membership=manager, session=session)
    blocks = list(rncp.blocks.all())
    juries.deliberate(
        membership=manager,
        session=session,
        enrolment=training[0],
        decisions={b.pk: (True, "") for b in blocks},
    )
    juries.deliberate(
        membership=manager,
        session=session,
        enrolment=training[1],
        decisions={
            blocks[0].pk: (True, ""),
            blocks[1].pk: (False, "Dossier professionnel incomplet : bilans absents."),
        },
    )
    juries.minutes_sign(membership=manager, session=session)
    awards.certification_award(membership=manager, enrolment=training[0], on=session.held_on)
    FollowUpSurvey.objects.create(
        enrolment=training[0], months_after=6, employed=True, in_trade=True, answered_on=today
    )
    # A VAE jury presided by the trainer (not a manager): deliberated, its minutes wait for
    # her signature (her « Certification » page lists it).
    vae_jury = juries.session_create(
        membership=manager, certification=rncp, held_on=today - dt.timedelta(days=1), for_vae=True
    )
    juries.member_add(
        membership=manager,
        session=vae_jury,
        full_name="Agnès Roussel",
        quality=MemberQuality.INSTITUTIONAL,
        is_president=True,
        user=trainer.user,
    )
    juries.member_add(
        membership=manager,
        session=vae_jury,
        full_name="Rachid Benamar",
        quality=MemberQuality.PROFESSIONAL,
    )
    juries.candidates_add(membership=manager, session=vae_jury, enrolments=[vae[4]])
    juries.session_constitute(membership=manager, session=vae_jury)
    juries.deliberate(
        membership=manager,
        session=vae_jury,
        enrolment=vae[4],
        decisions={blocks[0].pk: (True, "")},
    )
    return CertificationReport(created=True, candidates=len(people))
