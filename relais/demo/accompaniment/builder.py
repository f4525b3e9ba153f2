"""Seeds the demo caseload through the domain services, "as of" the past.

Every write goes through the services (so the data obeys every rule) with past dates:
intake, consents, life events, diagnostics, pathway start, reviews, steps done, notes and
past appointments are dated in the past; upcoming appointments and planned steps in the
future. Two things the services cannot date in the past, done on the model layer:

- a contract version can only be signed on or after the day it is drawn up (today, for a
  service call): it is drawn up and signed today, then both dates are moved back to the
  day it was really signed (`created_at`, `signed_on`);
- `created_at` is always "now": the record's opening (shown in the timeline and used by
  the caseload when nobody has had contact yet), notes, life events and documents are
  moved back to the day they were written.

Deterministic: every person has their own random generator seeded by their place in the
cast, so the demo is the same on every machine (dates are relative to today). Idempotent:
a person already present (same organisation, birth name and first names) is skipped.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Case, DateTimeField, Value, When
from django.utils import timezone

from relais.accounts.models import Organisation, OrganisationKind, User
from relais.demo.accompaniment import texts
from relais.demo.accompaniment.cast import ACTIVE_STATES, CAST, REFERENTS, Entry, State
from relais.demo.accompaniment.catalogue import (
    COMMUNES,
    EMAIL_DOMAINS,
    EMPLOYERS,
    FEMALE_FIRST_NAMES,
    LAST_NAMES,
    LOCATIONS,
    MALE_FIRST_NAMES,
    ORGANISATION_COMMUNES,
    STREETS,
    USAGE_NAMES,
    WITNESSES,
)
from relais.demo.accompaniment.pdf import simple_pdf
from relais.demo.accompaniment.profiles import PROFILES, GoalSpec, Profile, StepSpec
from relais.diagnostics import urgency as urgency_rules
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Diagnostic, Urgency
from relais.diagnostics.services import AssessmentInput, DiagnosticInput, diagnostic_create
from relais.pathways import contract as contract_services
from relais.pathways import goals as goal_services
from relais.pathways import notes as note_services
from relais.pathways import reviews as review_services
from relais.pathways import selectors
from relais.pathways import services as pathway_services
from relais.pathways import steps as step_services
from relais.pathways.checks import add_months
from relais.pathways.models import (
    DYNAMIC_EXITS,
    Appointment,
    Contract,
    ExitCategory,
    Goal,
    GoalResult,
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
    StepStatus,
)
from relais.people import services as people_services
from relais.people.models import (
    ConsentMethod,
    ConsentPurpose,
    Document,
    DocumentKind,
    Household,
    LifeEvent,
    LifeEventKind,
    Person,
)

DEMO_SEED = "relais-demo-2026"
MANAGERS = {
    "ccas": "responsable.ccas@relais.localhost",
    "plie": "responsable.plie@relais.localhost",
    "aci": "responsable.aci@relais.localhost",
}
SCHEME_DETAILS = {
    Scheme.RSA: "Référent unique RSA (Métropole de Lyon)",
    Scheme.CEJ: "Co-accompagnement avec la Mission locale",
    Scheme.IAE: "CDDI — maraîchage biologique, 26 h par semaine",
    Scheme.OTHER: "Accompagnement social global",
    Scheme.PLIE: "",
}
OVERRIDE_REASONS = {
    "down": "Place en hébergement d'urgence confirmée pour ce soir par le 115 et aide "
    "alimentaire remise : l'ouverture des droits peut être traitée dans la semaine.",
    "up": "Fin des droits au chômage dans trois semaines sans autre ressource prévue : "
    "démarches à engager dès cette semaine.",
}
# When every goal of an ongoing pathway has been reached at its last review, the next
# steps are gathered under a new goal.
NEXT_PHASE = GoalSpec(
    "Engager l'étape suivante du parcours",
    Domain.EMPLOYMENT,
    "Démarches prévues réalisées",
    "Toutes les démarches du trimestre faites",
    3,
)
APPOINTMENT_TIMES = ((9, 0), (9, 30), (10, 0), (10, 30), (11, 0), (14, 0), (14, 30), (15, 30))
_INCLUSIVE = re.compile(r"(\w+)·(\w+)")


# --- Small helpers ---------------------------------------------------------------------------


def seeded_random(*parts: object) -> random.Random:
    """A generator seeded on purpose: the demo must be the same on every machine (nothing
    here is secret)."""
    return random.Random("-".join(str(p) for p in (DEMO_SEED, *parts)))  # noqa: S311


def gendered(text: str, female: bool) -> str:
    """« seul·e » → « seule » or « seul », « vendeur·se » → « vendeuse » or « vendeur »."""

    def replace(match: re.Match) -> str:
        stem, suffix = match.group(1), match.group(2)
        if not female:
            return stem
        if suffix == "e" and stem.endswith("ier"):
            return stem[:-3] + "ière"
        if suffix in ("se", "rice") and stem.endswith("eur"):
            return stem[:-3] + ("euse" if suffix == "se" else "rice")
        return stem + suffix

    return _INCLUSIVE.sub(replace, text)


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def weekday_before(day: dt.date) -> dt.date:
    """The same day, or the Friday before when it falls on a week-end."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def weekday_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def aware(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


@dataclass(frozen=True)
class Identity:
    index: int
    entry: Entry
    sex: str
    first_names: str
    birth_name: str
    usage_name: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.entry.organisation, self.birth_name, self.first_names)


