"""The person's timeline: every kind of item, order, what each role sees, filters, cap and
a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.records.timeline import (
    STAFF_KINDS,
    TimelineKind,
    build_timeline,
    parse_kinds,
    visible_kinds,
)
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    ContractFactory,
    DiagnosticFactory,
    ExitFactory,
    LifeEventFactory,
    MembershipFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
    ReviewFactory,
    StepFactory,
)
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def day(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


@pytest.fixture
def author(organisation):
    return MembershipFactory(organisation=organisation, role="referent")


@pytest.fixture
def person(organisation, author):
    return PersonFactory(
        organisation=organisation,
        referent=author.user,
        created_at=timezone.now() - dt.timedelta(days=500),
    )


@pytest.fixture
def everything(person, author):
    """One item of each kind, at known dates."""
    pathway = PathwayFactory(person=person, started_on=day(100), scheme="plie")
    closed = PathwayFactory(person=person, started_on=day(400), status="closed", scheme="rsa")
    ExitFactory(pathway=closed, exited_on=day(200), category="positive")
    NoteFactory(person=person, author=author.user, occurred_on=day(1), body="Note partagée")
    NoteFactory(
        person=person,
        author=author.user,
        occurred_on=day(2),
        visibility="author",
        body="Note perso",
    )
    AppointmentFactory(
        person=person,
        starts_at=timezone.now() - dt.timedelta(days=3),
        participation="seen",
        purpose="Entretien mensuel",
    )
    StepFactory(pathway=pathway, title="Atelier CV", planned_on=day(-5))
    StepFactory(
        pathway=pathway, title="Inscription", planned_on=day(50), status="done", done_on=day(4)
    )
    ReviewFactory(pathway=pathway, held_on=day(5))
    DiagnosticFactory(person=person, assessed_on=day(6), urgency=2, urgency_suggested=2)
    ConsentFactory(person=person, decided_on=day(7))
    ConsentFactory(person=person, decided_on=day(8), status="withdrawn", purpose="contact_sms")
    LifeEventFactory(person=person, occurred_on=day(9), description="Perte d'emploi en 2024")
    ContractFactory(pathway=pathway, signed_on=day(10), signature_mode="handwritten")
    ContractFactory(pathway=pathway)  # not signed: not in the timeline
    return pathway


def kinds_of(timeline) -> list[str]:
    return [str(i.kind) for i in timeline.items]


def test_everything_newest_first_for_the_author(person, author, everything):
    timeline = build_timeline(person, author)
    assert kinds_of(timeline) == [
        "step",  # planned in 5 days
        "note",
        "note",
        "appointment",
        "step",  # done 4 days ago
        "review",
        "diagnostic",
        "consent",
        "consent",
        "life_event",
        "contract",
        "pathway",
        "exit",
        "pathway",
        "record",
    ]
    titles = [i.title for i in timeline.items]
    assert "Étape réalisée : Inscription" in titles
    assert "Consentement retiré : Être contacté·e par SMS" in titles
    assert any(t.startswith("Contrat d'engagement v") and t.endswith(" signé") for t in titles)
    assert titles[-1] == "Ouverture du dossier"
    assert timeline.has_more is False


def test_author_only_notes_are_hidden_from_colleagues_and_managers(
    organisation, person, author, everything
):
    for role in ("referent", "manager"):
        other = MembershipFactory(organisation=organisation, role=role)
        details = [i.detail for i in build_timeline(person, other).items if i.kind == "note"]
        assert details == ["Note partagée"], role
    mine = [i.detail for i in build_timeline(person, author).items if i.kind == "note"]
    assert mine == ["Note partagée", "Note perso"]


def test_staff_sees_identity_and_appointments_only(organisation, person, everything):
    staff = MembershipFactory(organisation=organisation, role="staff")
    timeline = build_timeline(person, staff)
    assert set(kinds_of(timeline)) == {"appointment", "record"}
    assert timeline.kinds == list(STAFF_KINDS)
    # Asking for other kinds does not widen it.
    asked = build_timeline(person, staff, kinds=[TimelineKind.NOTE, TimelineKind.DIAGNOSTIC])
    assert set(kinds_of(asked)) == {"appointment", "record"}


def test_other_organisation_sees_nothing(other_organisation, person, everything):
    outsider = MembershipFactory(organisation=other_organisation, role="manager")
    assert build_timeline(person, outsider).items == []


def test_filter_by_kind(person, author, everything):
    timeline = build_timeline(person, author, kinds=[TimelineKind.CONSENT, TimelineKind.EXIT])
    assert kinds_of(timeline) == ["consent", "consent", "exit"]
    assert timeline.selected == [TimelineKind.CONSENT, TimelineKind.EXIT]


def test_parse_kinds_ignores_unknown_and_forbidden_values(organisation):
    staff = MembershipFactory(organisation=organisation, role="staff")
    assert parse_kinds(["note", "appointment", "bogus"], visible_kinds(staff)) == [
        TimelineKind.APPOINTMENT
    ]


def test_links(person, author, everything):
    timeline = build_timeline(person, author)
    by_kind = {str(i.kind): i.url for i in timeline.items}
    assert by_kind["note"].startswith(f"/personnes/{person.pk}/ecrits/")
    assert by_kind["appointment"].startswith(f"/personnes/{person.pk}/rendez-vous/")
    assert by_kind["step"] == f"/personnes/{person.pk}/parcours/{everything.pk}/"
    assert by_kind["consent"] == f"/personnes/{person.pk}/#consentements"
    assert by_kind["record"] == f"/personnes/{person.pk}/#identite"


def test_long_texts_are_cut(person, author):
    NoteFactory(person=person, author=author.user, body="mot " * 5000)
    [note] = [i for i in build_timeline(person, author).items if i.kind == "note"]
    assert len(note.detail) <= 240
    assert note.detail.endswith("…")


def test_appointment_time_in_paris(person, author):
    import zoneinfo

    paris = zoneinfo.ZoneInfo("Europe/Paris")
    AppointmentFactory(
        person=person, starts_at=dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC), purpose="RDV"
    )
    [item] = [i for i in build_timeline(person, author).items if i.kind == "appointment"]
    assert item.on == dt.date(2026, 7, 1)
    assert item.at == dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC).astimezone(paris).time()


def fill(person, author, n_per_kind: int):
    pathway = PathwayFactory(person=person, started_on=day(1000))
    for i in range(n_per_kind):
        NoteFactory(person=person, author=author.user, occurred_on=day(i))
        AppointmentFactory(person=person, starts_at=timezone.now() - dt.timedelta(days=i))
        StepFactory(pathway=pathway, planned_on=day(i))
        ReviewFactory(pathway=pathway, held_on=day(i))
        DiagnosticFactory(person=person, assessed_on=day(i))
        ConsentFactory(person=person, decided_on=day(i))
        LifeEventFactory(person=person, occurred_on=day(i))


def test_cap_and_more(person, author):
    fill(person, author, 50)  # 350 items + pathway + record
    timeline = build_timeline(person, author, limit=300)
    assert len(timeline.items) == 300
    assert timeline.has_more is True
    dates = [i.on for i in timeline.items]
    assert dates == sorted(dates, reverse=True)
    bigger = build_timeline(person, author, limit=600)
    assert len(bigger.items) == 352
    assert bigger.has_more is False


def test_query_count_does_not_grow_with_items(person, author):
    fill(person, author, 2)
    small = count_queries(lambda: build_timeline(person, author))
    fill(person, author, 45)  # > 300 items
    large = count_queries(lambda: build_timeline(person, author))
    assert small == large
    # One query per kind at most (the record's opening needs none).
    assert large <= len(TimelineKind) - 1


def test_item_dates_as_shown():
    from relais.records.timeline import TimelineItem

    item = TimelineItem(
        kind=TimelineKind.APPOINTMENT, on=dt.date(2026, 3, 9), title="RDV", at=dt.time(9, 5)
    )
    assert (item.on_iso, item.on_day, item.at_label) == ("2026-03-09", "09/03/2026", "09:05")
    dated = TimelineItem(kind=TimelineKind.NOTE, on=dt.date(2026, 12, 31), title="Note")
    assert (dated.on_day, dated.at_label) == ("31/12/2026", "")


def test_each_kinds_compiled_rows_are_the_orms(person, author, everything):
    """Each reader's query runs compiled (relais.records.timeline.items.by_person): the same
    rows as the ORM's queryset, for every LIMIT bucket, another person and another user."""
    import inspect

    from relais.person_space import timeline as person_space
    from relais.records.timeline import employment, readers, workshops

    other = PersonFactory(organisation=person.organisation)
    NoteFactory(person=other, author=author.user, occurred_on=day(3))
    reads = [
        getattr(module, name)
        for module in (readers, employment, workshops, person_space)
        for name in dir(module)
        if name.endswith("_rows")
    ]
    assert len(reads) >= 16
    colleague = MembershipFactory(organisation=person.organisation, role="referent")
    compared = 0
    for read in reads:
        parameters = inspect.signature(read.build).parameters
        for someone in (person, other, person):
            for user in (author.user, colleague.user):
                for n in (1, 2, 3, 5, 51, 300):
                    values = {}
                    if "user_id" in parameters:
                        values["user_id"] = user.pk
                    if "organisation_id" in parameters:
                        values["organisation_id"] = someone.organisation_id
                    expected = list(read.build(someone.pk, n, **values))
                    assert read(someone.pk, n, **values) == expected
                    compared += len(expected)
    assert compared > 100
