"""Issue 4 (coordination) data at scale: services nationwide and a million referrals.

- Partner organisations "hors plateforme" (one for five services), each in a real commune
  of relais/core/data/communes.csv, at its coordinates. Services cluster where people live:
  55 % of the organisations are in the 60 largest cities (weighted by population, Paris,
  Lyon and Marseille by arrondissement), 45 % in any commune of France.
- Services in the data·inclusion v1 schema (thématiques, publics, modes d'accueil, frais,
  zone d'éligibilité…): one to four thématiques (vocabulary of data-inclusion-schema), with
  their ServiceThematique rows (each thématique and its category, as
  relais.network.directory.datainclusion.thematique_index_values gives them) and ServiceZone rows.
  85 % are placed at their address (commune centre ± 2 km), 10 % have only a commune, 5 %
  only a zone d'éligibilité (their département or the whole country). 95 % are published.
- Referrals (relais.network.models.Referral) from the organisations holding persons (the
  accompaniment part's) to services, 95 % within the sender's département and 5 % to
  services open to the whole country, over three years, in every state with consistent
  dates (sent, seen, answered, closed, expiry).
  Transitions are written for the measured inbox only (they are not read by the measured
  pages; writing 2.5 million of them would double the load time).

Measured scenario: « Mission locale de Lyon (bench orientations) », on the platform, with
members, receives exactly 5,000 referrals (its persons' consent to share with it is
recorded, so that its inbox shows names as in real life); the service search is around
Lyon (69123) within 20 km; the actor map is the Rhône (69)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import accumulate

from data_inclusion.schema import v1
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bench.common import Ids, Inserter, reset_sequences, step
from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.core.communes import all_communes, get_commune
from relais.network.coordination.models import Partnership, PartnershipKind
from relais.network.directory.datainclusion import schema
from relais.network.directory.geo import departement_of
from relais.network.directory.indexing import thematique_index_values, zone_index_values
from relais.network.directory.models import Service, ServiceThematique, ServiceZone
from relais.network.directory.thematiques import category_of
from relais.network.referrals.models import (
    Referral,
    ReferralStatus,
    ReferralTransition,
    RefusalReason,
)
from relais.people.models import Consent, ConsentMethod, ConsentPurpose, ConsentStatus, Person

EMAIL_DOMAIN = "ml.bench.relais.localhost"
INBOX_REFERRALS = 5000
INBOX_SERVICES = 12
SERVICES_PER_PARTNER = 5
HISTORY_DAYS = 3 * 365
EXPIRY_DAYS = 30
SAME_DEPARTEMENT = 0.95  # the rest goes to services open to the whole country
CITY_SHARE = 0.55
CHUNK = 100_000  # rows per transaction

# The 60 largest cities (population in thousands): where most services are.
CITIES = {
    **{f"751{i:02d}": 105 for i in range(1, 21)},  # Paris, by arrondissement
    **{f"132{i:02d}": 55 for i in range(1, 17)},  # Marseille
    **{f"6938{i}": 57 for i in range(1, 10)},  # Lyon
    "31555": 500, "06088": 340, "44109": 320, "34172": 300, "67482": 290, "33063": 260,
    "59350": 235, "35238": 220, "51454": 180, "83137": 180, "42218": 173, "76351": 166,
    "38185": 158, "21231": 159, "49007": 157, "69266": 155, "30189": 149, "63113": 147,
    "72181": 145, "13001": 145, "29019": 140, "37261": 137, "80021": 134, "87085": 130,
    "74010": 130, "66136": 120, "92012": 120, "57463": 118, "25056": 118, "45234": 116,
    "93066": 113, "76540": 114, "95018": 110, "93048": 110, "68224": 108, "14118": 106,
    "54395": 104, "97411": 150, "59512": 98, "59599": 98, "92050": 96, "94081": 95,
    "94028": 92, "84007": 91, "86194": 89, "93001": 88, "64445": 76, "62193": 67,
    "17300": 77, "69259": 66, "69256": 52, "69029": 42, "69290": 48,
}  # fmt: skip

PARTNER_KINDS = {
    OrganisationKind.ASSOCIATION: 40,
    OrganisationKind.CCAS: 10,
    OrganisationKind.ACI: 8,
    OrganisationKind.EI: 3,
    OrganisationKind.AI: 4,
    OrganisationKind.ETTI: 2,
    OrganisationKind.CHRS: 5,
    OrganisationKind.CADA: 2,
    OrganisationKind.MISSION_LOCALE: 4,
    OrganisationKind.TRAINING: 12,
    OrganisationKind.FRANCE_TRAVAIL: 2,
    OrganisationKind.CAP_EMPLOI: 1,
    OrganisationKind.OTHER: 7,
}
# How often each category's thématiques appear in services (data·inclusion's mix, roughly).
CATEGORY_WEIGHTS = {
    "trouver-un-emploi": 14, "preparer-sa-candidature": 10, "choisir-un-metier": 7,
    "se-former": 10, "mobilite": 7, "logement-hebergement": 8, "sante": 6,
    "difficultes-financieres": 6, "equipement-et-alimentation": 7, "famille": 6,
    "difficultes-administratives-ou-juridiques": 9, "numerique": 7,
    "lecture-ecriture-calcul": 4, "remobilisation": 6, "creer-une-entreprise": 3,
    "souvrir-a-linternational": 1,
}  # fmt: skip
REASONS = [
    "Besoin d'une solution de mobilité pour accéder aux offres du secteur.",
    "Recherche d'une formation qualifiante compatible avec la garde des enfants.",
    "Accompagnement aux démarches administratives (titre de séjour, CAF).",
    "Besoin d'un hébergement d'urgence stable pendant la recherche de logement.",
    "Souhaite un accompagnement renforcé vers l'emploi dans la logistique.",
    "Difficultés avec le numérique : ne peut pas accéder à ses espaces en ligne.",
]
REQUESTS = [
    "Un premier rendez-vous pour présenter le service et vérifier l'éligibilité.",
    "Une inscription à la prochaine session, si possible avant la fin du mois.",
    "Une évaluation de la situation et une proposition d'accompagnement.",
]
OUTCOMES = [
    "Entrée en formation confirmée ; premier bilan dans un mois.",
    "Accompagnement réalisé, la personne a obtenu son permis.",
    "Hébergement trouvé, la personne est orientée vers le SIAO pour la suite.",
]
STATUS_OLD = {  # referrals sent more than 30 days ago
    ReferralStatus.DONE: 38,
    ReferralStatus.REFUSED: 17,
    ReferralStatus.EXPIRED: 10,
    ReferralStatus.CANCELLED: 5,
    ReferralStatus.IN_PROGRESS: 22,
    ReferralStatus.ACCEPTED: 8,
}
STATUS_RECENT = {
    ReferralStatus.SENT: 35,
    ReferralStatus.SEEN: 25,
    ReferralStatus.ACCEPTED: 20,
    ReferralStatus.REFUSED: 8,
    ReferralStatus.IN_PROGRESS: 10,
    ReferralStatus.CANCELLED: 2,
}
ANSWERED = {
    ReferralStatus.ACCEPTED,
    ReferralStatus.REFUSED,
    ReferralStatus.IN_PROGRESS,
    ReferralStatus.DONE,
}


@dataclass(frozen=True)
class CoordinationScenario:
    organisation_id: int  # the inbox
    organisation_name: str
    member_id: int
    inbox_count: int
    inbox_pending: int  # "À traiter": sent or seen
    search_commune: str
    search_thematique: str
    search_total: int  # services the search finds (20 km)
    departement: str
    departement_organisations: int
    counts: dict[str, int] = field(default_factory=dict)


def inbox_counts(organisation_id: int) -> tuple[int, int]:
    """(referrals received, those « À traiter »: sent or seen) of the measured inbox."""
    inbox = Referral.objects.filter(receiver_organisation_id=organisation_id)
    pending = inbox.filter(status__in=(ReferralStatus.SENT, ReferralStatus.SEEN)).count()
    return inbox.count(), pending


def _weighted_communes(rng: random.Random, count: int) -> list:
    communes = [c for c in all_communes() if c.latitude is not None and c.code[:2] != "98"]
    cities = [get_commune(code) for code in CITIES]
    cumulative = list(accumulate(CITIES[c.code] for c in cities))
    result = []
    for _ in range(count):
        if rng.random() < CITY_SHARE:
            result.append(rng.choices(cities, cum_weights=cumulative)[0])
        else:
            result.append(rng.choice(communes))
    return result


def _thematiques(rng: random.Random) -> list[str]:
    by_category: dict[str, list[str]] = defaultdict(list)
    for member in v1.Thematique:
        by_category[category_of(member.value)].append(member.value)
    categories = [c for c in CATEGORY_WEIGHTS if c in by_category]
    weights = [CATEGORY_WEIGHTS[c] for c in categories]
    count = rng.choices([1, 2, 3, 4], [40, 35, 17, 8])[0]
    chosen: list[str] = []
    for category in rng.choices(categories, weights, k=count):
        code = rng.choice(by_category[category])
        if code not in chosen:
            chosen.append(code)
    return chosen


def _partners(count: int, rng: random.Random, ids: Ids, out: Inserter) -> list[tuple]:
    """External partner organisations: (pk, commune) each."""
    kinds = list(PARTNER_KINDS)
    weights = list(PARTNER_KINDS.values())
    labels = dict(OrganisationKind.choices)
    created = []
    now = timezone.now()
    for i, commune in enumerate(_weighted_communes(rng, count)):
        kind = rng.choices(kinds, weights)[0]
        pk = ids.take(Organisation)
        out.add(
            Organisation,
            {
                "id": pk,
                "name": f"{labels[kind].split(' — ')[0]} {commune.name.title()} (partenaire {i:05d})",
                "kind": kind,
                "commune_code": commune.code,
                "is_external": True,
                "postal_code": commune.postal_code,
                "address": f"{rng.randint(1, 200)} avenue Jean Jaurès",
                "phone": f"04 {rng.randrange(100):02d} {rng.randrange(100):02d} "
                f"{rng.randrange(100):02d} {rng.randrange(100):02d}",
                "latitude": commune.latitude,
                "longitude": commune.longitude,
                "source": "bench",
                "source_id": f"structure-{i:06d}",
                "created_at": now - dt.timedelta(days=rng.randint(30, 900)),
                "updated_at": now,
            },
        )
        created.append((pk, commune))
    return created


def _service_rows(
    owner: int, commune, n: int, rng: random.Random, ids: Ids, out: Inserter, prefix: str
) -> list[tuple[int, str, bool]]:
    """`n` services of `owner` around `commune`: (pk, département, published, national)
    each; national: open to the whole country (zone d'éligibilité « france »)."""
    today = timezone.localdate()
    now = timezone.now()
    publics = [p.value for p in v1.Public]
    made = []
    for _ in range(n):
        pk = ids.take(Service)
        thematiques = _thematiques(rng)
        where = rng.random()
        dep = departement_of(commune.code)
        lat = lon = None
        commune_code = commune.code
        zone = [commune.code] if rng.random() < 0.5 else [dep]
        if where < 0.85:
            lat = commune.latitude + rng.uniform(-0.018, 0.018)
            lon = commune.longitude + rng.uniform(-0.025, 0.025)
        elif where > 0.95:
            commune_code = ""
            zone = [dep] if rng.random() < 0.7 else ["france"]
        published = rng.random() < 0.95
        first = thematiques[0]
        name = schema.label("thematiques", first)
        confirmed = today - dt.timedelta(days=rng.randint(0, 400))
        out.add(
            Service,
            {
                "id": pk,
                "organisation_id": owner,
                "source": "bench",
                "source_id": f"{prefix}-{pk}",
                "name": f"{name} ({commune.name.title()})"[:150],
                "description": f"Service proposé aux habitants : {name.lower()}. "
                "Accueil sur rendez-vous, accompagnement individuel ou collectif selon les besoins.",
                "type": rng.choice([t.value for t in v1.TypeService]),
                "thematiques": thematiques,
                "frais": ["gratuit"] if rng.random() < 0.85 else ["payant"],
                "publics": ["tous-publics"]
                if rng.random() < 0.4
                else rng.sample(publics[1:], rng.randint(1, 3)),
                "modes_accueil": rng.choice(
                    [["en-presentiel"], ["en-presentiel", "a-distance"], ["a-distance"]]
                ),
                "zone_eligibilite": zone,
                "modes_mobilisation": ["telephoner", "envoyer-un-courriel"],
                "mobilisable_par": ["professionnels", "usagers"],
                "address": f"{rng.randint(1, 200)} rue Victor Hugo" if commune_code else "",
                "postal_code": commune.postal_code if commune_code else "",
                "commune_code": commune_code,
                "latitude": lat,
                "longitude": lon,
                "is_published": published,
                "confirmed_on": confirmed,
                "version": 1,
                "created_at": now - dt.timedelta(days=rng.randint(400, 1500)),
                "updated_at": now - dt.timedelta(days=(today - confirmed).days),
            },
        )
        for value in sorted(thematique_index_values(thematiques)):
            out.add(
                ServiceThematique,
                {"id": ids.take(ServiceThematique), "service_id": pk, "thematique": value},
            )
        for code in sorted(zone_index_values(zone, located=lat is not None)):
            out.add(ServiceZone, {"id": ids.take(ServiceZone), "service_id": pk, "code": code})
        made.append((pk, departement_of(commune.code), published, zone == ["france"]))
    return made


def _inbox_organisation(rng: random.Random):
    lyon = get_commune("69383")
    organisation = Organisation.objects.create(
        name="Mission locale de Lyon (bench orientations)",
        kind=OrganisationKind.MISSION_LOCALE,
        commune_code="69123",
        latitude=lyon.latitude,
        longitude=lyon.longitude,
    )
    password = make_password(None)
    roles = [Role.MANAGER] + [Role.REFERENT] * 15 + [Role.STAFF] * 2
    User.objects.bulk_create(
        [
            User(email=f"ml.{i:03d}@{EMAIL_DOMAIN}", first_name="Alex", last_name=f"Conseil{i}",
                 password=password)
            for i in range(len(roles))
        ]
    )  # fmt: skip
    users = list(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("email"))
    Membership.objects.bulk_create(
        [
            Membership(user=u, organisation=organisation, role=r)
            for u, r in zip(users, roles, strict=True)
        ]
    )
    return organisation, users[0].pk, lyon


def _timeline(status: str, sent: dt.datetime, rng: random.Random, now: dt.datetime) -> dict:
    """Consistent dates for a referral in `status`, sent at `sent`."""
    expires = sent + dt.timedelta(days=EXPIRY_DAYS)
    seen = answered = closed = None
    first_appointment = None
    if status != ReferralStatus.SENT:
        seen = min(sent + dt.timedelta(hours=rng.expovariate(1 / 30)), now)
    if status in ANSWERED:
        answered = min(seen + dt.timedelta(hours=rng.lognormvariate(3.5, 1.0)), now)
        if status != ReferralStatus.REFUSED and rng.random() < 0.7:
            first_appointment = min(answered + dt.timedelta(days=rng.randint(2, 20)), now).date()
    if status in (ReferralStatus.DONE, ReferralStatus.REFUSED, ReferralStatus.CANCELLED):
        closed = min((answered or seen or sent) + dt.timedelta(days=rng.randint(1, 120)), now)
    if status == ReferralStatus.EXPIRED:
        seen = None if rng.random() < 0.6 else seen
        closed = expires
    if status == ReferralStatus.REFUSED:
        closed = answered
    return {
        "sent_at": sent,
        "seen_at": seen,
        "answered_at": answered,
        "closed_at": closed,
        "expires_at": expires,
        "first_appointment_on": first_appointment,
    }


def _referral(
    pk: int,
    person: tuple[int, int],
    sender_org: int,
    service: tuple[int, int, bool],
    rng: random.Random,
    now: dt.datetime,
) -> dict:
    person_id, sender_id = person
    service_id, receiver_id, receiver_external = service
    sent = now - dt.timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400))
    recent = (now - sent).days < EXPIRY_DAYS
    table = STATUS_RECENT if recent else STATUS_OLD
    status = rng.choices(list(table), list(table.values()))[0]
    dates = _timeline(status, sent, rng, now)
    refused = status == ReferralStatus.REFUSED
    return {
        "id": pk,
        "person_id": person_id,
        "service_id": service_id,
        "sender_organisation_id": sender_org,
        "sender_id": sender_id,
        "receiver_organisation_id": receiver_id,
        "reason": rng.choice(REASONS),
        "asked_for": rng.choice(REQUESTS),
        "availability": "Disponible le matin, sauf le mercredi.",
        "contact_preference": "Par téléphone",
        "shared_categories": ["identity", "situation", "steps"],
        "shared_domains": [],
        "status": status,
        **dates,
        "refusal_reason": rng.choice(list(RefusalReason)) if refused else "",
        "refusal_comment": "Places complètes jusqu'à la rentrée." if refused else "",
        "outcome": rng.choice(OUTCOMES) if status == ReferralStatus.DONE else "",
        "answered_by_hand": receiver_external and dates["answered_at"] is not None,
        "version": 1,
        "updated_by_id": sender_id,
        "created_at": sent,
        "updated_at": dates["closed_at"] or dates["answered_at"] or dates["seen_at"] or sent,
    }


