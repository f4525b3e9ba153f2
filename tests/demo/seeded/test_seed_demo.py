"""The demo data (`manage.py seed_demo`, run by `make run`): it runs, is idempotent, and
gives every demo organisation a living caseload — persons with diagnostics, pathways at
every stage, reviews, notes, appointments and every caseload alert.

Seeding takes a few seconds: it is done once for the module, inside a transaction rolled
back at the end (each test still runs in its own savepoint)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from relais.accounts.middleware import SESSION_ORGANISATION_KEY
from relais.accounts.models import Membership, Organisation, Role, User
from relais.demo.accompaniment import demo_counts
from relais.demo.accompaniment.builder import identities
from relais.demo.accompaniment.cast import CAST, REFERENTS, State
from relais.demo.accounts import ORGANISATIONS, _siret
from relais.diagnostics.models import Diagnostic, DomainAssessment, Urgency
from relais.pathways import caseload
from relais.pathways.caseload import Alert, CaseloadFilters
from relais.pathways.collective_models import Registration
from relais.pathways.models import (
    DYNAMIC_EXITS,
    Appointment,
    Contract,
    Exit,
    ExitCategory,
    Goal,
    GoalStatus,
    Note,
    NoteVisibility,
    Participation,
    Pathway,
    PathwayStatus,
    Review,
    Scheme,
    Step,
    StepStatus,
)
from relais.pathways.selectors import ContractState, contract_state
from relais.pathways.writing_check import check_text
from relais.people.models import Consent, ConsentPurpose, ConsentStatus, LifeEvent, Person
from relais.projects.models import Enrolment
from tests.demo.seeded.seeding import COUNTERS
from tests.helpers import login_verified, page_text

pytestmark = pytest.mark.django_db

LYON_METROPOLE_COMMUNES = {
    "69123",
    "69266",
    "69259",
    "69290",
    "69029",
    "69256",
    "69199",
    "69286",
    "69149",
}


def _run_seed() -> str:
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def _all_counts() -> dict:
    organisations = {
        o.key: Organisation.objects.get(siret=_siret(o.siret_base)) for o in ORGANISATIONS
    }
    counts = demo_counts(organisations)
    counts["_totals"] = {
        "consents": Consent.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "organisations": Organisation.objects.count(),
        "assessments": DomainAssessment.objects.count(),
    }
    return counts


COUNTERS["demo"] = _all_counts


@pytest.fixture(scope="module")
def seeded(seed_runs):
    first, second = seed_runs
    return {
        "first": first.counts["demo"],
        "second": second.counts["demo"],
        "first_output": first.output,
        "second_output": second.output,
        "first_duration": first.duration,
        "second_duration": second.duration,
    }


def organisation(key: str) -> Organisation:
    spec = next(o for o in ORGANISATIONS if o.key == key)
    return Organisation.objects.get(siret=_siret(spec.siret_base))


def from_collectives():
    """Persons whose record was created at an information collective (the tools' demo):
    outside the cast, opened at reception, with no référent yet."""
    created = Registration.objects.filter(person__isnull=False).values("person_id")
    return Person.objects.filter(pk__in=created)


def demo_persons():
    """Seeded persons by their place in the cast."""
    by_key = {(p.organisation_id, p.birth_name, p.first_names): p for p in Person.objects.all()}
    orgs = {o.key: organisation(o.key).pk for o in ORGANISATIONS}
    return {
        i.index: by_key[(orgs[i.entry.organisation], i.birth_name, i.first_names)]
        for i in identities()
    }


# --- Runs, idempotent, fast --------------------------------------------------------------------


def test_seed_runs_and_second_run_changes_nothing(seeded):
    assert seeded["first"] == seeded["second"]
    assert "60 personne(s) accompagnée(s) fictive(s) créée(s)" in seeded["first_output"]
    assert "déjà présentes (60)" in seeded["second_output"]
    assert (
        sum(c["persons"] for k, c in seeded["first"].items() if k != "_totals")
        == len(CAST) + from_collectives().count()
    )


def test_demo_emails_summed_up_on_one_line_not_queued(seeded):
    # The demo's notices went to the console one by one (~1,750 lines after the logins).
    lines = [line for line in seeded["first_output"].splitlines() if "e-mail" in line]
    assert len(lines) == 1
    assert re.fullmatch(r"\d+ e-mail\(s\) de démonstration non envoyé\(s\) .*", lines[0])
    assert int(lines[0].split()[0]) > 10
    assert len(seeded["first_output"].splitlines()) < 20


def test_demo_notifications_start_read_and_answers_opened(seeded):
    from relais.network.referrals.models import ANSWER_STATUSES, Referral
    from relais.network.referrals.selectors import unseen_answers_q
    from relais.notifications.models import Notification

    assert Notification.objects.exists()
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    answered = Referral.objects.filter(status__in=ANSWER_STATUSES, answered_by_hand=False)
    assert answered.exists()
    for sender_id, organisation_id in answered.values_list("sender_id", "sender_organisation_id"):
        assert not Referral.objects.filter(unseen_answers_q(sender_id, organisation_id)).exists()


def test_second_run_only_looks(seeded):
    # Runs at every `make run`: once seeded, it checks which persons exist and stops (the
    # first run takes a few seconds on SQLite; not asserted here, machines vary).
    assert seeded["second_duration"] < seeded["first_duration"] / 3


def test_seed_refused_outside_development_without_force(seeded, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", stdout=StringIO())


def test_a_deleted_demo_person_comes_back_alone(seeded):
    persons = demo_persons()
    victim = persons[0]
    name = (victim.birth_name, victim.first_names)
    before = Person.objects.count()
    Appointment.objects.filter(person=victim).delete()
    Note.objects.filter(person=victim).delete()
    Pathway.objects.filter(person=victim).delete()
    Diagnostic.objects.filter(person=victim).delete()
    Consent.objects.filter(person=victim).update(supersedes=None)
    Consent.objects.filter(person=victim).delete()
    victim.documents.all().delete()
    victim.delete()
    output = _run_seed()
    assert "1 personne(s) accompagnée(s) fictive(s) créée(s), 59 déjà présente(s)." in output
    assert Person.objects.count() == before
    assert Person.objects.filter(birth_name=name[0], first_names=name[1]).count() == 1


def test_names_are_deterministic_and_unique():
    first, again = identities(), identities()
    assert [(i.birth_name, i.first_names, i.sex) for i in first] == [
        (i.birth_name, i.first_names, i.sex) for i in again
    ]
    assert len({i.birth_name for i in first}) == len(first)


# --- Realistic, fictitious persons in every organisation ----------------------------------


def test_persons_in_every_organisation(seeded):
    counts = seeded["first"]
    for spec in ORGANISATIONS:
        c = counts[spec.key]
        assert c["persons"] >= 14, spec.key
        for what in ("diagnostics", "pathways_active", "pathways_closed", "goals", "steps"):
            assert c[what] > 0, (spec.key, what)
        for what in ("contracts", "reviews", "notes", "appointments", "life_events", "documents"):
            assert c[what] > 0, (spec.key, what)
    assert 55 <= sum(counts[o.key]["persons"] for o in ORGANISATIONS) <= 65


def test_identity_is_plausible(seeded):
    today = timezone.localdate()
    persons = list(demo_persons().values())
    assert len(persons) == len(CAST)
    assert Person.objects.count() == len(CAST) + from_collectives().count()
    for person in persons:
        assert 18 <= person.age <= 64, person
        assert person.commune_code in LYON_METROPOLE_COMMUNES, person
        assert re.fullmatch(r"69\d{3}", person.postal_code)
        if person.phone:
            assert person.phone.startswith("06 39 98 "), person.phone  # ARCEP fiction range
        if person.email:
            assert person.email.rsplit("@", 1)[1] in ("example.org", "example.com", "example.net")
        assert person.created_at.date() < today  # the record was opened in the past
    assert {p.sex for p in persons} == {"F", "M"}
    assert sum(1 for p in persons if p.usage_name) >= 3
    assert sum(1 for p in persons if p.france_travail_id) >= 20
    assert sum(1 for p in persons if p.rqth) >= 3
    assert len({tuple(p.resources) for p in persons}) >= 8
    assert len({p.education_level for p in persons}) >= 5
    assert len({p.phone for p in persons if p.phone}) == sum(1 for p in persons if p.phone)


def test_referents_as_in_the_demo_accounts(seeded):
    persons = demo_persons()
    for identity in identities():
        person = persons[identity.index]
        expected = REFERENTS.get(identity.entry.referent)
        assert (person.referent.email if person.referent else None) == expected
        for pathway in person.pathways.all():
            assert pathway.referent.email == (expected or "responsable.ccas@relais.localhost")
    # One person registered at reception has no référent yet, nor those whose record was
    # created at an information collective.
    unassigned = Person.objects.filter(referent__isnull=True)
    assert unassigned.exclude(pk__in=from_collectives()).count() == 1
    assert from_collectives().exists() and set(from_collectives()) <= set(unassigned)


def test_consents_life_events_and_documents(seeded):
    for person in demo_persons().values():
        purposes = {c.purpose for c in person.consents.all() if c.status == ConsentStatus.GIVEN}
        assert ConsentPurpose.ACCOMPANIMENT in purposes, person
        assert person.life_events.exists(), person
    purposes = Counter(Consent.objects.values_list("purpose", flat=True))
    assert set(purposes) == set(ConsentPurpose.values)
    assert Consent.objects.filter(status=ConsentStatus.WITHDRAWN, supersedes__isnull=False).exists()
    assert Consent.objects.filter(method="signed_form", document__isnull=False).exists()
    kinds = set(LifeEvent.objects.values_list("kind", flat=True))
    assert {"job_loss", "separation", "eviction", "arrival", "violence", "illness"} <= kinds


# --- Diagnostics ------------------------------------------------------------------------------


def test_diagnostics_one_to_three_showing_evolution(seeded):
    per_person = Counter(Diagnostic.objects.values_list("person_id", flat=True))
    with_pathway = set(Pathway.objects.values_list("person_id", flat=True))
    assert with_pathway <= set(per_person)
    assert set(per_person.values()) == {1, 2, 3}
    went_down = went_up = False
    for person_id, n in per_person.items():
        if n < 2:
            continue
        diagnostics = list(
            Diagnostic.objects.filter(person_id=person_id)
            .order_by("assessed_on", "id")
            .prefetch_related("assessments")
        )
        total = [sum(a.difficulty or 0 for a in d.assessments.all()) for d in diagnostics]
        went_down |= total[-1] < total[0]
        went_up |= total[-1] > total[0]
    assert went_down and went_up


def test_urgent_situations_with_their_reasons(seeded):
    urgent = Diagnostic.objects.filter(urgency__gte=Urgency.HIGH)
    assert urgent.filter(urgency=Urgency.IMMEDIATE).exists()
    for diagnostic in urgent:
        assert diagnostic.urgency_reasons or diagnostic.urgency_override_reason
    reasons = " ".join(r for d in urgent for r in d.urgency_suggested and d.urgency_reasons)
    assert "hébergement ce soir" in reasons
    assert "Violences" in reasons
    assert "Expulsion prévue" in reasons
    overridden = [d for d in Diagnostic.objects.all() if d.is_overridden]
    assert overridden and all(d.urgency_override_reason for d in overridden)
    # Someone is urgent today, as shown in the caseload (latest diagnostic).
    latest = {}
    for d in Diagnostic.objects.order_by("person_id", "assessed_on", "id"):
        latest[d.person_id] = d.urgency
    assert sum(1 for u in latest.values() if u == Urgency.IMMEDIATE) >= 2


# --- Pathways ----------------------------------------------------------------------------------


def test_pathways_in_every_state(seeded):
    today = timezone.localdate()
    active = Pathway.objects.filter(status=PathwayStatus.ACTIVE)
    assert active.filter(next_review_on__lt=today).exists()  # review overdue
    assert active.filter(next_review_on__gte=today).exists()  # up to date
    assert Exit.objects.filter(category__in=DYNAMIC_EXITS).exists()
    assert Exit.objects.exclude(category__in=DYNAMIC_EXITS).exists()
    assert set(Exit.objects.values_list("category", flat=True)) == set(ExitCategory.values)
    assert set(Pathway.objects.values_list("scheme", flat=True)) >= {
        Scheme.RSA,
        Scheme.PLIE,
        Scheme.CEJ,
        Scheme.IAE,
    }
    for spec in ORGANISATIONS:
        org = organisation(spec.key)
        assert Pathway.objects.filter(organisation=org, status=PathwayStatus.ACTIVE).exists()
        assert Exit.objects.filter(pathway__organisation=org).exists()
    # A person came back after a pathway closed for lost contact.
    assert Person.objects.annotate(n=Count("pathways")).filter(n=2).exists()


def test_goals_steps_contracts_reviews(seeded):
    assert set(Step.objects.values_list("status", flat=True)) == set(StepStatus.values)
    assert set(Goal.objects.values_list("status", flat=True)) == set(GoalStatus.values)
    goals = list(Goal.objects.all())
    assert any(g.smart_gaps for g in goals) and any(not g.smart_gaps for g in goals)
    pathways = Pathway.objects.prefetch_related("goals", "steps", "contracts")
    states = Counter(contract_state(p) for p in pathways)
    assert states[ContractState.SIGNED] and states[ContractState.TO_RENEW]
    assert states[ContractState.DRAFT]
    assert Contract.objects.filter(number__gte=2, signed_on__isnull=False).exists()
    for contract in Contract.objects.filter(signed_on__isnull=False):
        assert contract.signed_on >= contract.pathway.started_on
        assert contract.signed_on < timezone.localdate()
    assert Review.objects.filter(diagnostic__isnull=False).exists()
    assert Review.objects.filter(goal_reviews__isnull=False).exists()


def test_notes_and_appointments(seeded):
    now = timezone.now()
    for note in Note.objects.all():
        assert check_text(note.body) == [], note.body
        assert note.writing_flags == []
        assert note.created_at.date() == note.occurred_on
    assert Note.objects.filter(visibility=NoteVisibility.AUTHOR).exists()
    assert set(Note.objects.values_list("kind", flat=True)) == {
        "interview",
        "phone",
        "home_visit",
        "other",
    }
    assert set(Appointment.objects.values_list("participation", flat=True)) == set(
        Participation.values
    )
    assert Appointment.objects.filter(
        starts_at__gt=now, participation=Participation.PLANNED
    ).exists()
    assert not Appointment.objects.filter(
        starts_at__gt=now, participation__in=(Participation.SEEN, Participation.NO_SHOW)
    ).exists()


# --- The caseload --------------------------------------------------------------------------


def _caseload_rows(email: str, org_key: str):
    membership = Membership.objects.get(user__email=email, organisation=organisation(org_key))
    persons = list(caseload.caseload(membership, CaseloadFilters()))
    return caseload.rows(persons)


@pytest.mark.parametrize(
    ("email", "org_key"),
    [
        ("referent@relais.localhost", "ccas"),
        ("referent@relais.localhost", "plie"),
        ("referente.plie@relais.localhost", "plie"),
        ("encadrant.aci@relais.localhost", "aci"),
        ("responsable.ccas@relais.localhost", "ccas"),
        ("responsable.plie@relais.localhost", "plie"),
        ("responsable.aci@relais.localhost", "aci"),
    ],
)
def test_every_caseload_shows_every_alert(seeded, email, org_key):
    rows = _caseload_rows(email, org_key)
    assert len(rows) >= 9
    alerts = {a for row in rows for a in row.alerts}
    # The employment follow-up alert is tested with the employment module
    # (tests/employment/test_caseload_reminders.py): the demo's placement is up to date.
    assert alerts == set(Alert) - {Alert.FOLLOW_UP_DUE}
    assert any(not row.alerts for row in rows)  # and persons with nothing to catch up on


EXPECTED_ALERTS = {
    State.OK: set(),
    State.WORSEN: set(),
    State.NEW: set(),
    State.NEW_DRAFT: set(),
    State.RETURNED: set(),
    State.DIAGNOSTIC_ONLY: set(),
    State.INTAKE_ONLY: set(),
    State.REVIEW_OVERDUE: {Alert.REVIEW_OVERDUE},
    State.STEP_OVERDUE: {Alert.STEP_OVERDUE},
    State.CONTRACT_TO_RENEW: {Alert.CONTRACT_TO_RENEW},
    State.NO_CONTACT_30: {Alert.NO_CONTACT_30},
}


def test_each_person_shows_the_alerts_of_their_situation(seeded):
    persons = demo_persons()
    by_pk = {}
    for spec in ORGANISATIONS:
        manager = Membership.objects.get(organisation=organisation(spec.key), role=Role.MANAGER)
        for row in caseload.rows(list(caseload.caseload(manager, CaseloadFilters()))):
            by_pk[row.person.pk] = set(row.alerts)
    # Persons enrolled in a demo workshop have a new step (their contract is to renew) and
    # some an absence: the projects demo, not their pathway's state (test_seed_modules.py).
    in_workshops = set(Enrolment.objects.values_list("person_id", flat=True))
    for identity in identities():
        if persons[identity.index].pk in in_workshops:
            continue
        alerts = by_pk[persons[identity.index].pk]
        state = identity.entry.state
        if state in EXPECTED_ALERTS:
            assert alerts == EXPECTED_ALERTS[state], (identity.index, state, alerts)
        elif state == State.NO_CONTACT_60:
            assert Alert.NO_CONTACT_60 in alerts and alerts <= {
                Alert.NO_CONTACT_60,
                Alert.REVIEW_OVERDUE,
            }


def test_caseload_page_and_person_pages_render_the_demo(seeded, client):
    julien = User.objects.get(email="referent@relais.localhost")
    login_verified(client, julien)
    for key in ("ccas", "plie"):
        session = client.session
        session[SESSION_ORGANISATION_KEY] = organisation(key).pk
        session.save()
        text = page_text(client.get("/"))
        for label in caseload.ALERT_LABELS.values():
            assert label in text, (key, label)
        for person in Person.objects.filter(organisation=organisation(key), referent=julien):
            response = client.get(reverse("people:detail", args=[person.pk]))
            assert response.status_code == 200, person
            for pathway in person.pathways.all():
                response = client.get(reverse("pathways:detail", args=[person.pk, pathway.pk]))
                assert response.status_code == 200, pathway


def test_seeded_dates_stay_in_the_past_or_plan_the_future(seeded):
    today = timezone.localdate()
    assert not Note.objects.filter(occurred_on__gt=today).exists()
    assert not Diagnostic.objects.filter(assessed_on__gt=today).exists()
    assert not Review.objects.filter(held_on__gt=today).exists()
    assert not Step.objects.filter(done_on__gt=today).exists()
    assert not LifeEvent.objects.filter(occurred_on__gt=today).exists()
    oldest = Person.objects.order_by("created_at").first().created_at.date()
    assert today - oldest < dt.timedelta(days=2 * 366)