def identities(cast: tuple[Entry, ...] = CAST) -> list[Identity]:
    """Names of the cast: computed from the cast alone (never from the database), so that
    the same person gets the same name on every run."""
    rng = seeded_random("names")
    last_names = list(LAST_NAMES)
    rng.shuffle(last_names)
    female = list(FEMALE_FIRST_NAMES)
    male = list(MALE_FIRST_NAMES)
    rng.shuffle(female)
    rng.shuffle(male)
    counters = Counter()
    result = []
    for index, entry in enumerate(cast):
        person_rng = seeded_random(index)
        sex = person_rng.choice(PROFILES[entry.profile].sexes)
        pool = female if sex == "F" else male
        first = pool[counters[sex] % len(pool)]
        counters[sex] += 1
        usage = ""
        if sex == "F" and index % 4 == 3:
            usage = USAGE_NAMES[counters["usage"] % len(USAGE_NAMES)]
            counters["usage"] += 1
        result.append(Identity(index, entry, sex, first, last_names[index], usage))
    return result


@dataclass
class SeedReport:
    created: int = 0
    skipped: int = 0
    per_organisation: dict[str, dict[str, int]] = field(default_factory=dict)


# --- The cast, person by person --------------------------------------------------------------


class PersonSeeder:
    def __init__(self, seeder: DemoSeeder, identity: Identity):
        self.seeder = seeder
        self.identity = identity
        self.entry = identity.entry
        self.options = identity.entry.options
        self.state = identity.entry.state
        self.profile: Profile = PROFILES[identity.entry.profile]
        self.rng = seeded_random(identity.index, "life")
        self.today = seeder.today
        self.org_key = identity.entry.organisation
        self.organisation = seeder.organisations[self.org_key]
        self.referent = (
            seeder.users[REFERENTS[identity.entry.referent]] if identity.entry.referent else None
        )
        self.actor = self.referent or seeder.users[MANAGERS[self.org_key]]
        self.female = identity.sex == "F"
        self.scheme = self.profile.schemes.get(self.org_key, Scheme.OTHER)
        self.rhythm = 4 if self.scheme == Scheme.IAE else 3
        self.context = {
            "civ": "Mme" if self.female else "M.",
            "nom": identity.usage_name or identity.birth_name,
            "il": "elle" if self.female else "il",
            "Il": "Elle" if self.female else "Il",
            "e": "e" if self.female else "",
            "metier": gendered(self.rng.choice(self.profile.jobs), self.female),
            "employeur": self.rng.choice(EMPLOYERS),
        }
        self.person: Person | None = None
        self.pathway: Pathway | None = None
        self.intake: dt.date = self.today
        self.note_dates: list[dt.date] = []
        self._queues: dict[tuple[str, ...], list[str]] = {}

    # -- text ------------------------------------------------------------------------------

    def text(self, template: str) -> str:
        return gendered(template.format(**self.context), self.female)

    def pick(self, items):
        return self.rng.choice(items)

    def next_of(self, items: tuple[str, ...]) -> str:
        """The items in a shuffled order, each used once before any comes back (so that a
        record does not read the same call three times)."""
        queue = self._queues.setdefault(items, [])
        if not queue:
            queue.extend(self.rng.sample(items, len(items)))
        return queue.pop()

    def days_ago(self, low: int, high: int) -> dt.date:
        return weekday_before(self.today - dt.timedelta(days=self.rng.randint(low, high)))

    # -- the whole record --------------------------------------------------------------------

    def seed(self) -> Person:
        state = self.state
        if state == State.INTAKE_ONLY:
            intake = self.days_ago(3, 10)
            self.open_record(intake)
            self.upcoming_appointment("Diagnostic partagé", None, days=(3, 10))
        elif state == State.DIAGNOSTIC_ONLY:
            intake = self.days_ago(9, 16)
            self.open_record(intake)
            assessed = self.days_ago(2, 6)
            self.diagnostics([assessed], validated=False)
            self.note(
                assessed,
                NoteKind.INTERVIEW,
                "Diagnostic partagé réalisé avec {civ} {nom}, domaine par domaine. Il lui sera "
                "relu au prochain rendez-vous avant de construire le parcours ensemble.",
            )
            self.appointment(assessed, "Diagnostic partagé", Participation.SEEN, minutes=90)
            self.upcoming_appointment("Construction du parcours", None, days=(2, 8))
        elif state == State.RETURNED:
            self.seed_returned()
        else:
            self.seed_with_pathway()
        self.backdate()
        return self.person

    def seed_with_pathway(self) -> None:
        state, options = self.state, self.options
        today = self.today
        reviews_count = options.get("reviews", 0)
        exit_info = None
        bound = None
        if state in (State.NEW, State.NEW_DRAFT):
            start = weekday_before(today - dt.timedelta(days=options.get("anchor", 7)))
            reviews: list[dt.date] = []
            intake = weekday_before(start - dt.timedelta(days=self.rng.randint(2, 6)))
        else:
            if state == State.CLOSED:
                category = options["exit"]
                exited_on = weekday_before(today - dt.timedelta(days=options["exit_ago"]))
                with_review = category not in (ExitCategory.MOVED, ExitCategory.LOST_CONTACT)
                last = (
                    exited_on
                    if with_review
                    else weekday_before(exited_on - dt.timedelta(days=self.rng.randint(45, 70)))
                )
                if category == ExitCategory.LOST_CONTACT:
                    bound = last + dt.timedelta(days=self.rng.randint(10, 20))
                exit_info = (exited_on, category, with_review)
            elif state == State.REVIEW_OVERDUE:
                last = weekday_before(
                    add_months(today, -self.rhythm) - dt.timedelta(days=self.rng.randint(10, 35))
                )
            elif state == State.NO_CONTACT_30:
                last = self.days_ago(36, 50)
                bound = last
            elif state == State.NO_CONTACT_60:
                last = weekday_before(
                    today - dt.timedelta(days=options.get("anchor", self.rng.randint(68, 110)))
                )
                bound = last
            else:
                last = weekday_before(
                    today - dt.timedelta(days=options.get("anchor", self.rng.randint(15, 70)))
                )
            start = add_months(last, -self.rhythm * reviews_count)
            reviews = [
                weekday_before(add_months(start, self.rhythm * i))
                for i in range(1, reviews_count + 1)
            ]
            intake = weekday_before(start - dt.timedelta(days=self.rng.randint(7, 25)))
        self.open_record(intake)
        diagnostic_dates = self.diagnostic_dates(intake, reviews, exit_info)
        diagnostics = self.diagnostics(
            diagnostic_dates, validated=state != State.NEW_DRAFT or len(diagnostic_dates) > 1
        )
        self.build_pathway(
            start=start,
            reviews=reviews,
            diagnostics=dict(zip(diagnostic_dates, diagnostics, strict=True)),
            exit_info=exit_info,
            bound=bound,
            active=state in ACTIVE_STATES,
        )

    def seed_returned(self) -> None:
        """A first pathway closed for lost contact more than a year ago; the person came
        back a few weeks ago and a new pathway started."""
        start1 = self.days_ago(520, 600)
        intake1 = weekday_before(start1 - dt.timedelta(days=self.rng.randint(7, 15)))
        review1 = weekday_before(add_months(start1, self.rhythm))
        exited1 = weekday_before(review1 + dt.timedelta(days=self.rng.randint(100, 130)))
        self.open_record(intake1)
        first_diagnostic = self.diagnostics([intake1], latest=False)[0]
        self.build_pathway(
            start=start1,
            reviews=[review1],
            diagnostics={intake1: first_diagnostic},
            exit_info=(exited1, ExitCategory.LOST_CONTACT, False),
            bound=review1 + dt.timedelta(days=self.rng.randint(15, 25)),
            active=False,
        )
        self.pathway = None
        intake2 = self.days_ago(75, 90)
        start2 = weekday_before(intake2 + dt.timedelta(days=self.rng.randint(5, 10)))
        self.note(
            intake2,
            NoteKind.INTERVIEW,
            "{civ} {nom} revient au CCAS après plus d'un an sans contact. Situation de nouveau "
            "sans hébergement. Nouveau diagnostic réalisé ; reprise de l'accompagnement "
            "proposée et acceptée.",
        )
        self.appointment(intake2, "Entretien d'accueil", Participation.SEEN)
        second = self.diagnostics([intake2], previous=first_diagnostic, latest=True)[0]
        self.build_pathway(
            start=start2,
            reviews=[],
            diagnostics={intake2: second},
            exit_info=None,
            bound=None,
            active=True,
        )

    # -- intake --------------------------------------------------------------------------------

    def open_record(self, intake: dt.date) -> None:
        ident, profile, rng = self.identity, self.profile, self.rng
        age = rng.randint(*profile.ages)
        birth = dt.date(self.today.year - age, self.today.month, min(self.today.day, 28))
        birth -= dt.timedelta(days=rng.randint(1, 360))
        household = rng.choice(profile.households)
        children: list[int] = []
        if household in (Household.ALONE_WITH_CHILDREN, Household.COUPLE_WITH_CHILDREN):
            oldest = max(0, min(16, age - 19))
            children = sorted(rng.randint(0, oldest) for _ in range(rng.randint(1, 3)))
            if profile.key == "parent_solo":
                children[0] = rng.randint(0, 2)
                children.sort()
        languages, french_level = rng.choice(profile.languages)
        licence, vehicle = rng.choice(profile.licences)
        commune_key = rng.choice(ORGANISATION_COMMUNES[self.org_key])
        commune_code, postal_code = COMMUNES[commune_key]
        address = f"{rng.randint(2, 180)} {rng.choice(STREETS)}"
        if profile.key == "sans_abri":
            address = ""
        elif profile.key == "violences":
            address = "Adresse confidentielle (hébergement d'urgence)"
        number = (ident.index * 37 + 11) % 10000
        phone = f"06 39 98 {number // 100:02d} {number % 100:02d}" if rng.random() > 0.08 else ""
        email = ""
        if rng.random() < 0.55:
            email = (
                f"{ascii_slug(ident.first_names)}.{ascii_slug(ident.birth_name)}"
                f"@{rng.choice(EMAIL_DOMAINS)}"
            )
        france_travail_id = ""
        if rng.random() < profile.france_travail_id:
            france_travail_id = (
                f"{rng.randint(1000000, 9999999)}{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
            )
        data = {
            "birth_name": ident.birth_name,
            "usage_name": ident.usage_name,
            "first_names": ident.first_names,
            "birth_date": birth,
            "sex": ident.sex,
            "phone": phone,
            "email": email,
            "address": address,
            "postal_code": postal_code,
            "commune_code": commune_code,
            "france_travail_id": france_travail_id,
            "household": household,
            "children_ages": children,
            "resources": list(rng.choice(profile.resources)),
            "education_level": rng.choice(profile.education),
            "languages": languages,
            "french_level": french_level,
            "driving_licence": licence,
            "has_vehicle": vehicle,
            "rqth": profile.rqth,
            "administrative_status": rng.choice(profile.statuses),
        }
        self.person = people_services.person_create(
            organisation=self.organisation, actor=self.actor, data=data, referent=self.referent
        )
        self.intake = intake
        self.consents(intake)
        self.life_events(intake)
        self.documents(intake)
        self.note(
            intake,
            NoteKind.INTERVIEW,
            f"Premier entretien, sur orientation {profile.orientation}. Situation exposée : "
            f"{profile.summary}. Présentation de l'accompagnement et recueil du consentement. "
            "Prochain rendez-vous fixé pour le diagnostic partagé.",
        )
        self.appointment(intake, "Entretien d'accueil", Participation.SEEN)

    def pdf(self, name: str, title: str, lines: list[str]) -> SimpleUploadedFile:
        person_line = f"{self.identity.first_names} {self.context['nom'].upper()}"
        content = simple_pdf(title, [person_line, *lines, "Document fictif — démonstration Relais"])
        return SimpleUploadedFile(name, content, content_type="application/pdf")

    def consents(self, intake: dt.date) -> None:
        person, rng = self.person, self.rng
        witness = WITNESSES[self.org_key]

        def give(purpose: str, **extra):
            signed = rng.random() < 0.35
            if signed:
                label = ConsentPurpose(purpose).label
                extra["signed_file"] = self.pdf(
                    f"consentement-{purpose}.pdf",
                    "Formulaire de consentement",
                    [f"Objet : {label}", f"Signé le {intake:%d/%m/%Y}"],
                )
            return people_services.consent_give(
                person=person,
                actor=self.actor,
                purpose=purpose,
                decided_on=intake,
                method=ConsentMethod.SIGNED_FORM if signed else ConsentMethod.ORAL_WITH_WITNESS,
                witness_name="" if signed else witness,
                **extra,
            )

        give(ConsentPurpose.ACCOMPANIMENT)
        if self.state == State.INTAKE_ONLY:
            return
        sms = None
        if person.phone and rng.random() < 0.7:
            sms = give(ConsentPurpose.CONTACT_SMS)
        if person.email and rng.random() < 0.4:
            give(ConsentPurpose.CONTACT_EMAIL)
        if rng.random() < 0.35:
            partner_key = {"ccas": "plie", "plie": "aci", "aci": "plie"}[self.org_key]
            give(
                ConsentPurpose.SHARE_ORGANISATION,
                partner_organisation=self.seeder.organisations[partner_key],
            )
        if rng.random() < 0.3:
            category = {
                "sante_rqth": OrganisationKind.CAP_EMPLOI,
                "jeune": OrganisationKind.MISSION_LOCALE,
                "rsa_isolement": OrganisationKind.DEPARTEMENT,
                "parent_solo": OrganisationKind.DEPARTEMENT,
            }.get(self.profile.key, OrganisationKind.FRANCE_TRAVAIL)
            give(ConsentPurpose.SHARE_CATEGORY, partner_category=category)
        if sms is not None and self.identity.index % 9 == 4:
            withdrawn_on = min(self.today, intake + dt.timedelta(days=rng.randint(20, 60)))
            people_services.consent_withdraw(
                consent=sms,
                actor=self.actor,
                decided_on=withdrawn_on,
                method=ConsentMethod.ORAL_WITH_WITNESS,
                witness_name=witness,
            )

    def life_events(self, intake: dt.date) -> None:
        events = [e for e in self.profile.events if self.rng.random() < 0.8] or [
            self.profile.events[0]
        ]
        earliest = self.person.birth_date + dt.timedelta(days=16 * 365)
        for spec in events:
            months = self.rng.randint(*spec.months_before)
            occurred = intake - dt.timedelta(days=months * 30 + self.rng.randint(0, 20))
            if months == 0:
                occurred = intake
            occurred = min(self.today, max(occurred, earliest))
            people_services.life_event_add(
                person=self.person,
                actor=self.actor,
                kind=spec.kind,
                occurred_on=occurred,
                is_rupture=spec.is_rupture,
                description=self.text(spec.description),
            )

    def documents(self, intake: dt.date) -> None:
        key, rng = self.profile.key, self.rng
        if key == "primo_arrivant":
            expires = self.today + dt.timedelta(days=rng.randint(-20, 300))
            people_services.document_upload(
                person=self.person,
                actor=self.actor,
                uploaded_file=self.pdf(
                    "titre-de-sejour.pdf",
                    "Titre de séjour (copie)",
                    [f"Valable jusqu'au {expires:%d/%m/%Y}"],
                ),
                kind=DocumentKind.RESIDENCE_PERMIT,
                title="Titre de séjour",
                expires_on=expires,
            )
        if key in ("senior", "salarie_aci", "jeune", "sante_rqth") and rng.random() < 0.6:
            people_services.document_upload(
                person=self.person,
                actor=self.actor,
                uploaded_file=self.pdf("cv.pdf", "Curriculum vitae", [self.context["metier"]]),
                kind=DocumentKind.CV,
                title="CV",
            )
        if rng.random() < 0.25:
            expires = self.today + dt.timedelta(days=rng.randint(200, 3000))
            people_services.document_upload(
                person=self.person,
                actor=self.actor,
                uploaded_file=self.pdf(
                    "piece-identite.pdf",
                    "Pièce d'identité (copie)",
                    [f"Expire le {expires:%d/%m/%Y}"],
                ),
                kind=DocumentKind.IDENTITY,
                title="Carte d'identité",
                expires_on=expires,
            )

    # -- diagnostics -------------------------------------------------------------------------

    def diagnostic_dates(self, intake, reviews, exit_info) -> list[dt.date]:
        eligible = list(reviews)
        if exit_info is not None and exit_info[2]:
            eligible = eligible[:-1]
        wanted = self.options.get("diagnostics", 1 + self.rng.choice((0, 0, 1)))
        extra = max(0, min(wanted - 1, len(eligible)))
        if extra == 0:
            return [intake]
        if extra == 1:
            return [intake, eligible[-1]]
        return [intake, eligible[0], eligible[-1]]

    def diagnostics(
        self,
        dates: list[dt.date],
        *,
        validated: bool = True,
        previous: Diagnostic | None = None,
        latest: bool = True,
    ) -> list[Diagnostic]:
        # Getting worse: the WORSEN cast, and a person who comes back after losing contact.
        worsen = self.state == State.WORSEN or previous is not None
        levels = {}
        if previous is not None:
            levels = {a.domain: a.difficulty for a in previous.assessments.all()}
        created = []
        for position, assessed_on in enumerate(dates):
            first = position == 0 and previous is None
            is_latest = latest and position == len(dates) - 1
            assessments = []
            for spec in self.profile.domains:
                before = levels.get(spec.domain)
                if before is None:
                    low = 1 if spec.difficulty else 0  # a described difficulty is not "none"
                    level = min(3, max(low, spec.difficulty + self.rng.choice((0, 0, 0, -1, 1))))
                    situation = self.text(spec.situation)
                elif worsen:
                    level = min(3, before + self.rng.choice((0, 1, 1)))
                    situation = self.text(
                        spec.situation
                        + " "
                        + (
                            texts.SETBACK[spec.domain]
                            if level > before
                            else "Depuis le dernier diagnostic : situation inchangée."
                        )
                    )
                else:
                    level = max(0, before - self.rng.choice((0, 1, 1)))
                    situation = self.text(
                        spec.situation
                        + " "
                        + (
                            texts.PROGRESS[spec.domain]
                            if level < before
                            else "Depuis le dernier diagnostic : situation inchangée."
                        )
                    )
                levels[spec.domain] = level
                assessments.append(
                    AssessmentInput(
                        domain=spec.domain,
                        situation=situation,
                        difficulty=level,
                        strengths=self.text(spec.strengths),
                        barriers=spec.barriers if level > 0 else (),
                        person_words=self.text(spec.words) if first or is_latest else "",
                    )
                )
            facts = {}
            if (
                first
                or (is_latest and self.options.get("urgent_now"))
                or (is_latest and self.state == State.RETURNED)
            ):
                facts = dict(self.profile.urgency)
                if self.profile.eviction_in_days:
                    facts["eviction_on"] = assessed_on + dt.timedelta(
                        days=self.profile.eviction_in_days
                    )
            if is_latest and self.options.get("health"):
                facts["health_emergency"] = True
            data = DiagnosticInput(
                assessed_on=assessed_on,
                assessments=tuple(assessments),
                person_expectations=self.profile.expectations,
                **facts,
            )
            override = self.options.get("override") if is_latest else None
            if override:
                suggested, _ = urgency_rules.suggest(data.facts())
                retained = (
                    max(Urgency.NONE, suggested - 1)
                    if override == "down"
                    else min(Urgency.IMMEDIATE, suggested + 1)
                )
                if retained != suggested:
                    data = replace(
                        data,
                        urgency=int(retained),
                        urgency_override_reason=OVERRIDE_REASONS[override],
                    )
            if validated:
                validated_on = min(
                    self.today, assessed_on + dt.timedelta(days=self.rng.randint(0, 6))
                )
                data = replace(data, validated_with_person_on=validated_on)
            created.append(diagnostic_create(person=self.person, author=self.actor, data=data))
        return created

    # -- pathway ---------------------------------------------------------------------------

    def build_pathway(
        self,
        *,
        start: dt.date,
        reviews: list[dt.date],
        diagnostics: dict[dt.date, Diagnostic],
        exit_info,
        bound: dt.date | None,
        active: bool,
    ) -> Pathway:
        today, rng = self.today, self.rng
        pathway = pathway_services.pathway_create(
            person=self.person,
            actor=self.actor,
            scheme=self.scheme,
            referent=self.referent or self.actor,
            started_on=start,
            scheme_detail=self.options.get("scheme_detail", SCHEME_DETAILS[self.scheme]),
            review_every_months=self.rhythm,
        )
        self.pathway = pathway
        self.add_goals(self.profile.goals, start)
        signed_on = min(today - dt.timedelta(days=1), start + dt.timedelta(days=rng.randint(0, 6)))
        if reviews:
            signed_on = min(signed_on, reviews[0] - dt.timedelta(days=1))
        signed_on = max(signed_on, start)
        overdue_step = None
        if not reviews and active:
            self.add_upcoming()
            overdue_step = self.add_overdue(after=start)
        self.contract(signed_on, sign=self.state != State.NEW_DRAFT or not active)
        self.note(
            signed_on,
            NoteKind.INTERVIEW,
            "Construction du parcours avec {civ} {nom} : objectifs et étapes définis ensemble, "
            "contrat d'engagement relu puis signé.",
        )
        self.appointment(signed_on, "Construction du parcours", Participation.SEEN, minutes=60)
        milestones = [signed_on]
        for position, held_on in enumerate(reviews):
            is_last = position == len(reviews) - 1
            exit_review = exit_info is not None and exit_info[2] and is_last
            self.contacts(milestones[-1], held_on, bound)
            self.settle(until=held_on, mode="review")
            results, summary = self.results(held_on, exit_info if exit_review else None)
            later = self.profile.later_goals if position == 0 and not exit_review else ()
            adjustments = (
                "Nouvel objectif ajouté : " + "; ".join(self.text(g.text) for g in later) + "."
                if later
                else "Échéances ajustées ; plan d'action reconduit."
            )
            if exit_review:
                adjustments = "Bilan de sortie : pas d'ajustement, le parcours se termine."
            review = review_services.review_record(
                pathway=pathway,
                actor=self.actor,
                held_on=held_on,
                results=results,
                adjustments=adjustments,
                risks=self.pick(texts.RISKS),
                success_factors=self.pick(texts.SUCCESS_FACTORS),
                person_view=self.text(self.pick(texts.PERSON_VIEWS)),
                diagnostic=diagnostics.get(held_on),
            )
            self.appointment(held_on, "Bilan de parcours", Participation.SEEN, minutes=60)
            if not exit_review:
                self.note(
                    held_on,
                    NoteKind.INTERVIEW,
                    f"Bilan de parcours avec {{civ}} {{nom}}. {summary} "
                    f"{self.next_of(self.profile.updates)} "
                    f"Prochain bilan prévu le {review.next_review_on:%d/%m/%Y}.",
                )
            self.add_goals(later, held_on)
            if is_last and active:
                next_goal = None
                if not later and not pathway.goals.filter(status=GoalStatus.IN_PROGRESS).exists():
                    next_goal = self.add_goals((NEXT_PHASE,), held_on)[0]
                self.add_upcoming(goal=next_goal)
                overdue_step = self.add_overdue(after=held_on)
            if self.terms_changed():
                self.contract(
                    min(
                        today - dt.timedelta(days=1), held_on + dt.timedelta(days=rng.randint(0, 4))
                    )
                )
            milestones.append(held_on)
        end = exit_info[0] if exit_info else today
        if not (exit_info and exit_info[2]):
            self.contacts(milestones[-1], end, bound)
        if active:
            if bound is None:
                self.recent_note()
                self.settle(until=today - dt.timedelta(days=1), mode="final", keep=overdue_step)
            else:
                self.settle(until=bound, mode="final", keep=overdue_step)
                self.settle(until=today - dt.timedelta(days=1), mode="silent", keep=overdue_step)
            self.start_imminent_steps()
            self.upcoming_appointment(
                "Bilan de parcours" if self.state == State.REVIEW_OVERDUE else None,
                pathway,
                days=(2, 15),
            )
            if self.state == State.CONTRACT_TO_RENEW:
                spec = self.profile.added_goal
                goal_services.goal_create(
                    pathway=pathway,
                    actor=self.actor,
                    text=self.text(spec.text),
                    domain=spec.domain,
                    indicator=self.text(spec.indicator),
                    target=self.text(spec.target),
                    deadline=add_months(today, spec.months or 3),
                )
                self.note(
                    self.days_ago(1, 5),
                    NoteKind.PHONE,
                    "Appel de {civ} {nom} : souhaite ajouter un objectif à son parcours. "
                    "Objectif noté ; le contrat d'engagement sera mis à jour au prochain "
                    "rendez-vous.",
                )
        if exit_info is not None:
            self.close(exit_info, bound)
        return pathway

    def add_goals(self, specs: tuple[GoalSpec, ...], on: dt.date) -> list[Goal]:
        goals = []
        for spec in specs:
            goal = goal_services.goal_create(
                pathway=self.pathway,
                actor=self.actor,
                text=self.text(spec.text),
                domain=spec.domain,
                indicator=self.text(spec.indicator),
                target=self.text(spec.target),
                deadline=add_months(on, spec.months) if spec.months else None,
            )
            for step in spec.steps:
                self.add_step(step, on + dt.timedelta(days=step.offset), goal=goal)
            goals.append(goal)
        return goals

    def add_step(
        self, spec: StepSpec, planned_on: dt.date, *, goal=None, status=StepStatus.PLANNED
    ):
        return step_services.step_create(
            pathway=self.pathway,
            actor=self.actor,
            kind=spec.kind,
            title=self.text(spec.title),
            goal=goal,
            owner=spec.owner,
            owner_name=spec.owner_name.format(**self.context),
            planned_on=planned_on,
            status=status,
        )

    def add_upcoming(self, goal: Goal | None = None) -> None:
        for spec in self.profile.upcoming:
            planned = weekday_after(self.today + dt.timedelta(days=spec.offset))
            self.add_step(spec, planned, goal=goal)

    def add_overdue(self, *, after: dt.date) -> Step | None:
        if self.state != State.STEP_OVERDUE:
            return None
        spec = self.profile.overdue
        planned = max(after + dt.timedelta(days=1), self.today - dt.timedelta(days=spec.offset))
        planned = min(planned, self.today - dt.timedelta(days=1))
        return self.add_step(
            spec, planned, status=self.pick((StepStatus.PLANNED, StepStatus.IN_PROGRESS))
        )

    def settle(self, *, until: dt.date, mode: str, keep: Step | None = None) -> None:
        """Steps whose date has come are done (mostly), set aside or, before a review,
        sometimes abandoned. In "final" mode nothing changes the contract's terms; in
        "silent" mode (no news from the person) they wait."""
        steps = Step.objects.filter(
            pathway=self.pathway,
            status__in=(StepStatus.PLANNED, StepStatus.IN_PROGRESS),
            planned_on__lte=until,
        ).order_by("planned_on", "pk")
        if keep is not None:
            steps = steps.exclude(pk=keep.pk)
        for step in steps:
            roll = self.rng.random()
            done_on = None
            if mode == "silent":
                status, outcome = StepStatus.ON_HOLD, "En attente de nouvelles de la personne."
            elif mode == "review" and roll < 0.08:
                status, outcome = StepStatus.ABANDONED, self.pick(texts.STEP_ABANDONED)
            elif roll > 0.92:
                status, outcome = StepStatus.ON_HOLD, "En attente de la réponse du partenaire."
            else:
                status, outcome = StepStatus.DONE, texts.STEP_OUTCOMES[step.kind]
                done_on = min(until, step.planned_on + dt.timedelta(days=self.rng.randint(0, 3)))
            step_services.step_change_status(
                step=step,
                actor=self.actor,
                expected_version=step.version,
                status=status,
                done_on=done_on,
                outcome=outcome,
            )

    def start_imminent_steps(self) -> None:
        soon = self.today + dt.timedelta(days=45)
        steps = Step.objects.filter(
            pathway=self.pathway,
            status=StepStatus.PLANNED,
            kind__in=(StepKind.TRAINING, StepKind.IMMERSION, StepKind.WORKSHOP),
            planned_on__gte=self.today,
            planned_on__lte=soon,
        )
        for step in steps:
            if self.rng.random() < 0.6:
                step_services.step_change_status(
                    step=step,
                    actor=self.actor,
                    expected_version=step.version,
                    status=StepStatus.IN_PROGRESS,
                )

    def results(self, held_on: dt.date, exit_info) -> tuple[dict, str]:
        """The result of every goal in progress, and the sentence the review note says."""
        results = {}
        tally: Counter = Counter()
        goals = Goal.objects.filter(pathway=self.pathway, status=GoalStatus.IN_PROGRESS).order_by(
            "pk"
        )
        open_statuses = (StepStatus.PLANNED, StepStatus.IN_PROGRESS, StepStatus.ON_HOLD)
        for goal in goals.prefetch_related("steps"):
            steps = list(goal.steps.all())
            pending = [s for s in steps if s.status in open_statuses]
            roll = self.rng.random()
            if exit_info is not None:
                # A dynamic exit reaches the employment goals; the others are where they are.
                dynamic = exit_info[1] in DYNAMIC_EXITS
                reached = dynamic and (goal.domain == Domain.EMPLOYMENT or roll < 0.7)
                result = GoalResult.ACHIEVED if reached else GoalResult.PARTLY
            elif not (goal.indicator and goal.deadline) and roll < 0.25:
                # A goal never made measurable is sometimes dropped at a review.
                result = GoalResult.ABANDONED
            elif steps and not pending:
                result = GoalResult.ACHIEVED if roll < 0.85 else GoalResult.PARTLY
            elif goal.deadline and goal.deadline <= held_on and roll < 0.5:
                result = GoalResult.NOT_ACHIEVED
            else:
                result = GoalResult.PARTLY
            gap = "" if result == GoalResult.ACHIEVED else self.pick(texts.GAPS[result])
            results[goal.pk] = review_services.GoalOutcome(result=result, gap=gap)
            tally[result] += 1
        parts = [
            f"{tally[r]} {label}"
            for r, label in (
                (GoalResult.ACHIEVED, "atteint(s)"),
                (GoalResult.PARTLY, "partiellement atteint(s)"),
                (GoalResult.NOT_ACHIEVED, "non atteint(s)"),
                (GoalResult.ABANDONED, "retiré(s) d'un commun accord"),
            )
            if tally[r]
        ]
        summary = (
            "Objectifs repris un par un : " + ", ".join(parts) + "."
            if parts
            else "Pas d'objectif en cours à examiner."
        )
        return results, summary

    def terms_changed(self) -> bool:
        pathway = Pathway.objects.prefetch_related("goals", "steps", "contracts").get(
            pk=self.pathway.pk
        )
        return selectors.contract_needs_renewal(pathway)

    def contract(self, on: dt.date, *, sign: bool = True) -> Contract:
        commitments_person, commitments_organisation = contract_services.default_commitments(
            self.pathway
        )
        contract = contract_services.contract_generate(
            pathway=self.pathway,
            actor=self.actor,
            commitments_person=commitments_person,
            commitments_organisation=commitments_organisation,
        )
        if sign:
            contract_services.contract_sign(
                contract=contract,
                actor=self.actor,
                signed_on=self.today,
                signature_mode=self.pick(
                    (SignatureMode.HANDWRITTEN,) * 3 + (SignatureMode.ELECTRONIC,)
                ),
            )
            # A version is signed on or after the day it is drawn up: both move back together.
            Contract.objects.filter(pk=contract.pk).update(created_at=aware(on, 10), signed_on=on)
        else:
            Contract.objects.filter(pk=contract.pk).update(created_at=aware(on, 10))
        return contract

    def close(self, exit_info, bound: dt.date | None) -> None:
        exited_on, category, _with_review = exit_info
        if bound is not None:
            self.settle(until=bound, mode="final")
        self.settle(until=exited_on, mode="silent" if bound is not None else "final")
        pathway = Pathway.objects.get(pk=self.pathway.pk)
        comment = self.text(texts.EXIT_COMMENTS[category])
        # The goals still in progress: reached on a dynamic exit, else abandoned.
        settled = GoalStatus.ACHIEVED if category in DYNAMIC_EXITS else GoalStatus.ABANDONED
        pathway_services.pathway_exit(
            pathway=pathway,
            actor=self.actor,
            expected_version=pathway.version,
            exited_on=exited_on,
            category=category,
            comment=comment,
            confirm_in_progress=True,
            goal_outcomes={
                pk: settled
                for pk in pathway.goals.filter(status=GoalStatus.IN_PROGRESS).values_list(
                    "pk", flat=True
                )
            },
        )
        kind = NoteKind.PHONE if category == ExitCategory.MOVED else NoteKind.INTERVIEW
        self.note(exited_on, kind, texts.EXIT_NOTES[category])
        if category == ExitCategory.MOVED:
            self.appointment(
                exited_on - dt.timedelta(days=20), "Entretien de suivi", Participation.SEEN
            )
        if category in (ExitCategory.SUSTAINABLE_EMPLOYMENT, ExitCategory.TRANSITION_EMPLOYMENT):
            people_services.life_event_add(
                person=self.person,
                actor=self.actor,
                kind=LifeEventKind.EMPLOYMENT,
                occurred_on=exited_on,
                is_rupture=False,
                description=comment,
            )
        elif category == ExitCategory.POSITIVE:
            people_services.life_event_add(
                person=self.person,
                actor=self.actor,
                kind=LifeEventKind.TRAINING,
                occurred_on=exited_on,
                is_rupture=False,
                description="Entrée en formation qualifiante.",
            )
        follow_up = texts.FOLLOW_UPS.get(category)
        if follow_up and (self.today - exited_on).days > 14:
            on = weekday_before(
                min(self.today, exited_on + dt.timedelta(days=self.rng.randint(12, 30)))
            )
            self.note(on, NoteKind.PHONE, follow_up)

    # -- contacts ----------------------------------------------------------------------------

    def contacts(self, start: dt.date, end: dt.date, bound: dt.date | None) -> None:
        """Notes and appointments between two milestones: calls, follow-up interviews and
        a few appointments the person attended, excused or missed."""
        span = (end - start).days
        if span < 8:
            return
        home_visits = self.profile.key in ("rsa_isolement", "expulsion", "sante_rqth")
        for _ in range(self.rng.choice((1, 1, 2))):
            on = weekday_before(start + dt.timedelta(days=self.rng.randint(3, span - 3)))
            if bound is not None and on > bound:
                continue
            roll = self.rng.random()
            if roll < 0.5:
                body = (
                    f"Appel de {{civ}} {{nom}} pour {self.next_of(self.profile.news)}. "
                    f"{self.pick(texts.CALL_ENDINGS)}"
                )
                self.note(on, NoteKind.PHONE, body)
            elif roll < 0.62 and home_visits:
                self.note(on, NoteKind.HOME_VISIT, texts.HOME_VISIT)
            else:
                self.note(
                    on,
                    NoteKind.INTERVIEW,
                    "Entretien de suivi. " + self.next_of(self.profile.updates),
                )
        on = weekday_before(start + dt.timedelta(days=self.rng.randint(3, span - 3)))
        if bound is not None and on > bound:
            participation = Participation.NO_SHOW
        else:
            participation = self.rng.choices(
                (
                    Participation.SEEN,
                    Participation.EXCUSED,
                    Participation.NO_SHOW,
                    Participation.CANCELLED,
                ),
                weights=(65, 15, 12, 8),
            )[0]
        self.appointment(on, self.pick(texts.APPOINTMENT_PURPOSES), participation)
        if self.identity.index % 4 == 1 and (bound is None or end <= bound):
            self.note(
                weekday_before(end - dt.timedelta(days=2)),
                NoteKind.OTHER,
                texts.PRIVATE_NOTE,
                visibility=NoteVisibility.AUTHOR,
            )

    def recent_note(self) -> None:
        last = max(self.note_dates) if self.note_dates else None
        if last is None or (self.today - last).days > 14:
            on = self.days_ago(2, 12)
            self.note(
                on, NoteKind.INTERVIEW, "Entretien de suivi. " + self.next_of(self.profile.updates)
            )
            self.appointment(on, "Entretien de suivi", Participation.SEEN)

    def note(
        self,
        on: dt.date,
        kind: str,
        body: str,
        *,
        visibility: str = NoteVisibility.ORGANISATION,
    ) -> Note:
        on = min(on, self.today)
        self.note_dates.append(on)
        return note_services.note_create(
            person=self.person,
            author=self.actor,
            kind=kind,
            occurred_on=on,
            body=self.text(body),
            visibility=visibility,
            pathway=self.pathway,
        )

    def appointment(
        self, on: dt.date, purpose: str, participation: str, *, minutes: int = 45, pathway=None
    ) -> Appointment:
        hour, minute = self.pick(APPOINTMENT_TIMES)
        appointment = note_services.appointment_create(
            person=self.person,
            actor=self.actor,
            starts_at=aware(on, hour, minute),
            purpose=purpose,
            with_user=self.actor,
            duration_minutes=minutes,
            location=LOCATIONS[self.org_key],
            pathway=pathway or self.pathway,
        )
        if participation != Participation.PLANNED:
            note_services.appointment_set_participation(
                appointment=appointment, actor=self.actor, participation=participation
            )
        return appointment

    def upcoming_appointment(self, purpose: str | None, pathway, *, days: tuple[int, int]) -> None:
        on = weekday_after(self.today + dt.timedelta(days=self.rng.randint(*days)))
        self.appointment(
            on,
            purpose or self.pick(texts.APPOINTMENT_PURPOSES),
            Participation.PLANNED,
            pathway=pathway,
        )
        if self.identity.index % 5 == 2:
            later = weekday_after(on + dt.timedelta(days=self.rng.randint(10, 25)))
            self.appointment(
                later, "Point sur les démarches", Participation.CANCELLED, pathway=pathway
            )

    # -- "as of" the past ---------------------------------------------------------------------

    def backdate(self) -> None:
        person, opened = self.person, self.intake
        Person.objects.filter(pk=person.pk).update(created_at=aware(opened, 9))
        Document.objects.filter(person=person).update(created_at=aware(opened, 11))
        # Events before the intake were told at the intake; later ones when they happened.
        events = LifeEvent.objects.filter(person=person)
        events.filter(occurred_on__lte=opened).update(created_at=aware(opened, 11))
        later = set(events.filter(occurred_on__gt=opened).values_list("occurred_on", flat=True))
        if later:
            events.filter(occurred_on__gt=opened).update(created_at=_on_the_day(later, 11))
        notes = Note.objects.filter(person=person)
        days = set(notes.values_list("occurred_on", flat=True))
        if days:
            notes.update(created_at=_on_the_day(days, 17, 30))


