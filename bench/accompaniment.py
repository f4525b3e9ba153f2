"""Issue 3 (accompaniment) data at scale: persons with their whole record.

Every person has two pathways (the older one closed for half of them, with an exit), two
goals and three steps per pathway, a review per pathway, a signed engagement contract on
the current pathway, two diagnostics with four assessed domains each, seven notes, seven
appointments, a consent and two key life events: about 30 items of their timeline and
about 44 rows in all. The real tables are written (bench.common.Inserter, explicit keys);
folded names (`Person.name_key`) are computed with relais.core.text.fold as Person.save
does, and signed contracts carry the real hash of their terms (relais.pathways.contract),
so that "contract to renew" is flagged only where a step was added after signature (one
person in ten).

The measured scenario (one organisation, "Conseil départemental (bench accompagnement)",
holds a fifth of the persons):
- one référent holds exactly 150 persons (their caseload: "/");
- one of those persons has exactly 300 timeline items (their page: /personnes/<pk>/);
- a manager (the organisation's caseload, name search) and a reception staff member
  (person search) of the same organisation.
The other persons are spread unevenly over the foundation's organisations, followed by
their référents and managers.

`timeline=False` creates the persons only (what the coordination part needs when the
accompaniment part is not measured)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from bench import names
from bench.common import Ids, Inserter, reset_sequences, step
from bench.identity import add_match_keys
from relais.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from relais.core.communes import all_communes
from relais.core.text import fold
from relais.diagnostics.domains import Domain, barrier_codes_for
from relais.diagnostics.models import Diagnostic, DomainAssessment, Urgency
from relais.network.directory.geo import departement_of
from relais.pathways import contract as contract_terms
from relais.pathways.models import (
    Appointment,
    Contract,
    Exit,
    ExitCategory,
    Goal,
    GoalStatus,
    Note,
    NoteKind,
    NoteVisibility,
    Participation,
    Pathway,
    PathwayStatus,
    Review,
    Scheme,
    SignatureMode,
    Step,
    StepKind,
    StepOwner,
    StepStatus,
)
from relais.people.models import (
    AdministrativeStatus,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    DrivingLicence,
    EducationLevel,
    FrenchLevel,
    Household,
    LifeEvent,
    LifeEventKind,
    Person,
    Resource,
)

EMAIL_DOMAIN = "cd.bench.relais.localhost"
CHUNK = 5000  # persons per transaction (≈220,000 rows)
REFERENT_CASELOAD = 150
BIG_PERSON_ITEMS = 300
BIG_ORG_SHARE = 0.2  # share of all persons held by the measured organisation
NO_REFERENT_SHARE = 0.03
ARCHIVED_SHARE = 0.02

MODELS = [
    Person, Pathway, Goal, Step, Review, Contract, Exit, Diagnostic, DomainAssessment,
    Note, Appointment, Consent, LifeEvent,
]  # fmt: skip

DOMAINS = list(Domain)
AGES = range(16, 66)
AGE_WEIGHTS = [3 if a < 26 else 2 if a < 50 else 1 for a in AGES]
SCHEMES = [Scheme.RSA, Scheme.PLIE, Scheme.CEJ, Scheme.IAE, Scheme.OTHER]
SCHEME_WEIGHTS = [45, 15, 15, 15, 10]
STEP_KINDS = list(StepKind)
STEP_KIND_WEIGHTS = [30, 15, 12, 8, 15, 10, 5, 5]

GOAL_TEXTS = {
    Domain.EMPLOYMENT: "Retrouver un emploi dans la logistique à temps partiel",
    Domain.TRAINING: "Entrer en formation qualifiante d'aide à domicile",
    Domain.MOBILITY: "Obtenir le permis B et organiser les trajets vers le travail",
    Domain.HOUSING: "Accéder à un logement autonome adapté à la composition familiale",
    Domain.HEALTH: "Reprendre un suivi médical régulier avec un médecin traitant",
    Domain.BUDGET: "Stabiliser le budget et constituer un dossier de surendettement",
    Domain.RIGHTS: "Ouvrir tous les droits (CSS, APL, prime d'activité)",
    Domain.FAMILY: "Trouver un mode de garde compatible avec une reprise d'activité",
    Domain.LANGUAGE: "Atteindre le niveau A2 à l'oral et à l'écrit",
    Domain.DIGITAL: "Réaliser seul·e les démarches en ligne courantes",
    Domain.JUSTICE: "Respecter les obligations du suivi et préparer la sortie de mesure",
    Domain.SOCIAL_LIFE: "Participer chaque semaine à une activité collective",
}
STEP_TITLES = {
    StepKind.APPOINTMENT: "Rendez-vous avec le conseiller France Travail",
    StepKind.WORKSHOP: "Atelier CV et lettre de motivation",
    StepKind.TRAINING: "Formation « savoirs de base » de 120 heures",
    StepKind.IMMERSION: "Immersion de deux semaines en entreprise (PMSMP)",
    StepKind.ADMINISTRATIVE: "Constituer le dossier de demande de logement social",
    StepKind.REFERRAL: "Orientation vers l'auto-école sociale",
    StepKind.EMPLOYMENT: "Contrat à durée déterminée de six mois",
    StepKind.OTHER: "Inscription à l'épicerie solidaire",
}
NOTE_SENTENCES = [
    "Entretien au bureau, la personne est venue seule et à l'heure.",
    "Nous avons fait le point sur les démarches engagées depuis le dernier rendez-vous.",
    "Le dossier de demande de logement est complet ; il sera déposé cette semaine.",
    "La personne indique avoir envoyé quatre candidatures, sans réponse pour le moment.",
    "Le financement de la formation est accordé ; l'entrée est prévue le mois prochain.",
    "Point sur le budget : les charges fixes sont couvertes, un impayé d'électricité reste à régler.",
    "La personne souhaite travailler le matin pour pouvoir récupérer ses enfants à l'école.",
    "Appel de la personne pour reporter le rendez-vous de jeudi, nouveau créneau proposé.",
    "Visite à domicile : le logement est adapté mais trop éloigné des transports.",
    "Les droits à la CSS sont ouverts ; l'attestation a été remise à la personne.",
    "Elle a pris contact avec l'auto-école sociale et commence le code la semaine prochaine.",
    "Nous convenons d'un prochain rendez-vous dans trois semaines pour préparer le bilan.",
    "Il a participé à l'atelier numérique et sait désormais consulter son espace en ligne.",
    "La personne exprime de la fatigue ; orientation proposée vers le centre de santé.",
]
APPOINTMENT_PURPOSES = [
    "Entretien de suivi",
    "Préparation du bilan",
    "Point sur la recherche d'emploi",
    "Signature du contrat d'engagement",
    "Démarches administratives",
    "Entretien tripartite avec l'employeur",
]
LOCATIONS = ["Maison de la métropole", "Antenne solidarités", "Permanence en mairie", ""]
SITUATIONS = [
    "Situation stable depuis le dernier entretien.",
    "Des démarches sont en cours ; la personne est mobilisée.",
    "Difficulté ancienne, qui freine le projet professionnel.",
    "La personne souhaite être accompagnée sur ce point en priorité.",
]
WITNESSES = ["Mme Durand, assistante sociale", "M. Petit, conseiller", "Mme Roux, secrétaire"]
LIFE_EVENT_WEIGHTS = {
    LifeEventKind.JOB_LOSS: 20,
    LifeEventKind.SEPARATION: 12,
    LifeEventKind.EVICTION: 6,
    LifeEventKind.ILLNESS: 10,
    LifeEventKind.ARRIVAL: 8,
    LifeEventKind.MOVE: 10,
    LifeEventKind.DEBT: 8,
    LifeEventKind.BIRTH: 10,
    LifeEventKind.TRAINING: 6,
    LifeEventKind.EMPLOYMENT: 6,
    LifeEventKind.OTHER: 4,
}


@dataclass(frozen=True)
class AccompanimentScenario:
    organisation_id: int
    organisation_name: str
    referent_id: int
    manager_id: int
    staff_id: int
    organisation_persons: int  # not archived
    referent_persons: int
    big_person_id: int
    big_person_items: int
    duplicate_form: dict[str, str]  # intake form fields that show possible duplicates
    duplicate_of: int
    search_term: str  # a frequent surname: name search in the whole organisation
    search_count: int
    referent_search_term: str
    referent_search_count: int
    counts: dict[str, int] = field(default_factory=dict)


# --- Helpers -------------------------------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.tz = timezone.get_current_timezone()
        self.today = timezone.localdate()

    def at(self, day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)


def _communes_by_departement() -> dict[str, list]:
    by_dep: dict[str, list] = defaultdict(list)
    for commune in all_communes():
        if commune.latitude is not None:
            by_dep[departement_of(commune.code)].append(commune)
    return by_dep


class _Row(SimpleNamespace):
    """A row (attribute names → values, `vars(row)` is what is inserted) that the code
    reads as a record: `row.pk`, `row.created_at`… (relais.pathways.contract too)."""

    @property
    def pk(self) -> int:
        return self.id


def _row(model, **values) -> _Row:
    del model  # named at the call, for the reader
    return _Row(**values)


def _note_body(rng: random.Random) -> str:
    return " ".join(rng.sample(NOTE_SENTENCES, rng.randint(3, 6)))


def _ascii(text: str) -> str:
    return fold(text).replace(" ", "")


# --- The measured organisation ---------------------------------------------------------------------


def _create_big_organisation(referents: int, rng: random.Random):
    organisation = Organisation.objects.create(
        name="Conseil départemental (bench accompagnement)",
        kind=OrganisationKind.DEPARTEMENT,
        commune_code="69123",
        latitude=45.76404,
        longitude=4.83566,
    )
    password = make_password(None)
    roles = [Role.MANAGER] + [Role.REFERENT] * referents + [Role.STAFF] * 4
    users = [
        User(
            email=f"cd.{i:04d}@{EMAIL_DOMAIN}",
            first_name=names.first_names(rng, rng.random() < 0.6).split()[0],
            last_name=names.last_name(rng),
            password=password,
        )
        for i in range(len(roles))
    ]
    User.objects.bulk_create(users)
    users = list(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("email"))
    Membership.objects.bulk_create(
        [
            Membership(user=user, organisation=organisation, role=role)
            for user, role in zip(users, roles, strict=True)
        ]
    )
    by_role: dict[str, list[int]] = defaultdict(list)
    for user, role in zip(users, roles, strict=True):
        by_role[role].append(user.pk)
    return organisation, by_role


def _accompanying_members(organisations: list[Organisation]) -> dict[int, list[int]]:
    """Référents and managers of each organisation (those who may follow persons)."""
    members: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in (
        Membership.objects.filter(
            organisation__in=organisations, role__in=(Role.REFERENT, Role.MANAGER)
        )
        .order_by("organisation_id", "user_id")
        .values_list("organisation_id", "user_id")
    ):
        members[org_id].append(user_id)
    return members


# --- One person's record ---------------------------------------------------------------------------


class _Builder:
    def __init__(self, rng: random.Random, ids: Ids, out: Inserter, clock: _Clock) -> None:
        self.rng = rng
        self.ids = ids
        self.out = out
        self.clock = clock
        self.barriers = {d: sorted(barrier_codes_for(d)) for d in DOMAINS}
        self.timeline_items = 0

    # Identity ----------------------------------------------------------------------------------
    def person(
        self,
        *,
        organisation_id: int,
        referent_id: int | None,
        creator_id: int,
        commune,
        opened_on: dt.date,
        archived: bool = False,
    ) -> Person:
        rng, clock = self.rng, self.clock
        sex = rng.choices(["F", "M", "X"], [52, 46, 2])[0]
        female = sex == "F" or (sex == "X" and rng.random() < 0.5)
        birth = names.last_name(rng)
        usage = names.last_name(rng) if female and rng.random() < 0.15 else ""
        first = names.first_names(rng, female)
        age = rng.choices(AGES, AGE_WEIGHTS)[0]
        born = clock.today - dt.timedelta(days=365 * age + rng.randrange(365))
        household = rng.choice(list(Household))
        with_children = household in (Household.ALONE_WITH_CHILDREN, Household.COUPLE_WITH_CHILDREN)
        pk = self.ids.take(Person)
        created = clock.at(opened_on, 9 + rng.randrange(8), rng.choice((0, 15, 30, 45)))
        person = _row(
            Person,
            id=pk,
            organisation_id=organisation_id,
            referent_id=referent_id,
            birth_name=birth,
            usage_name=usage,
            first_names=first,
            birth_date=born,
            sex=sex,
            phone=f"06 39 98 {rng.randrange(100):02d} {rng.randrange(100):02d}"
            if rng.random() < 0.85
            else "",
            email=f"{_ascii(first)}.{_ascii(birth)}{rng.randrange(100)}@example.org"
            if rng.random() < 0.4
            else "",
            address=f"{rng.randint(1, 180)} rue de la République",
            postal_code=commune.postal_code,
            commune_code=commune.code,
            household=household,
            children_ages=sorted(rng.randint(0, 17) for _ in range(rng.randint(1, 3)))
            if with_children
            else [],
            resources=rng.sample(
                [
                    Resource.RSA,
                    Resource.ARE,
                    Resource.PRIME_ACTIVITE,
                    Resource.FAMILY_BENEFITS,
                    Resource.SALARY,
                    Resource.AAH,
                ],
                rng.randint(1, 2),
            ),
            education_level=rng.choice(list(EducationLevel)),
            languages="français" if rng.random() < 0.7 else "français, arabe",
            french_level=rng.choices(list(FrenchLevel), [60, 20, 10, 7, 3])[0],
            driving_licence=rng.choices(list(DrivingLicence), [45, 10, 38, 5, 2])[0],
            has_vehicle=rng.random() < 0.3,
            rqth=rng.random() < 0.08,
            administrative_status=rng.choices(
                list(AdministrativeStatus), [70, 8, 10, 4, 2, 3, 1, 2]
            )[0],
            france_travail_id=f"{rng.randrange(10**7):07d}{chr(65 + rng.randrange(26))}"
            if rng.random() < 0.5
            else "",
            created_by_id=creator_id,
            updated_by_id=creator_id,
            name_key=fold(f"{birth} {usage} {first}"),
            archived_at=clock.at(clock.today - dt.timedelta(days=rng.randint(10, 200)))
            if archived
            else None,
            created_at=created,
            updated_at=created,
        )
        self.out.add(Person, vars(person))
        add_match_keys(self.out, self.ids, person)
        self.timeline_items += 1  # the record's opening
        return person

    # Record ------------------------------------------------------------------------------------
    def record(self, person: Person, referent_id: int, shape: dict[str, int] | None = None) -> None:
        """Pathways, goals, steps, reviews, contract, exit, diagnostics, notes, appointments,
        consent and life events. `shape`: counts for a big record (see big_record)."""
        rng, clock = self.rng, self.clock
        today = clock.today
        shape = shape or {}
        opened = person.created_at.date()
        p1_start = opened + dt.timedelta(days=rng.randint(3, 20))
        closed = shape.get("closed", rng.random() < 0.5)
        p2_start = min(
            p1_start + dt.timedelta(days=rng.randint(60, 250)), today - dt.timedelta(days=10)
        )
        p2_start = max(p2_start, p1_start + dt.timedelta(days=1))
        pathways = []
        for index, start in enumerate((p1_start, p2_start)):
            is_closed = index == 0 and closed
            pathways.append(self._pathway(person, referent_id, start, is_closed, shape, index))
        self._diagnostics(person, referent_id, [p1_start, p2_start], shape.get("diagnostics", 2),
                          shape.get("domains", 4))  # fmt: skip
        self._notes(person, referent_id, p1_start, pathways, shape.get("notes", 7))
        self._appointments(person, referent_id, p1_start, pathways, shape.get("appointments", 7))
        self._consents(person, referent_id, opened, shape.get("consents", 1))
        self._life_events(person, referent_id, opened, shape.get("life_events", 2))

    def _pathway(self, person, referent_id, start, is_closed, shape, index) -> Pathway:
        rng, clock = self.rng, self.clock
        today = clock.today
        end = (
            min(start + dt.timedelta(days=rng.randint(150, 420)), today - dt.timedelta(days=15))
            if is_closed
            else today
        )
        end = max(end, start + dt.timedelta(days=1))
        pathway = _row(
            Pathway,
            id=self.ids.take(Pathway),
            person_id=person.pk,
            organisation_id=person.organisation_id,
            scheme=rng.choices(SCHEMES, SCHEME_WEIGHTS)[0],
            referent_id=referent_id,
            started_on=start,
            review_every_months=3,
            next_review_on=None if is_closed else today + dt.timedelta(days=rng.randint(-45, 90)),
            status=PathwayStatus.CLOSED if is_closed else PathwayStatus.ACTIVE,
            updated_by_id=referent_id,
            created_at=clock.at(start),
            updated_at=clock.at(end if is_closed else start),
        )
        self.out.add(Pathway, vars(pathway))
        self.timeline_items += 1
        span = max((end - start).days, 1)
        # Goals and steps, as they stood when the contract was signed (two weeks in).
        signed_on = min(start + dt.timedelta(days=14), end)
        goals = []
        for _ in range(shape.get("goals", 2)):
            domain = rng.choice(DOMAINS)
            smart = rng.random() < 0.8
            goal = _row(
                Goal,
                id=self.ids.take(Goal),
                pathway_id=pathway.pk,
                text=GOAL_TEXTS[domain],
                domain=domain,
                indicator="Nombre de démarches réalisées" if smart else "",
                target="Au moins une par mois" if smart else "",
                deadline=start + dt.timedelta(days=rng.randint(90, 365))
                if rng.random() < 0.85
                else None,
                status=(GoalStatus.ACHIEVED if rng.random() < 0.6 else GoalStatus.ABANDONED)
                if is_closed
                else GoalStatus.IN_PROGRESS,
                updated_by_id=referent_id,
                created_at=clock.at(start, 11),
                updated_at=clock.at(start, 11),
            )
            goals.append(goal)
        for goal in goals:
            self.out.add(Goal, vars(goal))
        steps, later_steps = [], []
        renew = not is_closed and rng.random() < 0.1
        n_steps = shape.get("steps", 3)
        for i in range(n_steps):
            kind = rng.choices(STEP_KINDS, STEP_KIND_WEIGHTS)[0]
            planned = start + dt.timedelta(days=rng.randint(7, span + 60))
            if is_closed:
                status = rng.choices(
                    [StepStatus.DONE, StepStatus.ABANDONED, StepStatus.CANCELLED], [70, 20, 10]
                )[0]
            elif planned < today:
                status = rng.choices(
                    [
                        StepStatus.DONE,
                        StepStatus.PLANNED,
                        StepStatus.IN_PROGRESS,
                        StepStatus.ON_HOLD,
                    ],
                    [65, 15, 15, 5],
                )[0]
            else:
                status = rng.choices([StepStatus.PLANNED, StepStatus.IN_PROGRESS], [75, 25])[0]
            done_on = min(planned, today) if status == StepStatus.DONE else None
            added_later = renew and i == n_steps - 1
            created_day = max(signed_on + dt.timedelta(days=20), start) if added_later else start
            created_day = min(created_day, today)
            touched = done_on or created_day
            owner = rng.choices(list(StepOwner), [50, 30, 20])[0]
            s = _row(
                Step,
                id=self.ids.take(Step),
                pathway_id=pathway.pk,
                goal_id=rng.choice(goals).pk if goals and rng.random() < 0.8 else None,
                kind=kind,
                title=STEP_TITLES[kind],
                owner=owner,
                owner_name="Mission locale" if owner == StepOwner.PARTNER else "",
                planned_on=planned,
                done_on=done_on,
                status=status,
                outcome="Réalisée comme prévu." if done_on else "",
                updated_by_id=referent_id,
                created_at=clock.at(created_day, 11, 30),
                updated_at=clock.at(max(touched, created_day), 16),
            )
            (later_steps if added_later else steps).append(s)
        for item in (*steps, *later_steps):
            self.out.add(Step, vars(item))
        self.timeline_items += len(steps) + len(later_steps)
        # Reviews every three months or so.
        for i in range(shape.get("reviews", 1)):
            held = min(start + dt.timedelta(days=90 * (i + 1) - rng.randint(0, 20)), end)
            self.out.add(
                Review,
                dict(
                    id=self.ids.take(Review),
                    pathway_id=pathway.pk,
                    held_on=held,
                    author_id=referent_id,
                    adjustments="Objectifs maintenus ; une étape ajoutée.",
                    risks="Isolement si la formation est reportée.",
                    success_factors="Forte motivation, soutien de la famille.",
                    person_view="Se sent mieux accompagné·e, veut aller plus vite.",
                    next_review_on=held + dt.timedelta(days=91),
                    created_at=clock.at(held, 15),
                    updated_at=clock.at(held, 15),
                ),
            )
            self.timeline_items += 1
        # Signed contract(s): the real hash of the terms as they stood when signed.
        versions = shape.get("contracts", 0 if is_closed else 1)
        terms = contract_terms.terms_of(goals, steps)
        digest = contract_terms.terms_hash(terms)
        for number in range(1, versions + 1):
            day = min(signed_on + dt.timedelta(days=30 * (number - 1)), today)
            self.out.add(
                Contract,
                dict(
                    id=self.ids.take(Contract),
                    pathway_id=pathway.pk,
                    number=number,
                    content={"format": contract_terms.CONTENT_FORMAT, **terms, "parties": {}},
                    content_hash=digest,
                    commitments_person=contract_terms.DEFAULT_COMMITMENTS_PERSON,
                    commitments_organisation=contract_terms.DEFAULT_COMMITMENTS_ORGANISATION,
                    generated_by_id=referent_id,
                    signed_on=day,
                    signature_mode=SignatureMode.HANDWRITTEN,
                    valid_until=day + dt.timedelta(days=365),
                    created_at=clock.at(day, 12),
                    updated_at=clock.at(day, 12),
                ),
            )
            self.timeline_items += 1
        if is_closed:
            self.out.add(
                Exit,
                dict(
                    id=self.ids.take(Exit),
                    pathway_id=pathway.pk,
                    exited_on=end,
                    category=rng.choice(list(ExitCategory)),
                    comment="Sortie préparée avec la personne.",
                    recorded_by_id=referent_id,
                    created_at=clock.at(end, 17),
                    updated_at=clock.at(end, 17),
                ),
            )
            self.timeline_items += 1
        return pathway

    def _diagnostics(self, person, referent_id, starts, count, domains) -> None:
        rng, clock = self.rng, self.clock
        today = clock.today
        first = starts[0]
        span = max((today - first).days, 1)
        for i in range(count):
            if count <= len(starts):
                day = starts[i] + dt.timedelta(days=7)
            else:
                day = first + dt.timedelta(days=7 + span * i // count)
            day = min(day, today)
            urgency = rng.choices(list(Urgency), [60, 25, 10, 5])[0]
            diagnostic = _row(
                Diagnostic,
                id=self.ids.take(Diagnostic),
                person_id=person.pk,
                assessed_on=day,
                author_id=referent_id,
                validated_with_person_on=day + dt.timedelta(days=7) if rng.random() < 0.8 else None,
                person_expectations="Trouver un travail stable et un logement plus proche.",
                no_resources=urgency >= Urgency.HIGH and rng.random() < 0.5,
                urgency_suggested=urgency,
                urgency_reasons=["Aucune ressource"] if urgency >= Urgency.HIGH else [],
                urgency=urgency,
                updated_by_id=referent_id,
                created_at=clock.at(day, 14),
                updated_at=clock.at(day, 14),
            )
            self.out.add(Diagnostic, vars(diagnostic))
            self.timeline_items += 1
            for domain in rng.sample(DOMAINS, domains):
                codes = self.barriers[domain]
                difficulty = rng.randint(0, 3)
                self.out.add(
                    DomainAssessment,
                    dict(
                        id=self.ids.take(DomainAssessment),
                        diagnostic_id=diagnostic.pk,
                        domain=domain,
                        situation=rng.choice(SITUATIONS),
                        difficulty=difficulty,
                        strengths="Motivation, réseau familial présent.",
                        barriers=rng.sample(codes, min(len(codes), difficulty))
                        if difficulty
                        else [],
                        person_words="Je veux m'en sortir par moi-même.",
                    ),
                )

    def _notes(self, person, referent_id, since, pathways, count) -> None:
        rng, clock = self.rng, self.clock
        span = max((clock.today - since).days, 1)
        for _ in range(count):
            day = since + dt.timedelta(days=rng.randrange(span + 1))
            visibility = rng.choices(
                [NoteVisibility.ORGANISATION, NoteVisibility.AUTHOR, NoteVisibility.TEAM],
                [90, 8, 2],
            )[0]
            self.out.add(
                Note,
                dict(
                    id=self.ids.take(Note),
                    person_id=person.pk,
                    pathway_id=rng.choice(pathways).pk,
                    kind=rng.choices(list(NoteKind), [60, 25, 10, 5])[0],
                    occurred_on=day,
                    body=_note_body(rng),
                    visibility=visibility,
                    author_id=referent_id,
                    updated_by_id=referent_id,
                    created_at=clock.at(day, 17),
                    updated_at=clock.at(day, 17),
                ),
            )
            self.timeline_items += 1

    def _appointments(self, person, referent_id, since, pathways, count) -> None:
        rng, clock = self.rng, self.clock
        span = max((clock.today - since).days, 1)
        upcoming = 1 if pathways[-1].status == PathwayStatus.ACTIVE else 0
        for i in range(count):
            if i < upcoming:
                day = clock.today + dt.timedelta(days=rng.randint(1, 30))
                participation = Participation.PLANNED
            else:
                day = since + dt.timedelta(days=rng.randrange(span))
                participation = rng.choices(
                    [Participation.SEEN, Participation.EXCUSED, Participation.CANCELLED, Participation.NO_SHOW],
                    [70, 10, 10, 10],
                )[0]  # fmt: skip
            starts = clock.at(day, rng.choice((9, 10, 11, 14, 15, 16)), rng.choice((0, 30)))
            self.out.add(
                Appointment,
                dict(
                    id=self.ids.take(Appointment),
                    person_id=person.pk,
                    pathway_id=rng.choice(pathways).pk,
                    starts_at=starts,
                    duration_minutes=45,
                    location=rng.choice(LOCATIONS),
                    purpose=rng.choice(APPOINTMENT_PURPOSES),
                    with_user_id=referent_id,
                    participation=participation,
                    created_at=starts - dt.timedelta(days=10),
                    updated_at=starts,
                ),
            )
            self.timeline_items += 1

    def _consents(self, person, referent_id, opened, count) -> None:
        rng, clock = self.rng, self.clock
        for i in range(count):
            day = opened + dt.timedelta(days=30 * i)
            oral = rng.random() < 0.4
            self.out.add(
                Consent,
                dict(
                    id=self.ids.take(Consent),
                    person_id=person.pk,
                    purpose=ConsentPurpose.ACCOMPANIMENT if i == 0 else ConsentPurpose.CONTACT_SMS,
                    method=ConsentMethod.ORAL_WITH_WITNESS if oral else ConsentMethod.SIGNED_FORM,
                    witness_name=rng.choice(WITNESSES) if oral else "",
                    decided_on=min(day, clock.today),
                    recorded_by_id=referent_id,
                    created_at=clock.at(min(day, clock.today), 10),
                    updated_at=clock.at(min(day, clock.today), 10),
                ),
            )
            self.timeline_items += 1

    def _life_events(self, person, referent_id, opened, count) -> None:
        rng = self.rng
        kinds = list(LIFE_EVENT_WEIGHTS)
        weights = list(LIFE_EVENT_WEIGHTS.values())
        for _ in range(count):
            day = opened - dt.timedelta(days=rng.randint(30, 3000))
            self.out.add(
                LifeEvent,
                dict(
                    id=self.ids.take(LifeEvent),
                    person_id=person.pk,
                    kind=rng.choices(kinds, weights)[0],
                    occurred_on=day,
                    is_rupture=rng.random() < 0.7,
                    description="Événement évoqué lors du premier entretien.",
                    recorded_by_id=referent_id,
                    created_at=person.created_at,
                    updated_at=person.created_at,
                ),
            )
            self.timeline_items += 1


# Shape of the person with 300 timeline items: 1 opening + 2 pathways + 1 exit + 60 steps
# + 12 reviews + 6 contracts + 8 diagnostics + 110 notes + 80 appointments + 6 consents
# + 14 life events = 300.
BIG_SHAPE = {
    "closed": True,
    "goals": 10,
    "steps": 30,
    "reviews": 6,
    "contracts": 3,
    "diagnostics": 8,
    "domains": 12,
    "notes": 110,
    "appointments": 80,
    "consents": 6,
    "life_events": 14,
}


def _org_sizes(total: int, count: int, rng: random.Random) -> list[int]:
    weights = [rng.paretovariate(1.5) for _ in range(count)]
    scale = sum(weights)
    sizes = [int(total * w / scale) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def generate_accompaniment(
    *,
    persons: int,
    organisations: list[Organisation],
    rng: random.Random,
    timeline: bool = True,
    measured_persons: int | None = None,
) -> AccompanimentScenario:
    """`persons` persons in all, `measured_persons` of them (default: `BIG_ORG_SHARE`) in
    the measured organisation; see the module docstring."""
    clock = _Clock()
    ids = Ids()
    by_dep = _communes_by_departement()
    if measured_persons is None:
        measured_persons = int(persons * BIG_ORG_SHARE)
    big_persons = min(persons, max(REFERENT_CASELOAD + 1, measured_persons))
    other_referents = max(1, math.ceil((big_persons - REFERENT_CASELOAD) / REFERENT_CASELOAD))
    with step(f"organisation « Conseil départemental » and its {other_referents + 1} référents"):
        big_org, roles = _create_big_organisation(other_referents + 1, rng)
        members = _accompanying_members(organisations)
    referent_id = roles[Role.REFERENT][0]
    manager_id = roles[Role.MANAGER][0]
    staff_id = roles[Role.STAFF][0]

    # Who holds whom: (organisation, référent, commune list) per person.
    plan: list[tuple[int, int | None, int]] = []  # (org id, referent id or None, creator)
    plan += [(big_org.pk, referent_id, referent_id)] * REFERENT_CASELOAD
    others = roles[Role.REFERENT][1:]
    for i in range(big_persons - REFERENT_CASELOAD):
        ref = others[i % len(others)]
        plan.append((big_org.pk, ref if rng.random() >= NO_REFERENT_SHARE else None, ref))
    small = [o for o in organisations if members.get(o.pk)]
    for org, size in zip(small, _org_sizes(persons - big_persons, len(small), rng), strict=True):
        followers = members[org.pk]
        for _ in range(size):
            ref = rng.choice(followers)
            plan.append((org.pk, ref if rng.random() >= NO_REFERENT_SHARE else None, ref))
    communes_of = {big_org.pk: by_dep["69"]}
    for org in small:
        communes_of[org.pk] = by_dep.get(departement_of(org.commune_code)) or by_dep["69"]

    out = Inserter()
    builder = _Builder(rng, ids, out, clock)
    big_person_id = 0
    label = (
        f"{persons:,} persons with their records (≈30 timeline items each)"
        if timeline
        else f"{persons:,} persons (identity only)"
    )
    with step(label):
        for index, (org_id, ref, creator) in enumerate(plan):
            opened = clock.today - dt.timedelta(days=rng.randint(40, 1200))
            commune = rng.choice(communes_of[org_id])
            archived = org_id != big_org.pk and rng.random() < ARCHIVED_SHARE
            if index == 0:
                opened = clock.today - dt.timedelta(days=1400)
            person = builder.person(
                organisation_id=org_id,
                referent_id=ref,
                creator_id=creator,
                commune=commune,
                opened_on=opened,
                archived=archived,
            )
            if index == 0:
                big_person_id = person.pk
            if timeline:
                if index == 0:
                    builder.record(person, creator, BIG_SHAPE)
                    big_items = builder.timeline_items
                else:
                    builder.record(person, creator)
            else:
                big_items = 1
            if (index + 1) % CHUNK == 0:
                out.flush()
        out.flush()
        reset_sequences(ids.models())

    # The intake that shows possible duplicates: a person of the organisation typed again
    # by reception, without accents and in capitals (the same folded name, same birth date).
    twin = (
        Person.objects.filter(organisation=big_org, referent_id=referent_id)
        .exclude(pk=big_person_id)
        .order_by("pk")
        .values("pk", "birth_name", "usage_name", "first_names", "birth_date")
        .first()
    )
    duplicate_form = {
        "birth_name": fold(twin["birth_name"]).upper(),
        "usage_name": "",
        "first_names": fold(twin["first_names"]).title(),
        "birth_date": twin["birth_date"].isoformat(),
    }
    # Name searches: a frequent surname in the organisation, and one of the référent's.
    search_term = "martin"
    visible = Person.objects.filter(organisation=big_org, archived_at__isnull=True)
    search_count = visible.search(search_term, organisation_id=big_org.pk).count()
    referent_term = fold(twin["birth_name"]).split()[0]
    referent_count = (
        visible.filter(referent_id=referent_id)
        .search(referent_term, organisation_id=big_org.pk)
        .count()
    )

    counts = {"rows": out.total()}
    counts |= {str(m._meta.verbose_name_plural): out.counts[m] for m in MODELS if out.counts.get(m)}
    print(
        "  "
        + ", ".join(f"{n:,} {label}" for label, n in counts.items())
        + f"; {builder.timeline_items / max(len(plan), 1):.1f} timeline items per person on average"
    )
    return AccompanimentScenario(
        organisation_id=big_org.pk,
        organisation_name=big_org.name,
        referent_id=referent_id,
        manager_id=manager_id,
        staff_id=staff_id,
        organisation_persons=visible.count(),
        referent_persons=visible.filter(referent_id=referent_id).count(),
        big_person_id=big_person_id,
        big_person_items=big_items,
        duplicate_form=duplicate_form,
        duplicate_of=twin["pk"],
        search_term=search_term,
        search_count=search_count,
        referent_search_term=referent_term,
        referent_search_count=referent_count,
        counts=counts,
    )
