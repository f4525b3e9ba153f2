"""One organisation's records of every kind, and the people around them, for the permission
matrix: who may reach each page and API operation."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from relais.accounts import services as account_services
from relais.accounts.models import Membership, Role
from relais.employment.models import WorkstationAnalysis
from relais.people.models import DuplicateSearch, PersonMerge
from relais.person_space.models import DocumentRequest
from relais.records.rights import rights_request_record
from relais.reporting.models import ReportExport
from relais.territory.models import IndicatorImport
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    ContractFactory,
    DiagnosticFactory,
    DocumentFactory,
    GoalFactory,
    LifeEventFactory,
    MembershipFactory,
    NoteFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    ReviewFactory,
    StepFactory,
    UserFactory,
)
from tests.factories.accompaniment_tools import (
    CasePresentationFactory,
    IncidentFactory,
    InfoSessionFactory,
    PeerSessionFactory,
    RegistrationFactory,
    SafetyFlagFactory,
)
from tests.factories.certification import matrix_objects
from tests.factories.employment import (
    EmployerFactory,
    EmploymentProjectFactory,
    PlacementFactory,
    PositionFactory,
)
from tests.factories.network.coordination import (
    CaseConferenceFactory,
    PartnershipFactory,
    co_follower,
)
from tests.factories.network.directory import ServiceFactory
from tests.factories.network.meetings import (
    MeetingActionFactory,
    PartnerMeetingFactory,
    ThreadFactory,
)
from tests.factories.network.referrals import ReferralFactory
from tests.factories.projects import (
    AttendanceFactory,
    BudgetLineFactory,
    EnrolmentFactory,
    ObjectiveFactory,
    ProjectFactory,
    SessionFactory,
    TaskFactory,
    WorkshopFactory,
)
from tests.factories.synthesis import SynthesisReportFactory
from tests.factories.territory import (
    IndicatorFactory,
    NeedsAnalysisFactory,
    TerritoryFactory,
    WatchItemFactory,
)


@dataclass
class World:
    objects: dict
    users: dict


ROLES = (
    "referent",  # the person's référent, in the person's organisation
    "manager",  # a manager of the person's organisation
    "staff",  # reception of the person's organisation
    "team_member",  # a professional of another organisation in the person's coordination team
    "other_org",  # a manager of another organisation, unrelated to the person
    "platform_admin",  # platform administrator, no membership
    "anonymous",
)


def build_world() -> World:
    organisation = OrganisationFactory()
    referent = MembershipFactory(organisation=organisation, role=Role.REFERENT).user
    manager = MembershipFactory(organisation=organisation, role=Role.MANAGER).user
    staff = MembershipFactory(organisation=organisation, role=Role.STAFF).user
    person = PersonFactory(organisation=organisation, referent=referent)
    pathway = PathwayFactory(person=person)
    goal = GoalFactory(pathway=pathway)
    step = StepFactory(pathway=pathway)
    review = ReviewFactory(pathway=pathway, author=referent)
    contract = ContractFactory(pathway=pathway)
    diagnostic = DiagnosticFactory(person=person)
    note = NoteFactory(person=person, author=referent)
    appointment = AppointmentFactory(person=person, with_user=referent)
    consent = ConsentFactory(person=person)
    document = DocumentFactory(person=person, uploaded_by=referent)
    LifeEventFactory(person=person)
    member = co_follower(person)
    conference = CaseConferenceFactory(person=person, author=referent)
    partner = OrganisationFactory()
    service = ServiceFactory(organisation=organisation)
    partner_service = ServiceFactory(organisation=partner)
    referral = ReferralFactory(person=person, service=partner_service, sender=referent)
    partnership = PartnershipFactory(source=organisation, target=partner, declared_by=manager)
    other_manager = MembershipFactory(role=Role.MANAGER).user
    token, _raw = account_services.api_token_create(user=referent, name="Matrice")
    rights_request = rights_request_record(
        person=person,
        actor=referent,
        kind="rectification",
        received_on=timezone.localdate(),
        details="Corriger l'adresse.",
    )
    twin = PersonFactory(organisation=organisation, referent=referent)
    shell = PersonFactory(organisation=organisation, merged_into=person)
    merge = PersonMerge.objects.create(
        organisation=organisation, kept=person, merged=shell, merged_by=manager
    )
    search = DuplicateSearch.objects.create(organisation=organisation, requested_by=manager)
    info_session = InfoSessionFactory(organisation=organisation, created_by=referent)
    meeting = PartnerMeetingFactory(organisation=organisation, created_by=referent)
    employer = EmployerFactory(organisation=organisation)
    position = PositionFactory(employer=employer)
    analysis = WorkstationAnalysis.objects.create(
        position=position,
        observed_on=timezone.localdate(),
        tasks=[{"prescribed": "Nettoyer", "real": "Nettoyer", "gap": "", "abilities": []}],
    )
    EmploymentProjectFactory(person=person)
    placement = PlacementFactory(
        person=person,
        employer=employer,
        kind="immersion",
        contract_type="",
        ends_on=timezone.localdate(),
    )
    checkpoint = placement.checkpoints.create(label="1 semaine", due_on=timezone.localdate())
    territory = TerritoryFactory(organisation=organisation)
    indicator = IndicatorFactory(organisation=organisation)
    indicator_import = IndicatorImport.objects.create(
        organisation=organisation, created_by=manager, indicator=indicator, file="x.csv"
    )
    project = ProjectFactory(organisation=organisation)
    workshop = WorkshopFactory(organisation=organisation, project=project)
    session = SessionFactory(workshop=workshop, past=True, facilitator=referent)
    enrolment = EnrolmentFactory(workshop=workshop, person=person)
    AttendanceFactory(session=session, enrolment=enrolment)
    report_export = ReportExport.objects.create(
        organisation=organisation, requested_by=manager, kind="figures_csv", scope="structure"
    )
    document_request = DocumentRequest.objects.create(
        person=person, title="CV", kind="cv", due_on=timezone.localdate(), requested_by=referent
    )
    objects = {
        "organisation": organisation,
        "employer": employer,
        "position": position,
        "analysis": analysis,
        "placement": placement,
        "checkpoint": checkpoint,
        "twin": twin,
        "merge": merge,
        "duplicate_search": search,
        "person": person,
        "pathway": pathway,
        "goal": goal,
        "step": step,
        "review": review,
        "contract": contract,
        "diagnostic": diagnostic,
        "note": note,
        "appointment": appointment,
        "consent": consent,
        "document": document,
        "team_member": member,
        "conference": conference,
        "service": service,
        "referral": referral,
        "partnership": partnership,
        "membership": Membership.objects.get(user=referent),
        "token": token,
        "rights_request": rights_request,
        "info_session": info_session,
        "registration": RegistrationFactory(session=info_session, registered_by=referent),
        "incident": IncidentFactory(person=person, author=referent),
        "safety_flag": SafetyFlagFactory(person=person, raised_by=referent),
        "meeting": meeting,
        "meeting_action": MeetingActionFactory(meeting=meeting, owner=referent),
        "thread": ThreadFactory(person=person, created_by=referent),
        "presentation": CasePresentationFactory(
            organisation=organisation, author=referent, shared=True
        ),
        "peer_session": PeerSessionFactory(organisation=organisation, created_by=manager),
        "synthesis_report": SynthesisReportFactory(person=person, author=referent),
        "territory": territory,
        "indicator": indicator,
        "indicator_import": indicator_import,
        "needs_analysis": NeedsAnalysisFactory(territory=territory, created_by=manager),
        # written by the referent: the author and the managers change it, the others read
        "watch_item": WatchItemFactory(
            organisation=organisation, territory=territory, created_by=referent
        ),
        **matrix_objects(organisation, referent),
        "project": project,
        "objective": ObjectiveFactory(project=project),
        "task": TaskFactory(project=project),
        "budget_line": BudgetLineFactory(project=project),
        "project_indicator": project.indicators.create(name="Participants", baseline=0, target=40),
        "workshop": workshop,
        "session": session,
        "enrolment": enrolment,
        "report_export": report_export,
        "document_request": document_request,
    }
    users = {
        "referent": referent,
        "manager": manager,
        "staff": staff,
        "team_member": member.user,
        "other_org": other_manager,
        "platform_admin": UserFactory(is_staff=True, is_superuser=True),
        "anonymous": None,
    }
    return World(objects, users)
