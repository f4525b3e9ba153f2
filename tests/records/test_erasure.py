"""Erasure completeness: a record with every kind of child record is erased, and nothing
personal survives anywhere — whichever model holds it.

Generic on purpose: `reachable_from` walks every foreign key of the project's models that
leads to the person (directly or through a child record). A new model with a foreign key to
the person (or to one of its records) fails `test_the_full_record_covers_every_model` until
`full_record` creates one, and then `test_nothing_survives` until the erasure handles it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

from relais.core.errors import DomainError
from relais.core.models import AccessLogEntry, JournalAction
from relais.diagnostics.models import Diagnostic
from relais.employment.models import Checkpoint, Mediation
from relais.network.coordination.models import ConferenceDecision
from relais.network.referrals.models import RedundancyWarning, ReferralTransition
from relais.pathways.models import GoalReview, NoteDraft
from relais.people.models import (
    DistinctPersons,
    DuplicatePair,
    DuplicateSearch,
    Person,
    PersonMerge,
)
from relais.person_space.models import Cosignature, DocumentRequest, Message, SignInCode
from relais.records.erasure import ERASED_TEXT, person_erase
from relais.records.models import (
    ErasedRecord,
    ErasureCause,
    RetentionHold,
    RetentionWarning,
    RightsRequest,
)
from tests.factories import (
    AppointmentFactory,
    CaseConferenceFactory,
    ConsentFactory,
    ContractFactory,
    CoordinationTeamFactory,
    DiagnosticFactory,
    DocumentFactory,
    DomainAssessmentFactory,
    ExitFactory,
    GoalFactory,
    LifeEventFactory,
    MembershipFactory,
    NoteFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    ReferralFactory,
    ReviewFactory,
    ServiceFactory,
    StepFactory,
    TeamMemberFactory,
)
from tests.factories.accompaniment_tools import (
    IncidentFactory,
    RegistrationFactory,
    SafetyFlagFactory,
)
from tests.factories.employment import (
    AbilityFactory,
    EmploymentProjectFactory,
    PlacementFactory,
)
from tests.factories.network.meetings import ThreadMessageFactory
from tests.factories.person_space import SpaceAccessFactory, space_session
from tests.factories.projects import AttendanceFactory, EnrolmentFactory
from tests.factories.synthesis import SynthesisReportFactory

pytestmark = pytest.mark.django_db

NAME = "Qwertzuiop"  # a name nothing else in the database can contain
SECRET = "Texte-secret-Zanzibar"

# Models that survive the erasure on purpose, and the fields that must then be blank.
KEPT = {RightsRequest: {"details", "extended_reason", "decision_reason"}}


def full_record():
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation, role="manager").user
    person = PersonFactory(
        organisation=organisation,
        birth_name=NAME,
        usage_name=NAME,
        first_names="Zoé",
        email="zoe@example.org",
        address=f"1 rue {SECRET}",
        referent=user,
    )
    document = DocumentFactory(person=person, title=SECRET, expires_on=dt.date(2030, 1, 1))
    ConsentFactory(
        person=person, method="signed_form", witness_name="", document=document, recorded_by=user
    )
    LifeEventFactory(person=person, description=SECRET, recorded_by=user)
    diagnostic = DiagnosticFactory(person=person, person_expectations=SECRET, author=user)
    DomainAssessmentFactory(diagnostic=diagnostic, situation=SECRET)
    pathway = PathwayFactory(person=person, referent=user)
    goal = GoalFactory(pathway=pathway, text=SECRET)
    step = StepFactory(pathway=pathway, goal=goal, outcome=SECRET)
    contract = ContractFactory(pathway=pathway, commitments_person=SECRET, generated_by=user)
    review = ReviewFactory(pathway=pathway, adjustments=SECRET, author=user)
    GoalReview.objects.create(review=review, goal=goal, result="partly", gap=SECRET)
    closed = PathwayFactory(person=person, referent=user, status="closed", next_review_on=None)
    ExitFactory(pathway=closed, comment=SECRET, recorded_by=user)
    NoteFactory(person=person, body=SECRET, author=user)
    NoteDraft.objects.create(person=person, author=user, data={"body": SECRET})
    AppointmentFactory(person=person, purpose=SECRET, with_user=user)
    partner = ServiceFactory()
    referral = ReferralFactory(person=person, service=partner, sender=user, reason=SECRET)
    ReferralTransition.objects.create(
        referral=referral, to_status="sent", at=timezone.now(), comment=SECRET, actor=user
    )
    RedundancyWarning.objects.create(
        organisation=organisation,
        person=person,
        kind="step",
        step=step,
        other_kind="referral",
        other_referral=referral,
        other_organisation=partner.organisation,
    )
    team = CoordinationTeamFactory(person=person)
    TeamMemberFactory(team=team, organisation=partner.organisation, added_by=user)
    conference = CaseConferenceFactory(person=person, minutes=SECRET, author=user)
    ConferenceDecision.objects.create(conference=conference, text=SECRET, owner_name="X", step=step)
    RetentionHold.objects.create(
        person=person, until=dt.date(2020, 1, 1), reason=SECRET, decided_by=user
    )
    RetentionWarning.objects.create(person=person, due_on=dt.date.today(), sent_at=timezone.now())
    # The employment module: project, abilities, a placement with its checkpoint and mediation.
    EmploymentProjectFactory(person=person)
    AbilityFactory(person=person, evidence=SECRET)
    placement = PlacementFactory(person=person, pathway=pathway, tutor_name=SECRET)
    Checkpoint.objects.create(placement=placement, label="1 semaine", due_on=dt.date.today())
    Mediation.objects.create(placement=placement, happened_on=dt.date.today(), difficulty=SECRET)
    enrolment = EnrolmentFactory(
        workshop__organisation=organisation, person=person, evaluation=SECRET, step=step
    )
    AttendanceFactory(session__workshop=enrolment.workshop, enrolment=enrolment)
    # The same person recorded twice, merged (the undo data holds identity), and a pair
    # found by a duplicate search, and a namesake said to be someone else.
    shell = PersonFactory(organisation=organisation, birth_name=NAME, merged_into=person)
    PersonMerge.objects.create(
        organisation=organisation,
        kept=person,
        merged=shell,
        kept_identity_before={"birth_name": NAME, "address": SECRET},
        moved={},
        merged_by=user,
    )
    search = DuplicateSearch.objects.create(organisation=organisation, requested_by=user)
    namesake = PersonFactory(organisation=organisation)
    DuplicatePair.objects.create(search=search, first=person, second=namesake, score=50, weight=5.0)
    DistinctPersons.objects.create(
        organisation=organisation, first=person, second=namesake, decided_by=user
    )
    # Accompaniment tools: incident and flag, registration to an information collective,
    # a professional thread, a synthesis report.
    IncidentFactory(person=person, description=SECRET, author=user)
    SafetyFlagFactory(person=person, instruction=SECRET, raised_by=user)
    RegistrationFactory(
        session__organisation=organisation, person=person, birth_name=NAME, registered_by=user
    )
    ThreadMessageFactory(thread__person=person, thread__created_by=user, body=SECRET)
    SynthesisReportFactory(person=person, author=user, proposal=SECRET)
    # The person's own space: an access with a code, a session, a signature, a message
    # and a document asked for.
    access = SpaceAccessFactory(person=person)
    SignInCode.objects.create(
        access=access, purpose="cosign", code_hash="x", contract=contract, expires_at=timezone.now()
    )
    space_session(access)
    Cosignature.objects.create(contract=contract, access=access, method="email", content_hash="x")
    Message.objects.create(person=person, author_kind="person", body=SECRET)
    DocumentRequest.objects.create(
        person=person, title=SECRET, kind="cv", due_on=dt.date.today(), requested_by=user
    )
    RightsRequest.objects.create(
        organisation=organisation,
        person=person,
        kind="erasure",
        received_on=dt.date.today(),
        details=SECRET,
        due_on=dt.date.today(),
        recorded_by=user,
    )
    return person, user


def project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("relais.")]


def reachable_from(person: Person) -> dict[type[models.Model], set]:
    """Every row of the project that points to the person, directly or through a row that
    does (foreign keys and one-to-ones, followed backwards)."""
    found: dict[type[models.Model], set] = {Person: {person.pk}}
    frontier = [(Person, {person.pk})]
    while frontier:
        model, pks = frontier.pop()
        relations = [
            f
            for f in model._meta.get_fields(include_hidden=True)
            if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
        ]
        for relation in relations:
            if not relation.related_model.__module__.startswith("relais."):
                continue
            child = relation.related_model
            rows = set(
                child._base_manager.filter(**{f"{relation.field.name}__in": pks}).values_list(
                    "pk", flat=True
                )
            )
            new = rows - found.get(child, set())
            if new:
                found.setdefault(child, set()).update(new)
                frontier.append((child, new))
    return found


def models_pointing_to_a_record() -> set[type[models.Model]]:
    """Every project model with a foreign key chain to the person (whatever the rows)."""
    result = {Person}
    changed = True
    while changed:
        changed = False
        for model in project_models():
            if model in result:
                continue
            for field in model._meta.fields:
                if field.is_relation and field.related_model in result:
                    result.add(model)
                    changed = True
                    break
    return result


def test_the_full_record_covers_every_model():
    person, _ = full_record()
    reached = reachable_from(person)
    missing = {m._meta.label for m in models_pointing_to_a_record()} - {
        m._meta.label for m in reached
    }
    assert not missing, f"full_record() must create one of each: {sorted(missing)}"


def test_nothing_survives(django_capture_on_commit_callbacks):
    person, user = full_record()
    reached = reachable_from(person)
    files = [d.file.name for d in person.documents.all()]
    assert files and all(default_storage.exists(name) for name in files)
    person_id = person.pk

    with django_capture_on_commit_callbacks(execute=True):
        erased = person_erase(person=person, actor=user, cause=ErasureCause.RETENTION)

    for model, pks in reached.items():
        remaining = model._base_manager.filter(pk__in=pks)
        if model in KEPT:
            for row in remaining:
                for field in KEPT[model]:
                    assert getattr(row, field) in ("", ERASED_TEXT), (model, field)
                assert row.person_id is None
            continue
        assert not remaining.exists(), f"{model._meta.label} survives the erasure"
    # No text anywhere in the database still carries the name or the free texts.
    for model in project_models():
        for field in model._meta.fields:
            if isinstance(field, (models.CharField, models.TextField, models.JSONField)):
                for needle in (NAME, SECRET):
                    lookup = f"{field.name}__icontains"
                    assert not model._base_manager.filter(**{lookup: needle}).exists(), (
                        f"{model._meta.label}.{field.name} keeps personal data"
                    )
    assert not any(default_storage.exists(name) for name in files)
    # What is kept: the statistics, one journal line without a name.
    assert ErasedRecord.objects.filter(
        pk=erased.pk, organisation=user.memberships.get().organisation
    ).exists()
    assert len(erased.pathways) == 2
    assert erased.referral_count == 1
    line = AccessLogEntry.objects.get(action=JournalAction.DELETE, person_id=person_id)
    assert "effacé" in line.summary and NAME not in line.summary


def test_erasing_twice_is_refused():
    person, user = full_record()
    stale = Person.objects.get(pk=person.pk)
    person_erase(person=person, actor=user, cause=ErasureCause.RETENTION)
    with pytest.raises(DomainError, match="déjà été effacé"):
        person_erase(person=stale, actor=user, cause=ErasureCause.RETENTION)
    assert ErasedRecord.objects.count() == 1


def test_an_archived_record_is_erased():
    person, user = full_record()
    Person.objects.filter(pk=person.pk).update(archived_at=timezone.now())
    person_erase(person=person, actor=user, cause=ErasureCause.RETENTION)
    assert not Person.objects.filter(pk=person.pk).exists()
    assert not Diagnostic.objects.filter(person_id=person.pk).exists()


def test_statistics_hold_nothing_identifying():
    person, user = full_record()
    erased = person_erase(person=person, actor=user, cause=ErasureCause.RETENTION)
    assert erased.birth_decade == person.birth_date.year // 10 * 10
    for item in erased.pathways:
        assert set(item) == {"scheme", "started", "ended", "exit"}
        assert item["started"] is None or len(item["started"]) == 7  # month, not day
