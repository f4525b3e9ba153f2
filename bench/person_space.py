"""The person's space at the issue's scale: a person whose record holds 300 timeline items
(steps, appointments, notes, consents) signed in to their space, and people about to type
the code they received (one per request: a code serves once).

Made in an organisation of its own, so that the other scenarios' counts stay as they were;
the person and the accesses through the services, the record's items in bulk (like
bench/accompaniment.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core import signing
from django.utils import timezone

from bench.common import letters
from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.pathways import services as pathway_services
from relais.pathways.models import Appointment, Goal, Note, Step
from relais.people import services as people_services
from relais.person_space import signin
from relais.person_space.models import CodePurpose, SpaceAccess

ITEMS = 300
# Codes and the "code asked" cookie live 15 minutes; the scenario may be measured later.
BENCH_VALIDITY = dt.timedelta(hours=3)


@dataclass(frozen=True)
class SpaceScenario:
    person_id: int
    items: int
    home_cookie: str
    code_cookies: list[str]
    code_forms: list[dict[str, str]]


def _person(organisation, referent, run: str, i: int, email: str):
    return people_services.person_create(
        organisation=organisation,
        actor=referent,
        referent=referent,
        data={
            "birth_name": f"Espace-{letters(run)}-{letters(f'{i:04d}')}",
            "first_names": "Camille",
            "birth_date": dt.date(1985, 1, 1) + dt.timedelta(days=i),
            "email": email,
        },
    )


def prepare(*, signers: int) -> SpaceScenario:
    from relais.web.person_space.auth import COOKIE_NAME, PENDING_COOKIE, PENDING_SALT

    run = secrets.token_hex(3)
    now = timezone.now()
    today = timezone.localdate()
    organisation = Organisation.objects.create(
        name=f"Structure de l'espace personnel (banc {run})",
        kind=OrganisationKind.CCAS,
        commune_code="69123",
    )
    referent = User.objects.create_user(
        email=f"espace-{run}@banc.invalid", password=secrets.token_urlsafe(16)
    )
    Membership.objects.create(user=referent, organisation=organisation, role=Role.REFERENT)

    person = _person(organisation, referent, run, 0, f"personne-{run}@banc.invalid")
    pathway = pathway_services.pathway_create(
        person=person, actor=referent, scheme="rsa", referent=referent, started_on=today
    )
    goals = Goal.objects.bulk_create(
        Goal(pathway=pathway, text=f"Objectif {g}", deadline=today + dt.timedelta(days=90))
        for g in range(5)
    )
    steps = ITEMS * 2 // 5
    appointments = ITEMS // 3
    notes = ITEMS - steps - appointments
    Step.objects.bulk_create(
        Step(
            pathway=pathway,
            goal=goals[s % len(goals)],
            kind="administrative",
            title=f"Démarche {s}",
            status="done" if s % 2 else "planned",
            planned_on=today + dt.timedelta(days=s - steps // 2),
            done_on=today - dt.timedelta(days=s) if s % 2 else None,
        )
        for s in range(steps)
    )
    Appointment.objects.bulk_create(
        Appointment(
            person=person,
            pathway=pathway,
            with_user=referent,
            purpose=f"Entretien {a}",
            starts_at=now + dt.timedelta(days=a - appointments // 2, hours=1),
        )
        for a in range(appointments)
    )
    # One note in four written for the person (read by their space), the rest of every
    # other visibility (read nowhere in it).
    visibilities = ["person", "organisation", "author", "team"]
    Note.objects.bulk_create(
        Note(
            person=person,
            pathway=pathway,
            author=referent,
            occurred_on=today - dt.timedelta(days=n),
            body=f"Écrit {n}",
            visibility=visibilities[n % len(visibilities)],
        )
        for n in range(notes)
    )
    access = SpaceAccess.objects.create(
        person=person, channel="email", contact=person.email, invited_by=referent
    )
    home_cookie = f"{COOKIE_NAME}={signin.session_open(access=access, method='email')}"

    signer = signing.get_cookie_signer(salt=PENDING_COOKIE + PENDING_SALT)
    cookies, forms = [], []
    for i in range(signers):
        other = _person(organisation, referent, run, i + 1, f"code-{run}-{i}@banc.invalid")
        other_access = SpaceAccess.objects.create(
            person=other, channel="email", contact=other.email, invited_by=referent
        )
        issued = signin.issue_code(
            other_access, purpose=CodePurpose.SIGN_IN, validity=BENCH_VALIDITY
        )
        cookies.append(f"{PENDING_COOKIE}={signer.sign(str(other_access.pk))}")
        forms.append({"code": issued.code})
    return SpaceScenario(
        person_id=person.pk,
        items=steps + appointments + notes,
        home_cookie=home_cookie,
        code_cookies=cookies,
        code_forms=forms,
    )
