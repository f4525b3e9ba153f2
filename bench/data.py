"""Generated data at a realistic scale for the benchmark, and a verified session to read it.

Deterministic (fixed random seed): two runs measure the same database. Everything is bulk
inserted; the journal is append-only, which `bulk_create` respects (inserts only).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.common import Ids, Inserter, reset_sequences
from relais.accounts.backends import PASSWORD_BACKEND
from relais.accounts.middleware import SESSION_ORGANISATION_KEY
from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.core.communes import DATA_FILE
from relais.core.models import AccessLogEntry, JournalAction

SEED = 20261122
EMAIL_DOMAIN = "bench.relais.localhost"
BATCH_SIZE = 2000

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Emma", "Julie", "Nadia", "Fatou",
    "Lucas", "Hugo", "Thomas", "Karim", "Youssef", "Nicolas", "Julien", "Mamadou", "Paul",
    "Antoine",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "Benali", "Haddad", "Diallo",
    "Nguyen", "Fontaine",
]  # fmt: skip

# Share of each action in the journal of a working organisation: mostly consultations.
ACTION_WEIGHTS = {
    JournalAction.VIEW: 60,
    JournalAction.LIST: 15,
    JournalAction.UPDATE: 12,
    JournalAction.CREATE: 8,
    JournalAction.EXPORT: 3,
    JournalAction.DENIED: 1,
    JournalAction.DELETE: 1,
}
TARGET_TYPES = ["people.person"] * 6 + ["pathways.note", "pathways.step", "people.document"]
ENTRIES_PER_PERSON = 40  # average number of journal entries about one person's record
PARTNER_SHARE = 0.05  # entries written by a member of another organisation (referrals…)
HISTORY_DAYS = 730


@dataclass(frozen=True)
class Scenario:
    """What the benchmark requests: a manager of the big organisation, and a person of it."""

    organisation_id: int
    organisation_name: str
    manager_id: int
    journal_count: int
    person_id: int
    person_count: int
    counts: dict[str, int]
    organisation_ids: tuple[int, ...] = ()


def _communes(count: int, rng: random.Random) -> list[tuple[str, str]]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [(row["code_insee"], row["name"].title()) for row in csv.DictReader(handle)]
    return rng.sample(rows, count)


def _organisation_sizes(total: int, count: int, big: int, rng: random.Random) -> list[int]:
    """Entries held by each organisation: `big` for the first one, the rest shared unevenly."""
    weights = [rng.uniform(0.3, 1.7) for _ in range(count - 1)]
    rest = total - big
    sizes = [int(rest * w / sum(weights)) for w in weights]
    sizes[0] += rest - sum(sizes)
    return [big, *sizes]


def _create_organisations(count: int, rng: random.Random) -> list[Organisation]:
    kinds = [OrganisationKind.CCAS, *rng.choices(list(OrganisationKind), k=count - 1)]
    organisations = [
        Organisation(
            name=f"{kind.label.split(' — ')[0]} de {name} (bench {i:03d})",
            kind=kind,
            commune_code=code,
        )
        for i, (kind, (code, name)) in enumerate(zip(kinds, _communes(count, rng), strict=True))
    ]
    Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
    return list(Organisation.objects.filter(name__contains="(bench ").order_by("pk"))


def _create_users(
    count: int, organisations: list[Organisation], big_members: int, rng: random.Random
) -> dict[int, list[int]]:
    """Users with one membership each (one in ten has a second one). Returns the member ids
    of each organisation; each organisation's first home member is one of its managers."""
    # An unusable password, computed once: hashing 5,000 real ones would take minutes, and
    # the benchmark never logs in with a password (it creates verified sessions directly).
    password = make_password(None)
    users = [
        User(
            email=f"bench.{i:05d}@{EMAIL_DOMAIN}",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            password=password,
        )
        for i in range(count)
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    user_ids = list(
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}")
        .order_by("email")
        .values_list("id", flat=True)
    )
    # The big organisation gets `big_members` people; the others share the rest evenly.
    homes = [organisations[0]] * big_members + [
        organisations[1 + i % (len(organisations) - 1)] for i in range(count - big_members)
    ]
    memberships: list[Membership] = []
    members: dict[int, list[int]] = {org.pk: [] for org in organisations}
    managed: set[int] = set()
    for user_id, home in zip(user_ids, homes, strict=True):
        if home.pk not in managed:
            role = Role.MANAGER
            managed.add(home.pk)
            members[home.pk].insert(0, user_id)
        else:
            role = rng.choices(list(Role), weights=[60, 10, 30])[0]
            members[home.pk].append(user_id)
        memberships.append(Membership(user_id=user_id, organisation=home, role=role))
        if rng.random() < 0.1:
            other = rng.choice(organisations[1:])
            if other.pk != home.pk:
                memberships.append(
                    Membership(user_id=user_id, organisation=other, role=Role.REFERENT)
                )
                members[other.pk].append(user_id)
    Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
    return members


