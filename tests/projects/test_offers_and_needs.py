"""Existing offers (directory services of the same thématique and public nearby, redundancy
flagged), the group's needs from diagnostics, the calendar and its ICS file."""

import datetime as dt

import pytest
from django.utils import timezone

from relais.projects import calendar
from relais.projects.offers import existing_offers
from relais.projects.selectors import group_needs
from tests.factories import DiagnosticFactory, DomainAssessmentFactory
from tests.factories.network.directory import IndexedServiceFactory
from tests.factories.projects import (
    EnrolmentFactory,
    ProjectFactory,
    SessionFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db


def test_offers_listed_and_redundancy_flagged(organisation):
    project = ProjectFactory(
        organisation=organisation,
        public="jeunes",
        commune_code="69123",
        thematiques=["trouver-un-emploi--repondre-a-des-offres-demploi"],
    )
    same = IndexedServiceFactory(name="Job dating jeunes", publics=["jeunes"])
    broad = IndexedServiceFactory(
        name="Accompagnement emploi tous publics", publics=["tous-publics"]
    )
    IndexedServiceFactory(name="Permis solidaire", thematiques=["mobilite"], publics=["jeunes"])
    offers = existing_offers(project, [])
    by_name = {o.hit.service.name: o for o in offers.offers}
    assert set(by_name) == {same.name, broad.name}
    assert by_name[same.name].redundant and not by_name[broad.name].redundant
    assert offers.redundant_count == 1


def test_offers_use_the_barriers_of_the_needs(organisation):
    project = ProjectFactory(organisation=organisation, public="", thematiques=[])
    assert existing_offers(project, []).problem
    IndexedServiceFactory(
        name="Lutte contre l'isolement", thematiques=["remobilisation"], publics=["tous-publics"]
    )
    offers = existing_offers(project, ["R40"])  # « Isolement social »
    assert offers.thematiques and not offers.problem


def test_group_needs_from_latest_diagnostics(organisation):
    workshop = WorkshopFactory(organisation=organisation)
    first, second = EnrolmentFactory.create_batch(2, workshop=workshop)
    old = DiagnosticFactory(
        person=first.person, assessed_on=timezone.localdate() - dt.timedelta(days=90)
    )
    DomainAssessmentFactory(diagnostic=old, domain="digital", difficulty=3)
    latest = DiagnosticFactory(person=first.person)
    DomainAssessmentFactory(diagnostic=latest, domain="housing", difficulty=2)
    other = DiagnosticFactory(person=second.person)
    DomainAssessmentFactory(diagnostic=other, domain="housing", difficulty=3)
    DomainAssessmentFactory(diagnostic=other, domain="mobility", difficulty=1)
    needs = group_needs(workshop)
    assert [(n.domain, n.persons) for n in needs.domains] == [("housing", 2)]
    assert needs.abilities == []  # the workshop requires none


def test_calendar_month_and_ics(organisation):
    day = dt.date(2027, 3, 10)
    start = timezone.make_aware(dt.datetime(2027, 3, 10, 14, 0))
    session = SessionFactory(
        workshop__organisation=organisation, starts_at=start, workshop__title="Atelier CV"
    )
    SessionFactory(starts_at=start)  # another organisation's
    month = calendar.month(organisation.pk, day, today=day)
    assert month.count == 1
    assert month.start == dt.date(2027, 3, 1) and len(month.weeks) == 5
    cell = next(d for w in month.weeks for d in w if d.day == day)
    assert [s.pk for s in cell.sessions] == [session.pk] and cell.sessions[0].time_label == "14:00"
    body, count = calendar.sessions_ics(organisation.pk, now=start - dt.timedelta(days=1))
    assert count == 1 and b"SUMMARY:Atelier \xe2\x80\x94 Atelier CV" in body
