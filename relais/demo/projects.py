"""Demo data of the projects module: a collective project of the demo CCAS (sheet, SMART
objectives, partners, budget, plan with dependencies, risks, SWOT, journal, an impact
indicator) and a workshop with two sessions, five enrolled persons and the attendance of
the first session (one absence in each référent's caseload), a third session cancelled and
one participant who left the sequence, and a workshop of each other demo organisation. Written through the services; idempotent (a project already there is
left as it is) and deterministic (dates relative to today)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from relais.accounts.models import Organisation, User
from relais.pathways.models import Pathway
from relais.people.models import Person
from relais.projects import budget, plan, services, workshop_changes, workshops
from relais.projects.models import Enrolment, Project

TITLE = "Jardin solidaire du quartier Saint-Jean"
MANAGER = "responsable.ccas@relais.localhost"
REFERENT = "referent@relais.localhost"


@dataclass
class ProjectsReport:
    projects: int = 0
    tasks: int = 0
    enrolled: int = 0


def seed_projects(organisations: dict[str, Organisation]) -> ProjectsReport:
    ccas = organisations["ccas"]
    if Project.objects.filter(organisation=ccas, title=TITLE).exists():
        return ProjectsReport()
    manager = User.objects.get(email=MANAGER)
    referent = User.objects.get(email=REFERENT)
    today = timezone.localdate()
    day = lambda n: today + dt.timedelta(days=n)  # noqa: E731
    project = services.project_create(
        organisation=ccas,
        actor=manager,
        title=TITLE,
        purpose=(
            "Offrir aux personnes isolées accompagnées par le CCAS un lieu d'activité régulière, "
            "de rencontre et de remobilisation autour du jardinage, co-construit avec elles et "
            "les partenaires du quartier."
        ),
        public="beneficiaires-des-minimas-sociaux",
        public_detail="Allocataires du RSA isolés",
        commune_code="69266",
        thematiques=["remobilisation"],
        starts_on=day(-60),
        ends_on=day(300),
    )
    services.need_add(project=project, actor=manager, barrier_code="R40")
    services.need_add(
        project=project,
        actor=manager,
        text="Peu d'activités collectives accessibles dans le quartier",
    )
    services.objective_create(
        project=project,
        actor=manager,
        text="Accueillir 30 personnes isolées chaque semaine",
        indicator="Participants réguliers (au moins 3 séances par mois)",
        baseline="0",
        target="30",
        deadline=day(240),
    )
    services.objective_create(
        project=project, actor=manager, text="Favoriser l'entraide entre participants"
    )
    services.partner_add(
        project=project,
        actor=manager,
        organisation=organisations["plie"],
        contributions=["referrals", "expertise"],
        stakes="Remobiliser des participants éloignés de l'emploi",
    )
    services.partner_add(
        project=project,
        actor=manager,
        name="Mairie de Villeurbanne",
        contributions=["premises", "money"],
        contribution_detail="Parcelle de 400 m² et subvention",
        stakes="Animation du quartier",
    )
    services.member_add(project=project, actor=manager, user=manager, role="Cheffe de projet")
    services.member_add(
        project=project, actor=manager, user=referent, role="Animation des ateliers"
    )
    services.meeting_add(
        project=project,
        actor=manager,
        kind="co_construction",
        held_on=day(-45),
        participants="8 personnes accompagnées, mairie, PLIE",
        minutes="Choix des cultures et des horaires avec les participants.",
    )
    for kind, fields in (
        (
            "expense",
            {"category": "staff", "label": "Animation (0,3 ETP)", "amount": Decimal("9000")},
        ),
        (
            "expense",
            {"category": "equipment", "label": "Outils et semences", "amount": Decimal("2500")},
        ),
        (
            "expense",
            {
                "category": "valued",
                "label": "Mise à disposition de la parcelle",
                "amount": Decimal("1500"),
            },
        ),
        (
            "resource",
            {
                "funder": "Département du Rhône",
                "funding_status": "secured",
                "label": "Subvention insertion",
                "amount": Decimal("7000"),
            },
        ),
        (
            "resource",
            {
                "funder": "Mairie de Villeurbanne",
                "funding_status": "secured",
                "label": "Subvention et parcelle",
                "amount": Decimal("3500"),
            },
        ),
        (
            "resource",
            {
                "funder": "CAF du Rhône",
                "funding_status": "requested",
                "label": "Appel à projets",
                "amount": Decimal("2500"),
            },
        ),
    ):
        budget.budget_line_add(project=project, actor=manager, kind=kind, **fields)
    steps = [
        ("Trouver la parcelle", -60, -40),
        ("Réunir les participants", -39, -20),
        ("Aménager le jardin", -19, -5),
        ("Premières plantations", -4, 20),
        ("Bilan d'étape avec les financeurs", 21, 25),
    ]
    previous = None
    for title, start, end in steps:
        previous = plan.task_create(
            project=project,
            actor=manager,
            title=title,
            starts_on=day(start),
            ends_on=day(end),
            owner=manager,
            after=[previous] if previous else [],
        )
    for task in project.tasks.filter(ends_on__lt=day(-10)):
        plan.task_change_status(
            task=task, actor=manager, expected_version=task.version, status="done"
        )
    services.risk_add(
        project=project,
        actor=manager,
        description="Baisse de participation en hiver",
        probability=2,
        impact=2,
        mitigation="Ateliers en intérieur (semis, cuisine)",
        owner_name="Julien Bernard",
    )
    services.swot_add(
        project=project,
        actor=manager,
        quadrant="strength",
        text="Participants associés dès la conception",
    )
    services.swot_add(
        project=project, actor=manager, quadrant="threat", text="Financement CAF pas encore acquis"
    )
    services.log_add(
        project=project,
        actor=manager,
        written_on=day(-20),
        text="Convention de mise à disposition signée avec la mairie.",
    )
    indicator = services.indicator_add(
        project=project,
        actor=manager,
        name="Participants réguliers",
        baseline=Decimal(0),
        target=Decimal(30),
        unit="personnes",
    )
    for offset, value in ((-30, 8), (-15, 14), (-1, 19)):
        services.measurement_add(
            indicator=indicator, actor=manager, measured_on=day(offset), value=Decimal(value)
        )
    project = services.project_change_status(
        project=project,
        actor=manager,
        expected_version=Project.objects.get(pk=project.pk).version,
        status="running",
    )

    workshop = workshops.workshop_create(
        organisation=ccas,
        actor=manager,
        project=project,
        title="Jardiner ensemble : les bases",
        objectives="Connaître les gestes de base du jardinage ; travailler en équipe ; tenir un engagement régulier.",
        content="Préparer le sol, semer, planter, arroser, récolter.",
        duration_hours=Decimal("6"),
        methods="Pratique en binômes, démonstrations.",
        materials="Outils fournis, gants, fiches illustrées.",
        evaluation="Auto-évaluation en fin de séquence, retour de l'animateur.",
        required_abilities=["punctuality", "instructions", "colleagues", "tools"],
    )
    start = timezone.make_aware(dt.datetime.combine(day(-3), dt.time(14, 0)))
    past = workshops.session_create(
        workshop=workshop,
        actor=manager,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        place="Jardin Saint-Jean",
        facilitator=referent,
        capacity=10,
    )
    later = start + dt.timedelta(days=7)
    workshops.session_create(
        workshop=workshop,
        actor=manager,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=3),
        place="Jardin Saint-Jean",
        facilitator=referent,
        capacity=10,
    )
    enrolled = _enrol_with_one_absence(workshop, past, manager, referent)
    _cancel_and_withdraw(workshop, manager, referent, later + dt.timedelta(days=7))
    for key, title in (
        ("plie", "Savoir se présenter à un employeur"),
        ("aci", "Gestes et postures au travail"),
    ):
        enrolled += _workshop_of(organisations[key], title)
    return ProjectsReport(projects=1, tasks=len(steps), enrolled=enrolled)


def _enrol_with_one_absence(workshop, session, actor: User, facilitator: User) -> int:
    """Two persons of each référent's caseload (open pathway), the first of them absent
    without excuse: every caseload then shows « Absence à un atelier »."""
    organisation_id = workshop.organisation_id
    referents = User.objects.filter(
        memberships__organisation_id=organisation_id,
        memberships__is_active=True,
        memberships__role="referent",
    ).order_by("pk")
    chosen: list[Person] = []
    absent: set[int] = set()
    for user in referents:
        persons = list(
            Person.objects.filter(
                organisation_id=organisation_id,
                referent=user,
                archived_at__isnull=True,
                merged_into__isnull=True,
                pathways__in=Pathway.objects.active(),
            )
            .distinct()
            .order_by("pk")[:2]
        )
        if persons:
            absent.add(persons[0].pk)
            chosen.extend(p for p in persons if p not in chosen)
    if not chosen:
        return 0
    enrolments = workshops.enrol(
        workshop=workshop, actor=actor, persons=chosen, consent_confirmed=True
    )
    statuses = {e.pk: "absent" if e.person_id in absent else "present" for e in enrolments}
    current = type(session).objects.get(pk=session.pk)
    workshops.attendance_record(
        session=current, actor=facilitator, expected_version=current.version, statuses=statuses
    )
    return len(enrolments)


def _cancel_and_withdraw(workshop, actor: User, facilitator: User, start: dt.datetime) -> None:
    """A session cancelled (marked in the workshop, the calendar and the ICS file) and a
    participant who came to the first session and then left the sequence (in the
    workshop's history, their step abandoned)."""
    session = workshops.session_create(
        workshop=workshop,
        actor=actor,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        place="Jardin Saint-Jean",
        facilitator=facilitator,
        capacity=10,
    )
    workshop_changes.session_cancel(
        session=session,
        actor=actor,
        expected_version=session.version,
        reason="Jardin fermé ce jour-là (travaux de la ville).",
    )
    leaving = (
        Enrolment.objects.filter(workshop=workshop, attendances__status="present")
        .order_by("-pk")
        .first()
    )
    if leaving is not None:
        workshop_changes.enrolment_withdraw(
            enrolment=leaving, actor=actor, reason="A trouvé un emploi à temps plein."
        )


def _workshop_of(organisation: Organisation, title: str) -> int:
    manager = (
        User.objects.filter(memberships__organisation=organisation, memberships__role="manager")
        .order_by("pk")
        .first()
    )
    if manager is None:
        return 0
    workshop = workshops.workshop_create(
        organisation=organisation,
        actor=manager,
        title=title,
        duration_hours=Decimal("3"),
        objectives="Se préparer à un premier contact avec un employeur.",
        required_abilities=["punctuality", "public", "feedback"],
    )
    start = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() - dt.timedelta(days=2), dt.time(9, 30))
    )
    session = workshops.session_create(
        workshop=workshop,
        actor=manager,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        place="Salle de réunion",
        facilitator=manager,
        capacity=12,
    )
    return _enrol_with_one_absence(workshop, session, manager, manager)
