"""The referral send page at scale: fresh persons, each ready to be referred once, so that
every measured POST really sends a referral (302 to the new referral's page) among the
million generated ones, rather than being refused as a second referral.

A sending organisation of its own (a référent, N persons with an active pathway and a
consent naming the receiver) keeps the other scenarios' counts (caseloads, searches) as
they were; it is made through the services, like the demo, before the measures."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.utils import timezone

from bench.common import letters
from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.network.directory.models import Service
from relais.pathways import services as pathway_services
from relais.people import services as people_services
from relais.people.models import ConsentMethod, ConsentPurpose


@dataclass(frozen=True)
class SendingScenario:
    organisation_id: int
    referent_id: int
    service_id: int
    forms: list[dict[str, str]]  # one per request: a different person each time

    @property
    def count(self) -> int:
        return len(self.forms)


def prepare(*, receiver_id: int, count: int) -> SendingScenario:
    run = secrets.token_hex(3)
    today = timezone.localdate()
    service = (
        Service.objects.filter(organisation_id=receiver_id, is_published=True)
        .order_by("pk")
        .first()
    )
    if service is None:
        raise RuntimeError("The receiving organisation publishes no service.")
    organisation = Organisation.objects.create(
        name=f"Structure émettrice (banc {run})", kind=OrganisationKind.CCAS, commune_code="69123"
    )
    referent = User.objects.create_user(
        email=f"emettrice-{run}@banc.invalid", password=secrets.token_urlsafe(16)
    )
    Membership.objects.create(user=referent, organisation=organisation, role=Role.REFERENT)
    forms = []
    for i in range(count):
        person = people_services.person_create(
            organisation=organisation,
            actor=referent,
            referent=referent,
            data={
                "birth_name": f"Envoi-{letters(run)}-{letters(f'{i:04d}')}",
                "first_names": "Camille",
                "birth_date": dt.date(1990, 1, 1) + dt.timedelta(days=i),
            },
        )
        pathway = pathway_services.pathway_create(
            person=person, actor=referent, scheme="rsa", referent=referent, started_on=today
        )
        people_services.consent_give(
            person=person,
            actor=referent,
            purpose=ConsentPurpose.SHARE_ORGANISATION,
            partner_organisation=service.organisation,
            decided_on=today,
            method=ConsentMethod.ORAL_WITH_WITNESS,
            witness_name="Témoin du banc",
        )
        forms.append(
            {
                "action": "send",
                "personne": str(person.pk),
                "service": str(service.pk),
                "pathway": str(pathway.pk),
                "reason": "Recherche d'emploi après une formation.",
                "asked_for": "Un premier entretien.",
                "shared_categories": "identity",
            }
        )
    return SendingScenario(
        organisation_id=organisation.pk,
        referent_id=referent.pk,
        service_id=service.pk,
        forms=forms,
    )
