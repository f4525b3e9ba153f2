"""What the eligibility rules read: a person's facts (`PersonFacts`), made from the record.
`load_person_facts` is the only part of the eligibility that reads the database (a fixed
number of queries, plain values); everything else is pure functions of these facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PersonFacts:
    """What the rules read. `None` (or an empty value) means "not recorded"."""

    age: int
    resources: frozenset[str] = frozenset()  # empty: not filled in
    rqth: bool = False
    education_level: str = ""
    household: str = ""
    has_children: bool | None = None
    french_level: str = ""
    driving_licence: str = ""
    has_vehicle: bool = False
    administrative_status: str = ""
    commune_code: str = ""
    # France Travail registration: an identifiant in the record means "registered"; its
    # duration is not recorded in Relais (None).
    registered_jobseeker: bool | None = None
    jobseeker_months: int | None = None
    # Residence in a QPV / ZRR-FRR: no reference data in Relais yet (None: to check).
    resides_in_qpv: bool | None = None
    resides_in_zrr: bool | None = None
    # Latest diagnostic.
    has_diagnostic: bool = False
    barriers: frozenset[str] = frozenset()
    assessed_domains: frozenset[str] = frozenset()
    no_shelter_tonight: bool = False
    # Other records.
    life_events: frozenset[str] = frozenset()
    organisation_kind: str = ""
    active_schemes: frozenset[str] = frozenset()


def children_known(household: str, children_ages: Iterable) -> bool | None:
    """Has the person children, as far as the record tells?"""
    if list(children_ages or []):
        return True
    if household in {"alone_children", "couple_children"}:
        return True
    if household in {"alone", "couple"}:
        return False
    return None


def age_on(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def facts_from_person(
    person,
    *,
    today: date,
    diagnostic: dict | None = None,
    life_events: Iterable[str] = (),
    organisation_kind: str = "",
    active_schemes: Iterable[str] = (),
) -> PersonFacts:
    """Facts from a Person and what the caller read beside it: `diagnostic` is
    {"barriers": set, "domains": set, "no_shelter_tonight": bool} for the latest diagnostic
    (None: no diagnostic)."""
    return PersonFacts(
        age=age_on(person.birth_date, today),
        resources=frozenset(person.resources or []),
        rqth=bool(person.rqth),
        education_level=person.education_level or "",
        household=person.household or "",
        has_children=children_known(person.household or "", person.children_ages or []),
        french_level=person.french_level or "",
        driving_licence=person.driving_licence or "",
        has_vehicle=bool(person.has_vehicle),
        administrative_status=person.administrative_status or "",
        commune_code=person.commune_code or "",
        registered_jobseeker=bool(person.france_travail_id.strip()),
        has_diagnostic=diagnostic is not None,
        barriers=frozenset((diagnostic or {}).get("barriers", ())),
        assessed_domains=frozenset((diagnostic or {}).get("domains", ())),
        no_shelter_tonight=bool((diagnostic or {}).get("no_shelter_tonight", False)),
        life_events=frozenset(life_events),
        organisation_kind=organisation_kind,
        active_schemes=frozenset(active_schemes),
    )


def load_person_facts(
    person, *, organisation_kind: str = "", today: date | None = None
) -> PersonFacts:
    """The facts of `person` (already fetched, permission-checked and journaled by the
    caller): four queries whatever the size of the record (latest diagnostic, its
    assessments, life events and active pathways read as plain values, never as objects)."""
    from django.utils import timezone

    from relais.diagnostics.models import Diagnostic, DomainAssessment
    from relais.pathways.models import Pathway
    from relais.people.models import LifeEvent

    latest = (
        Diagnostic.objects.filter(person=person)
        .order_by("-assessed_on", "-id")
        .values("pk", "no_shelter_tonight")
        .first()
    )
    diagnostic = None
    if latest is not None:
        barriers: set[str] = set()
        domains: set[str] = set()
        for domain, difficulty, codes in DomainAssessment.objects.filter(
            diagnostic_id=latest["pk"]
        ).values_list("domain", "difficulty", "barriers"):
            barriers.update(codes or [])
            if difficulty is not None or codes:
                domains.add(domain)
        diagnostic = {
            "barriers": barriers,
            "domains": domains,
            "no_shelter_tonight": latest["no_shelter_tonight"],
        }
    life_events = LifeEvent.objects.filter(person=person).values_list("kind", flat=True).distinct()
    active_schemes = Pathway.objects.filter(person=person, status="active").values_list(
        "scheme", flat=True
    )
    return facts_from_person(
        person,
        today=today or timezone.localdate(),
        diagnostic=diagnostic,
        life_events=list(life_events),
        organisation_kind=organisation_kind,
        active_schemes=list(active_schemes),
    )
