"""factory_boy factories, one module per domain as in relais/ (`accounts`, `core`, `people`,
`diagnostics`, `pathways`, and `network.directory`, `network.coordination`,
`network.referrals`), with traits where useful.

Every public name is re-exported here, so `from tests.factories import PersonFactory` keeps
working; new tests may import from the domain module directly
(`from tests.factories.network.referrals import ReferralFactory`)."""

from tests.factories.accounts import (
    TEST_PASSWORD,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    TOTPDeviceFactory,
    UserFactory,
    valid_siret,
)
from tests.factories.core import AccessLogEntryFactory
from tests.factories.diagnostics import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.network.coordination import (
    CaseConferenceFactory,
    CoordinationTeamFactory,
    PartnershipFactory,
    TeamMemberFactory,
    co_follower,
)
from tests.factories.network.directory import IndexedServiceFactory, ServiceFactory
from tests.factories.network.referrals import ReferralFactory
from tests.factories.pathways import (
    AppointmentFactory,
    ContractFactory,
    ExitFactory,
    GoalFactory,
    NoteFactory,
    PathwayFactory,
    ReviewFactory,
    StepFactory,
)
from tests.factories.people import ConsentFactory, DocumentFactory, LifeEventFactory, PersonFactory

__all__ = [
    "TEST_PASSWORD",
    "AccessLogEntryFactory",
    "AppointmentFactory",
    "CaseConferenceFactory",
    "ConsentFactory",
    "ContractFactory",
    "CoordinationTeamFactory",
    "DiagnosticFactory",
    "DocumentFactory",
    "DomainAssessmentFactory",
    "ExitFactory",
    "GoalFactory",
    "IndexedServiceFactory",
    "InvitationFactory",
    "LifeEventFactory",
    "MembershipFactory",
    "NoteFactory",
    "OrganisationFactory",
    "PartnershipFactory",
    "PathwayFactory",
    "PersonFactory",
    "ReferralFactory",
    "ReviewFactory",
    "ServiceFactory",
    "StepFactory",
    "TOTPDeviceFactory",
    "TeamMemberFactory",
    "UserFactory",
    "co_follower",
    "valid_siret",
]