def _transitions(row: dict, receiver_member: int, rng: random.Random, ids: Ids, out: Inserter):
    """The transition log of one referral (sent → … → its status)."""
    status = row["status"]
    steps = [
        ("", ReferralStatus.SENT, row["sent_at"], row["sender_id"], row["sender_organisation_id"])
    ]
    receiver = (receiver_member, row["receiver_organisation_id"])
    if row["seen_at"]:
        steps.append((ReferralStatus.SENT, ReferralStatus.SEEN, row["seen_at"], *receiver))
    previous = steps[-1][1]
    if status in ANSWERED:
        answer = (
            ReferralStatus.REFUSED if status == ReferralStatus.REFUSED else ReferralStatus.ACCEPTED
        )
        steps.append((previous, answer, row["answered_at"], *receiver))
        previous = answer
        if status in (ReferralStatus.IN_PROGRESS, ReferralStatus.DONE):
            steps.append(
                (
                    previous,
                    ReferralStatus.IN_PROGRESS,
                    row["answered_at"] + dt.timedelta(days=1),
                    *receiver,
                )
            )
            previous = ReferralStatus.IN_PROGRESS
        if status == ReferralStatus.DONE:
            steps.append((previous, ReferralStatus.DONE, row["closed_at"], *receiver))
    elif status == ReferralStatus.CANCELLED:
        steps.append(
            (previous, status, row["closed_at"], row["sender_id"], row["sender_organisation_id"])
        )
    elif status == ReferralStatus.EXPIRED:
        steps.append((previous, status, row["closed_at"], None, None))
    for from_status, to_status, at, actor, actor_org in steps:
        out.add(
            ReferralTransition,
            {
                "id": ids.take(ReferralTransition),
                "referral_id": row["id"],
                "from_status": from_status,
                "to_status": to_status,
                "actor_id": actor,
                "actor_organisation_id": actor_org,
                "at": at,
                "comment": "",
            },
        )  # fmt: skip


