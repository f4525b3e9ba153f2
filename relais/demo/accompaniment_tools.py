"""Demo data for the accompaniment and coordination tools of Bloc B: an information
collective held (attendance taken, one record created) and one to come, open to partners;
an incident and its safety flag; a partner meeting with actions; practice analysis (a
shared presentation, a peer session, a journal entry); a professional thread; a synthesis
report sent. Seeded through the services; idempotent (nothing is added twice)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from relais.accounts.models import Organisation, User
from relais.network.coordination import meetings, threads
from relais.network.coordination.models import TeamMember
from relais.pathways import collective, practice, safety
from relais.pathways.collective_models import Attendance, InfoSession
from relais.people.models import Consent, ConsentPurpose, ConsentStatus, Person
from relais.records import synthesis


@dataclass
class ToolsReport:
    sessions: int = 0
    registrations: int = 0
    incidents: int = 0
    meetings: int = 0
    presentations: int = 0
    threads: int = 0
    reports: int = 0


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _membership(user: User, organisation: Organisation):
    return user.memberships.get(organisation=organisation)


ATTENDEES = [
    ("Ferreira", "Lucas", dt.date(1994, 2, 11), Attendance.PRESENT),
    ("Nguyen", "Linh", dt.date(1989, 9, 30), Attendance.PRESENT),
    ("Bouaziz", "Samir", dt.date(1979, 12, 5), Attendance.ABSENT),
    ("Marchand", "Élodie", dt.date(2001, 6, 18), Attendance.EXCUSED),
]


def _collective(ccas: Organisation, report: ToolsReport) -> None:
    referent = _user("referent@relais.localhost")
    staff = _user("accueil.ccas@relais.localhost")
    held = collective.info_session_create(
        organisation=ccas,
        actor=staff,
        title="Information collective RSA — vos droits et devoirs",
        scheme="rsa",
        starts_at=timezone.now() + dt.timedelta(days=1),
        place="CCAS, salle Rosa Parks",
        capacity=12,
    )
    for number, (birth_name, first_names, born, _) in enumerate(ATTENDEES):
        collective.registration_add(
            session=held,
            actor=staff,
            membership=_membership(staff, ccas),
            data={
                "birth_name": birth_name,
                "first_names": first_names,
                "birth_date": born,
                "phone": f"06 39 98 20 {number:02d}",  # ARCEP range kept for fiction
            },
        )
        report.registrations += 1
    # The session took place last week (demo only: dates moved back).
    InfoSession.objects.filter(pk=held.pk).update(starts_at=timezone.now() - dt.timedelta(days=7))
    held.refresh_from_db()
    by_name = {r.birth_name: r for r in held.registrations.all()}
    collective.attendance_record(
        session=held,
        actor=staff,
        attendance={by_name[name].pk: status for name, _, _, status in ATTENDEES},
    )
    collective.registration_create_person(registration=by_name["Ferreira"], actor=referent)
    upcoming = collective.info_session_create(
        organisation=ccas,
        actor=staff,
        title="Découvrir le PLIE et l'accompagnement renforcé",
        scheme="plie",
        starts_at=timezone.now() + dt.timedelta(days=10),
        place="CCAS, salle Rosa Parks",
        capacity=10,
        open_to_partners=True,
    )
    plie = Organisation.objects.get(name="PLIE Lyon Métropole (démo)")
    partner = _user("referente.plie@relais.localhost")
    collective.registration_add(
        session=upcoming,
        actor=partner,
        membership=_membership(partner, plie),
        data={"birth_name": "Roussel", "first_names": "Inès", "birth_date": dt.date(1997, 1, 3)},
    )
    report.registrations += 1
    report.sessions += 2


def _incident(ccas: Organisation, report: ToolsReport) -> None:
    referent = _user("referent@relais.localhost")
    person = Person.objects.filter(organisation=ccas, merged_into__isnull=True).order_by("pk")[3]
    safety.incident_record(
        person=person,
        actor=referent,
        occurred_on=timezone.localdate() - dt.timedelta(days=12),
        description=(
            "À l'annonce du délai de traitement de son dossier, la personne a élevé la voix et "
            "frappé le comptoir de l'accueil. Elle a dit : « On ne m'écoute jamais ici. » "
            "Elle est repartie d'elle-même après quelques minutes."
        ),
        present="Agent d'accueil, référent de parcours",
        follow_up="Entretien à deux la prochaine fois ; point en équipe jeudi.",
        flag_kind="two",
        review_on=timezone.localdate() + dt.timedelta(days=60),
    )
    report.incidents += 1


def _meeting(report: ToolsReport) -> None:
    plie = Organisation.objects.get(name="PLIE Lyon Métropole (démo)")
    manager = _user("responsable.plie@relais.localhost")
    partners = list(meetings.partner_choices(plie)[:2])
    owners = list(meetings.owner_choices(plie, partners)[:2])
    meetings.partner_meeting_create(
        organisation=plie,
        actor=manager,
        title="Comité technique du PLIE",
        held_on=timezone.localdate() - dt.timedelta(days=5),
        place="Maison de la métropole",
        partners=partners,
        attendees=[manager],
        agenda="1. Entrées et sorties du trimestre\n2. Préparation du forum emploi\n3. Questions diverses",
        minutes=(
            "Les entrées du trimestre sont conformes aux objectifs. Le forum emploi aura lieu "
            "en mars ; chaque structure propose deux employeurs."
        ),
        actions=[
            meetings.ActionInput(
                text="Proposer deux employeurs pour le forum",
                due_on=timezone.localdate() + dt.timedelta(days=20),
                owner=owners[-1] if owners else manager,
            ),
            meetings.ActionInput(
                text="Réserver la salle du forum",
                due_on=timezone.localdate() - dt.timedelta(days=1),
                owner_name="Service événements de la métropole",
            ),
        ],
    )
    report.meetings += 1


def _practice(ccas: Organisation, report: ToolsReport) -> None:
    referent = _user("referent@relais.localhost")
    manager = _user("responsable.ccas@relais.localhost")
    presentation = practice.presentation_create(
        organisation=ccas,
        actor=referent,
        title="Quand la personne ne vient plus",
        question="Comment reprendre contact sans mettre la pression ?",
        text=(
            "[Prénom] [Nom], 34 ans, seule avec deux enfants, accompagnée depuis un an. Après "
            "une rupture d'hébergement à l'automne, elle ne vient plus aux rendez-vous. Les "
            "courriers restent sans réponse. Elle a dit au téléphone qu'elle avait « honte »."
        ),
    )
    practice.presentation_share(presentation=presentation, actor=referent)
    practice.peer_session_create(
        organisation=ccas,
        actor=manager,
        held_on=timezone.localdate() - dt.timedelta(days=2),
        facilitator="Superviseur extérieur",
        attendees=[referent, manager],
        presentations=[presentation],
        minutes="Échanges sur les ruptures de contact et la honte.",
        lessons="Proposer un rendez-vous hors les murs ; nommer la honte sans la juger.",
    )
    practice.reflective_entry_add(
        actor=referent,
        written_on=timezone.localdate() - dt.timedelta(days=1),
        text="J'ai eu du mal à ne pas insister. Noter : laisser la porte ouverte.",
    )
    report.presentations += 1


def _thread(report: ToolsReport) -> None:
    member = (
        TeamMember.objects.active().select_related("team__person", "user", "organisation").first()
    )
    if member is None:
        return
    person = member.team.person
    referent = person.referent or _user("referent@relais.localhost")
    own = referent.memberships.filter(organisation_id=person.organisation_id).first()
    if own is None:
        return
    thread = threads.thread_start(
        person=person,
        actor=referent,
        membership=own,
        subject="Dossier de logement",
        body="La demande de logement est déposée ; pouvez-vous confirmer le rendez-vous de jeudi ?",
    )
    threads.thread_post(
        thread=thread,
        actor=member.user,
        membership=_membership(member.user, member.organisation),
        body="Rendez-vous confirmé jeudi à 10 h.",
    )
    report.threads += 1


def _synthesis(report: ToolsReport) -> None:
    consent = (
        Consent.objects.filter(
            purpose=ConsentPurpose.SHARE_ORGANISATION,
            status=ConsentStatus.GIVEN,
            superseded_by__isnull=True,
            partner_organisation__isnull=False,
        )
        .select_related("person", "partner_organisation")
        .first()
    )
    if consent is None:
        return
    person = consent.person
    actor = person.referent or _user("referent@relais.localhost")
    created = synthesis.synthesis_report_create(
        person=person,
        actor=actor,
        recipient=consent.partner_organisation,
        purpose="prescriber",
        sections=["situation", "pathway", "proposal"],
        proposal="Poursuite de l'accompagnement et entrée en formation qualifiante.",
        person_view="« Je veux finir ma formation avant l'été. »",
    )
    synthesis.synthesis_report_mark_sent(
        report=created, actor=actor, sent_on=timezone.localdate(), method="secure_email"
    )
    report.reports += 1


def seed_accompaniment_tools(organisations: dict[str, Organisation]) -> ToolsReport:
    report = ToolsReport()
    ccas = organisations["ccas"]
    if InfoSession.objects.filter(organisation=ccas).exists():
        return report
    _collective(ccas, report)
    _incident(ccas, report)
    _meeting(report)
    _practice(ccas, report)
    _thread(report)
    _synthesis(report)
    return report
