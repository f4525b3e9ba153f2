"""The models of the network app, defined in its three wings (directory, coordination,
referrals) and imported here so that Django registers them under the `network` app label
(one app, one migration history). Code imports a model from its wing, never from here."""

from relais.network.coordination.meeting_models import (  # noqa: F401
    MeetingAction,
    PartnerMeeting,
)
from relais.network.coordination.models import (  # noqa: F401
    CaseConference,
    ConferenceDecision,
    CoordinationTeam,
    Partnership,
    PartnershipKind,
    SharedCategory,
    TeamMember,
)
from relais.network.coordination.thread_models import Thread, ThreadMessage  # noqa: F401
from relais.network.directory.models import Service, ServiceThematique, ServiceZone  # noqa: F401
from relais.network.referrals.models import (  # noqa: F401
    RedundancyWarning,
    Referral,
    ReferralStatus,
    ReferralTransition,
    RefusalReason,
)