def _on_the_day(days: set[dt.date], hour: int, minute: int = 0) -> Case:
    """`created_at` = the row's `occurred_on` at hour:minute (one UPDATE for many rows)."""
    return Case(
        *(When(occurred_on=day, then=Value(aware(day, hour, minute))) for day in sorted(days)),
        output_field=DateTimeField(),
    )


# --- The whole demo ----------------------------------------------------------------------------


class DemoSeeder:
    def __init__(self, organisations: dict[str, Organisation], *, today: dt.date | None = None):
        self.organisations = organisations
        self.today = today or timezone.localdate()
        emails = set(REFERENTS.values()) | set(MANAGERS.values())
        self.users = {u.email: u for u in User.objects.filter(email__in=emails)}

    def run(self) -> SeedReport:
        report = SeedReport()
        people = identities()
        org_ids = {key: org.pk for key, org in self.organisations.items()}
        existing = set(
            Person.objects.filter(organisation_id__in=org_ids.values()).values_list(
                "organisation_id", "birth_name", "first_names"
            )
        )
        for identity in people:
            key = (org_ids[identity.entry.organisation], identity.birth_name, identity.first_names)
            if key in existing:
                report.skipped += 1
                continue
            PersonSeeder(self, identity).seed()
            report.created += 1
        report.per_organisation = demo_counts(self.organisations)
        return report


def demo_counts(organisations: dict[str, Organisation]) -> dict[str, dict[str, int]]:
    """What the demo organisations hold, for the command's summary and the tests."""
    counts = {}
    for key, org in organisations.items():
        persons = Person.objects.filter(organisation=org)
        pathways = Pathway.objects.filter(organisation=org)
        counts[key] = {
            "persons": persons.count(),
            "diagnostics": Diagnostic.objects.filter(person__organisation=org).count(),
            "pathways_active": pathways.active().count(),
            "pathways_closed": pathways.filter(status=PathwayStatus.CLOSED).count(),
            "goals": Goal.objects.filter(pathway__organisation=org).count(),
            "steps": Step.objects.filter(pathway__organisation=org).count(),
            "contracts": Contract.objects.filter(pathway__organisation=org).count(),
            "reviews": Review.objects.filter(pathway__organisation=org).count(),
            "notes": Note.objects.filter(person__organisation=org).count(),
            "appointments": Appointment.objects.filter(person__organisation=org).count(),
            "life_events": LifeEvent.objects.filter(person__organisation=org).count(),
            "documents": Document.objects.filter(person__organisation=org).count(),
        }
    return counts
