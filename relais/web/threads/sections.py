"""The person page's section of professional threads (loaded on demand)."""

from relais.people.policies import Capability
from relais.web.people.sections import Section
from relais.web.threads.views import threads_section

SECTIONS: list = [
    Section(
        "echanges",
        "Échanges entre professionnels",
        "threads/section.html",
        threads_section,
        Capability.TEAM,
    )
]
