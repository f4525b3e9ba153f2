"""Issue 19 (the rest of Bloc B) at scale: the tools' lists and pages with a busy
organisation's volumes.

One organisation, « Structure (bench outils) », with `persons` persons (3,000 at scale 1)
and, written as the real rows (bench.common.Inserter):
- 300 information collective sessions of 20 registrations each (half held, attendance
  taken, 3 no-shows per held session), one of them with 30 registrations (its page);
- one open incident and one safety flag for a third of the persons (the managers' list of
  open incidents: 1,000 rows, 50 a page);
- 400 partner meetings with 4 actions each (half carried by the measured référent);
- 500 shared case presentations, 100 peer sessions, 300 journal entries of the référent;
- on one person: 50 threads, one of them with 300 messages, and 50 synthesis reports.

`query_counts` opens each measured page once in this process (Django's test client) and
counts its queries: they must not grow with the rows (each page also has a query-count
test with a batch of objects)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import names
from bench.common import Ids, Inserter, reset_sequences, step
from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.core.text import fold
from relais.network.coordination.meeting_models import MeetingAction, PartnerMeeting
from relais.network.coordination.thread_models import Thread, ThreadMessage
from relais.pathways.collective_models import Attendance, InfoSession, Registration
from relais.pathways.practice_models import CasePresentation, PeerSession, ReflectiveEntry
from relais.pathways.safety_models import Incident, SafetyFlag
from relais.people.models import Person
from relais.records.synthesis_models import SynthesisReport

EMAIL_DOMAIN = "outils.bench.invalid"
SESSIONS = 300
PER_SESSION = 20
BIG_SESSION = 30
MEETINGS = 400
ACTIONS_PER_MEETING = 4
PRESENTATIONS = 500
PEER_SESSIONS = 100
JOURNAL = 300
THREADS = 50
BIG_THREAD = 300
REPORTS = 50


@dataclass
class ToolsScenario:
    organisation_id: int
    referent_id: int
    manager_id: int
    person_id: int
    big_session_id: int
    big_thread_id: int
    counts: dict[str, int] = field(default_factory=dict)


def _users(organisation: Organisation) -> tuple[int, int]:
    password = make_password(None)
    users = [
        User(
            email=f"{role}@{EMAIL_DOMAIN}", first_name="Camille", last_name=role, password=password
        )
        for role in ("referent", "manager")
    ]
    User.objects.bulk_create(users)
    referent, manager = (
        User.objects.get(email=f"{r}@{EMAIL_DOMAIN}") for r in ("referent", "manager")
    )
    Membership.objects.bulk_create(
        [
            Membership(user=referent, organisation=organisation, role=Role.REFERENT),
            Membership(user=manager, organisation=organisation, role=Role.MANAGER),
        ]
    )
    return referent.pk, manager.pk


def generate_tools(*, persons: int, rng: random.Random) -> ToolsScenario:
    organisation = Organisation.objects.create(
        name="Structure (bench outils)",
        kind=OrganisationKind.CCAS,
        commune_code="69123",
        latitude=45.76404,
        longitude=4.83566,
    )
    referent_id, manager_id = _users(organisation)
    org = organisation.pk
    ids, out = Ids(), Inserter()
    now = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    today = now.date()
    stamp = {"created_at": now, "updated_at": now}

    with step(f"{persons:,} persons", indent=4):
        first = ids.take(Person, persons)
        for i in range(persons):
            birth_name, first_names = (
                names.last_name(rng),
                names.first_names(rng, rng.random() < 0.5),
            )
            out.add(
                Person,
                {
                    "id": first + i,
                    "organisation_id": org,
                    "referent_id": referent_id,
                    "birth_name": birth_name,
                    "first_names": first_names,
                    "birth_date": dt.date(1960 + i % 45, 1 + i % 12, 1 + i % 28),
                    "name_key": fold(f"{birth_name} {first_names}"),
                    **stamp,
                },
            )
        out.flush()
    person_ids = list(range(first, first + persons))
    person_id = person_ids[0]

    with step(f"{SESSIONS} sessions, {SESSIONS * PER_SESSION:,} registrations", indent=4):
        first_session = ids.take(InfoSession, SESSIONS)
        for s in range(SESSIONS):
            held = s % 2 == 0
            size = BIG_SESSION if s == 1 else PER_SESSION
            out.add(
                InfoSession,
                {
                    "id": first_session + s,
                    "organisation_id": org,
                    "title": f"Information collective n° {s + 1}",
                    "scheme": rng.choice(["rsa", "plie", "cej", "iae"]),
                    "starts_at": now + dt.timedelta(days=(-s if held else s + 1)),
                    "place": "Salle du conseil",
                    "capacity": max(size, 25),
                    "status": "held" if held else "scheduled",
                    "created_by_id": referent_id,
                    **stamp,
                },
            )
            first_reg = ids.take(Registration, size)
            for r in range(size):
                birth_name = names.last_name(rng)
                attendance = Attendance.REGISTERED
                if held:
                    attendance = Attendance.ABSENT if r < 3 else Attendance.PRESENT
                out.add(
                    Registration,
                    {
                        "id": first_reg + r,
                        "session_id": first_session + s,
                        "registered_by_organisation_id": org,
                        "registered_by_id": referent_id,
                        "birth_name": birth_name,
                        "first_names": "Alex",
                        "birth_date": dt.date(1980 + r % 20, 1 + r % 12, 1 + r % 28),
                        "phone": "0612345678",
                        "name_key": f"{fold(birth_name)} alex {r}",
                        "attendance": attendance,
                        **stamp,
                    },
                )
        out.flush()

    with step(f"{persons // 3:,} incidents and flags", indent=4):
        chosen = person_ids[: persons // 3]
        first_incident = ids.take(Incident, len(chosen))
        first_flag = ids.take(SafetyFlag, len(chosen))
        for n, pid in enumerate(chosen):
            out.add(
                Incident,
                {
                    "id": first_incident + n,
                    "organisation_id": org,
                    "person_id": pid,
                    "occurred_on": today - dt.timedelta(days=n % 300),
                    "description": "Ton qui monte à l'accueil.",
                    "follow_up": "Recevoir à deux.",
                    "author_id": referent_id,
                    **stamp,
                },
            )
            out.add(
                SafetyFlag,
                {
                    "id": first_flag + n,
                    "organisation_id": org,
                    "person_id": pid,
                    "incident_id": first_incident + n,
                    "kind": "two",
                    "raised_by_id": referent_id,
                    **stamp,
                },
            )
        out.flush()

    with step(f"{MEETINGS} meetings, {MEETINGS * ACTIONS_PER_MEETING:,} actions", indent=4):
        first_meeting = ids.take(PartnerMeeting, MEETINGS)
        for m in range(MEETINGS):
            out.add(
                PartnerMeeting,
                {
                    "id": first_meeting + m,
                    "organisation_id": org,
                    "title": f"Comité technique n° {m + 1}",
                    "held_on": today - dt.timedelta(days=m),
                    "agenda": "1. Bilan\n2. Perspectives",
                    "minutes": "Compte rendu de la réunion.",
                    "created_by_id": manager_id,
                    **stamp,
                },
            )
            first_action = ids.take(MeetingAction, ACTIONS_PER_MEETING)
            for a in range(ACTIONS_PER_MEETING):
                out.add(
                    MeetingAction,
                    {
                        "id": first_action + a,
                        "meeting_id": first_meeting + m,
                        "text": f"Action {a + 1} de la réunion {m + 1}",
                        "owner_id": referent_id if a % 2 == 0 else manager_id,
                        "due_on": today + dt.timedelta(days=(m + a) % 60 - 20),
                        "status": "open" if (m + a) % 3 else "done",
                        **stamp,
                    },
                )
        out.flush()

    with step("practice analysis", indent=4):
        first_p = ids.take(CasePresentation, PRESENTATIONS)
        for p in range(PRESENTATIONS):
            out.add(
                CasePresentation,
                {
                    "id": first_p + p,
                    "organisation_id": org,
                    "author_id": referent_id if p % 2 else manager_id,
                    "title": f"Situation n° {p + 1}",
                    "text": "[Prénom] [Nom] ne vient plus aux rendez-vous.",
                    "status": "shared",
                    "shared_at": now,
                    **stamp,
                },
            )
        first_ps = ids.take(PeerSession, PEER_SESSIONS)
        for p in range(PEER_SESSIONS):
            out.add(
                PeerSession,
                {
                    "id": first_ps + p,
                    "organisation_id": org,
                    "held_on": today - dt.timedelta(days=p),
                    "created_by_id": manager_id,
                    "minutes": "Échanges.",
                    **stamp,
                },
            )
        first_j = ids.take(ReflectiveEntry, JOURNAL)
        for j in range(JOURNAL):
            out.add(
                ReflectiveEntry,
                {
                    "id": first_j + j,
                    "author_id": referent_id,
                    "written_on": today - dt.timedelta(days=j),
                    "text": "Ce qui m'a questionné aujourd'hui.",
                    **stamp,
                },
            )
        out.flush()

    with step(f"{THREADS} threads ({BIG_THREAD} messages in one), {REPORTS} reports", indent=4):
        first_t = ids.take(Thread, THREADS)
        for t in range(THREADS):
            out.add(
                Thread,
                {
                    "id": first_t + t,
                    "person_id": person_id,
                    "subject": f"Échange n° {t + 1}",
                    "created_by_id": referent_id,
                    "last_message_at": now - dt.timedelta(hours=t),
                    **stamp,
                },
            )
            count = BIG_THREAD if t == 0 else 2
            first_m = ids.take(ThreadMessage, count)
            for m in range(count):
                out.add(
                    ThreadMessage,
                    {
                        "id": first_m + m,
                        "thread_id": first_t + t,
                        "author_id": referent_id if m % 2 else manager_id,
                        "author_organisation_id": org,
                        "body": f"Message n° {m + 1}.",
                        "created_at": now - dt.timedelta(minutes=count - m),
                        "updated_at": now,
                    },
                )
        recipient = Organisation.objects.create(
            name="Conseil départemental (bench outils)", kind=OrganisationKind.DEPARTEMENT
        )
        first_r = ids.take(SynthesisReport, REPORTS)
        for r in range(REPORTS):
            out.add(
                SynthesisReport,
                {
                    "id": first_r + r,
                    "person_id": person_id,
                    "organisation_id": org,
                    "recipient_id": recipient.pk,
                    "purpose": "rsa_team",
                    "sections": ["proposal"],
                    "refused": [],
                    "content": [
                        {"title": "Proposition", "note": "", "rows": [["Proposition", "Maintien"]]}
                    ],
                    "author_id": referent_id,
                    **stamp,
                },
            )
        out.flush()
    reset_sequences(ids.models())
    return ToolsScenario(
        organisation_id=org,
        referent_id=referent_id,
        manager_id=manager_id,
        person_id=person_id,
        big_session_id=first_session + 1,
        big_thread_id=first_t,
        counts={model.__name__: n for model, n in out.counts.items()},
    )


def pages(s: ToolsScenario) -> list[tuple[str, str, str, str]]:
    """(label, path, who: "referent" | "manager", text expected)."""
    return [
        (
            "information collective: sessions (300)",
            "/informations-collectives/",
            "referent",
            "Information collective n°",
        ),
        (
            f"information collective: a session ({BIG_SESSION} registrations)",
            f"/informations-collectives/{s.big_session_id}/",
            "referent",
            "Personnes inscrites",
        ),
        (
            "information collective: no-shows (450)",
            "/informations-collectives/absents/",
            "referent",
            "450 absences",
        ),
        (
            "open incidents (1,000)",
            "/structure/incidents/",
            "manager",
            "1000 incidents au suivi ouvert",
        ),
        ("partner meetings (400)", "/reunions-partenaires/", "referent", "Comité technique n°"),
        (
            "actions, all (1,600)",
            "/reunions-partenaires/actions/?vue=toutes&statut=toutes",
            "referent",
            "1600 actions",
        ),
        (
            "practice analysis (500 presentations)",
            "/analyse-de-pratique/",
            "referent",
            "Situation n°",
        ),
        (
            "reflective journal (300 entries)",
            "/analyse-de-pratique/journal/",
            "referent",
            "Mon journal",
        ),
        (
            f"thread ({BIG_THREAD} messages)",
            f"/personnes/{s.person_id}/echanges/{s.big_thread_id}/",
            "referent",
            "Message n° 300.",
        ),
        (
            f"threads of a person ({THREADS})",
            f"/personnes/{s.person_id}/echanges/",
            "referent",
            "Échange n° 50",
        ),
        (
            f"synthesis reports of a person ({REPORTS})",
            f"/personnes/{s.person_id}/syntheses/",
            "referent",
            "Synthèses produites",
        ),
    ]


def query_counts(s: ToolsScenario) -> list[str]:
    """Each page once, in this process: its number of queries."""
    from django.conf import settings

    from relais.accounts.models import User as UserModel
    from tests.helpers import login_verified

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    clients = {}
    for who, user_id in (("referent", s.referent_id), ("manager", s.manager_id)):
        client = Client()
        login_verified(client, UserModel.objects.get(pk=user_id))
        clients[who] = client
    lines = ["Accompaniment tools (issue 19): queries per page"]
    for label, path, who, expected in pages(s):
        client = clients[who]
        client.get(path)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(path)
        ok = response.status_code == 200 and expected in response.content.decode()
        lines.append(
            f"  {label}: {len(ctx.captured_queries)} queries{'' if ok else ' (UNEXPECTED ANSWER)'}"
        )
    return lines
