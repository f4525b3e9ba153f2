"""Demo of the person's space: for a few persons of the CCAS with a pathway in progress, an
open space with a document requested and messages both ways; for one of them, a paper code
printed by the command so that the space can be tried at once (codes are kept hashed and
cannot be shown again). Seeded through the services. Idempotent: a person whose space is
already open is left alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from relais.accounts.models import Membership, Organisation
from relais.pathways.models import Pathway
from relais.person_space import services
from relais.person_space.models import SpaceAccess
from relais.person_space.tokens import format_paper_code

PERSONS = 3


@dataclass
class SpaceReport:
    opened: int = 0
    paper_codes: list[tuple[int, str]] = field(default_factory=list)  # (file number, code)


def seed_person_space(organisations: dict[str, Organisation]) -> SpaceReport:
    report = SpaceReport()
    organisation = organisations.get("ccas")
    if organisation is None:
        return report
    pathways = (
        Pathway.objects.active()
        .filter(organisation=organisation, person__archived_at__isnull=True)
        .exclude(person__space_accesses__isnull=False)
        .select_related("person", "referent")
        .order_by("person_id")[:PERSONS]
    )
    for index, pathway in enumerate(pathways):
        person, referent = pathway.person, pathway.referent
        membership = (
            Membership.objects.active()
            .filter(user=referent, organisation=organisation)
            .select_related("organisation")
            .first()
        )
        if membership is None:
            continue
        channel = "paper" if index == 0 or not person.email else "email"
        _access, code = services.access_invite(
            person=person, actor=referent, membership=membership, channel=channel
        )
        if code:
            report.paper_codes.append((person.pk, format_paper_code(code)))
        services.document_request_create(
            person=person,
            actor=referent,
            membership=membership,
            title="Justificatif de domicile de moins de 3 mois",
            kind="address",
            due_on=timezone.localdate() + dt.timedelta(days=14),
        )
        services.message_from_professional(
            person=person,
            actor=referent,
            membership=membership,
            body="Bonjour, pouvez-vous m'envoyer votre justificatif de domicile avant notre "
            "prochain rendez-vous ? Merci.",
        )
        report.opened += 1
    return report


def demo_accesses() -> int:
    return SpaceAccess.objects.active().count()