def _create_journal(
    organisations: list[Organisation],
    members: dict[int, list[int]],
    sizes: list[int],
    rng: random.Random,
) -> None:
    emails = dict(
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").values_list("id", "email")
    )
    now = timezone.now()
    actions = list(ACTION_WEIGHTS)
    action_weights = list(ACTION_WEIGHTS.values())
    rows = []
    for index, (organisation, size) in enumerate(zip(organisations, sizes, strict=True)):
        persons = max(10, size // ENTRIES_PER_PERSON)
        for _ in range(size):
            actor_org = organisation
            if rng.random() < PARTNER_SHARE:
                actor_org = rng.choice(organisations)
            actor_id = rng.choice(members[actor_org.pk])
            action = rng.choices(actions, action_weights)[0]
            # Skewed: some records are opened far more often than others.
            person_id = (index + 1) * 1_000_000 + int(persons * rng.random() ** 2) + 1
            if action == JournalAction.LIST:
                target_type, target_id, person, path = "people.person", "", None, "/personnes/"
            else:
                target_type = rng.choice(TARGET_TYPES)
                target_id = str(
                    person_id if target_type == "people.person" else rng.randrange(1, 10**7)
                )
                person, path = person_id, f"/personnes/{person_id}/"
            seconds = rng.randrange(HISTORY_DAYS * 86400)
            ip = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
            rows.append(
                (
                    seconds,
                    organisation.pk,
                    actor_id,
                    actor_org.pk,
                    action,
                    target_type,
                    target_id,
                    person,
                    ip,
                    path,
                )
            )
    # Written in time order, as a live journal is (keys in the same order).
    rows.sort(key=lambda row: -row[0])
    out = Inserter()
    first = Ids().take(AccessLogEntry, len(rows))
    for index, (
        seconds,
        org_id,
        actor_id,
        actor_org_id,
        action,
        target_type,
        target_id,
        person,
        ip,
        path,
    ) in enumerate(rows):
        out.add(
            AccessLogEntry,
            {
                "id": first + index,
                "created_at": now - timedelta(seconds=seconds),
                "organisation_id": org_id,
                "actor_id": actor_id,
                "actor_email": emails[actor_id],
                "actor_organisation_id": actor_org_id,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "person_id": person,
                "summary": "",
                "ip": ip,
                "path": path,
            },
        )
        if out.size() >= 20_000:
            out.flush()
    out.flush()
    reset_sequences([AccessLogEntry])


def generate(
    *,
    organisations: int,
    users: int,
    entries: int,
    big_entries: int,
    big_members: int = 40,
    rng: random.Random | None = None,
) -> Scenario:
    """Organisations, users and (if `entries`) the access journal."""
    rng = rng or random.Random(SEED)  # noqa: S311 — reproducible fake data, not a secret
    with transaction.atomic():
        orgs = _create_organisations(organisations, rng)
        members = _create_users(users, orgs, big_members, rng)
    if entries:
        sizes = _organisation_sizes(entries, len(orgs), big_entries, rng)
        _create_journal(orgs, members, sizes, rng)

    big = orgs[0]
    manager_id = members[big.pk][0]
    assert Membership.objects.get(user_id=manager_id, organisation=big).role == Role.MANAGER
    journal = AccessLogEntry.objects.for_organisation(big)
    # The busiest record: its filtered journal spans several pages.
    busiest = (
        journal.exclude(person_id=None)
        .values("person_id")
        .annotate(n=Count("id"))
        .order_by("-n", "person_id")
        .first()
    )
    person_id = busiest["person_id"] if busiest else 0
    return Scenario(
        organisation_ids=tuple(o.pk for o in orgs),
        organisation_id=big.pk,
        organisation_name=big.name,
        manager_id=manager_id,
        journal_count=journal.count(),
        person_id=person_id,
        person_count=journal.filter(person_id=person_id).count(),
        counts={
            "organisations": Organisation.objects.count(),
            "users": User.objects.count(),
            "memberships": Membership.objects.count(),
            "journal entries": AccessLogEntry.objects.count(),
        },
    )


def verified_session(*, user_id: int, organisation_id: int) -> str:
    """A session as the login views leave it after password and TOTP code: returns its key."""
    user = User.objects.get(pk=user_id)
    device = TOTPDevice.objects.create(user=user, name="Bench", confirmed=True)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = PASSWORD_BACKEND
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store["otp_device_id"] = device.persistent_id
    store[SESSION_ORGANISATION_KEY] = organisation_id
    store.create()
    return store.session_key