def generate_coordination(
    *, services: int, referrals: int, rng: random.Random, exclude_person: int | None = None
) -> CoordinationScenario:
    ids = Ids()
    out = Inserter()
    now = timezone.now()
    today = timezone.localdate()

    with step("organisation « Mission locale de Lyon » and its 18 members"):
        inbox_org, inbox_member, lyon = _inbox_organisation(rng)

    # Organisations holding persons (the senders), with their persons and their référents.
    held: dict[int, list[tuple[int, int]]] = defaultdict(list)
    persons = Person.objects.filter(archived_at__isnull=True)
    if exclude_person:
        persons = persons.exclude(pk=exclude_person)
    fallback = dict(
        Membership.objects.filter(role=Role.MANAGER).values_list("organisation_id", "user_id")
    )
    for pk, org_id, referent_id in persons.values_list("pk", "organisation_id", "referent_id"):
        held[org_id].append((pk, referent_id or fallback.get(org_id)))
    held = {k: v for k, v in held.items() if all(s for _, s in v)}
    senders = sorted(held)
    platform = list(
        Organisation.objects.filter(is_external=False)
        .exclude(pk=inbox_org.pk)
        .order_by("pk")
        .values_list("pk", "commune_code")
    )

    partner_count = max(1, (services - INBOX_SERVICES) // SERVICES_PER_PARTNER)
    with step(f"{partner_count:,} partner organisations « hors plateforme »"):
        partners = _partners(partner_count, rng, ids, out)
        out.flush()

    label = f"{services:,} services with their thématiques"
    with step(label):
        pool: dict[str, list[tuple[int, int, bool]]] = defaultdict(list)  # by département
        national: list[tuple[int, int, bool]] = []
        made = 0
        for pk, code in platform:  # a few services for each organisation of the platform
            commune = get_commune(code)
            if commune is None or commune.latitude is None:
                continue
            for service_pk, dep, published, whole in _service_rows(
                pk, commune, rng.randint(1, 4), rng, ids, out, "platform"
            ):
                if published:
                    pool[dep].append((service_pk, pk, False))
                    if whole:
                        national.append((service_pk, pk, False))
                made += 1
        inbox_services = [
            (service_pk, inbox_org.pk, False)
            for service_pk, _dep, _published, _whole in _service_rows(
                inbox_org.pk, lyon, INBOX_SERVICES, rng, ids, out, "inbox"
            )
        ]
        made += INBOX_SERVICES
        remaining = services - made
        per_partner = [1] * len(partners)
        for _ in range(remaining - len(partners)):
            per_partner[rng.randrange(len(partners))] += 1
        for (pk, commune), n in zip(partners, per_partner, strict=True):
            for service_pk, dep, published, whole in _service_rows(
                pk, commune, n, rng, ids, out, "partner"
            ):
                if published:
                    pool[dep].append((service_pk, pk, True))
                    if whole:
                        national.append((service_pk, pk, True))
            if out.size() > 50_000:
                out.flush()
        out.flush()

    # Referrals: each sender organisation in proportion to its persons.
    sender_deps = {pk: departement_of(code) for pk, code in platform}
    # Cumulative weights: rng.choices would otherwise add up the weights at every draw.
    weights = list(accumulate(len(held[s]) for s in senders))
    inbox_senders = [s for s in senders if sender_deps.get(s) == "69"] or senders
    label = f"{referrals:,} referrals ({INBOX_REFERRALS:,} to the measured inbox, with their transitions)"
    with step(label):
        inbox_rows = []
        first = ids.take(Referral, referrals)
        plan_inbox = set(rng.sample(range(referrals), min(INBOX_REFERRALS, referrals)))
        for index in range(referrals):
            pk = first + index
            if index in plan_inbox:
                sender = (
                    rng.choice(inbox_senders)
                    if rng.random() < 0.7
                    else rng.choices(senders, cum_weights=weights)[0]
                )
                service = rng.choice(inbox_services)
            else:
                sender = rng.choices(senders, cum_weights=weights)[0]
                local = pool.get(sender_deps.get(sender, ""))
                if local and rng.random() < SAME_DEPARTEMENT:
                    service = rng.choice(local)
                else:
                    service = rng.choice(national)
            person = rng.choice(held[sender])
            row = _referral(pk, person, sender, service, rng, now)
            out.add(Referral, row)
            if index in plan_inbox:
                inbox_rows.append(row)
                _transitions(row, inbox_member, rng, ids, out)
            if out.size() >= CHUNK:
                out.flush()
        # The persons referred to the measured inbox agreed to share with it.
        recorder = {r["person_id"]: r["sender_id"] for r in inbox_rows}
        for person_id in sorted(recorder):
            out.add(
                Consent,
                {
                    "id": ids.take(Consent),
                    "person_id": person_id,
                    "purpose": ConsentPurpose.SHARE_ORGANISATION,
                    "partner_organisation_id": inbox_org.pk,
                    "partner_category": "",
                    "status": ConsentStatus.GIVEN,
                    "method": ConsentMethod.ORAL_WITH_WITNESS,
                    "witness_name": "Mme Durand, assistante sociale",
                    "decided_on": today - dt.timedelta(days=HISTORY_DAYS + 1),
                    "recorded_by_id": recorder[person_id],
                    "created_at": now - dt.timedelta(days=HISTORY_DAYS + 1),
                    "updated_at": now - dt.timedelta(days=HISTORY_DAYS + 1),
                },
            )
        out.flush()

    with step("partnerships (actor map)"):
        in_dep = list(
            Organisation.objects.filter(commune_code__startswith="69")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        declarer = inbox_member
        seen: set[tuple[int, int, str]] = set()
        kinds = list(PartnershipKind)
        for _ in range(min(400, len(in_dep) * 2)):
            source, target = rng.sample(in_dep, 2)
            kind = rng.choice(kinds)
            if (source, target, kind) in seen:
                continue
            seen.add((source, target, kind))
            out.add(
                Partnership,
                {
                    "id": ids.take(Partnership),
                    "source_id": source,
                    "target_id": target,
                    "kind": kind,
                    "description": "Convention de partenariat",
                    "started_on": today - dt.timedelta(days=rng.randint(30, 1500)),
                    "ended_on": None
                    if rng.random() < 0.85
                    else today - dt.timedelta(days=rng.randint(1, 30)),
                    "declared_by_id": declarer,
                    "created_at": now - dt.timedelta(days=rng.randint(1, 800)),
                    "updated_at": now,
                },
            )
        out.flush()
        reset_sequences(ids.models())

    inbox_count, pending = inbox_counts(inbox_org.pk)
    counts = {"rows": out.total()} | {
        str(m._meta.verbose_name_plural): n for m, n in out.counts.items() if n
    }
    print("  " + ", ".join(f"{n:,} {label}" for label, n in counts.items()))
    thematique = "mobilite"
    from relais.network.directory.search import ServiceQuery, search_services

    total = search_services(
        ServiceQuery(thematiques=(thematique,), commune_code="69123", radius_km=20)
    ).total
    return CoordinationScenario(
        organisation_id=inbox_org.pk,
        organisation_name=inbox_org.name,
        member_id=inbox_member,
        inbox_count=inbox_count,
        inbox_pending=pending,
        search_commune="69123",
        search_thematique=thematique,
        search_total=total,
        departement="69",
        departement_organisations=Organisation.objects.filter(
            commune_code__startswith="69", is_active=True
        ).count(),
        counts=counts,
    )
