"""The caseload reminds of placements' checkpoints through the pathways' seam: a checkpoint
due and not done raises « Point de suivi emploi à faire »; done, or a placement ended, it
does not. The page's query count does not grow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.pathways import caseload
from tests.factories import PersonFactory
from tests.factories.employment import PlacementFactory
from tests.helpers import count_queries, page_text
from tests.pathways.pathway_helpers import make_pathway

pytestmark = pytest.mark.django_db


def _placement(referent, due_in: int, **kwargs):
    organisation = referent.memberships.get().organisation
    person = PersonFactory(organisation=organisation, referent=referent)
    pathway = make_pathway(referent, person=person)
    placement = PlacementFactory(person=pathway.person, pathway=pathway, **kwargs)
    placement.checkpoints.create(
        label="1 semaine", due_on=timezone.localdate() + dt.timedelta(days=due_in)
    )
    return placement


def _alerts(person):
    row = caseload.with_caseload(type(person).objects.filter(pk=person.pk)).get()
    return caseload.alerts_for(row, timezone.localdate())


def test_due_checkpoint_raises_the_alert(referent):
    due = _placement(referent, -1)
    later = _placement(referent, 5)
    ended = _placement(referent, -3, status="ended")
    assert caseload.Alert.FOLLOW_UP_DUE in _alerts(due.person)
    assert caseload.Alert.FOLLOW_UP_DUE not in _alerts(later.person)
    assert caseload.Alert.FOLLOW_UP_DUE not in _alerts(ended.person)
    due.checkpoints.update(done_on=timezone.localdate())
    assert caseload.Alert.FOLLOW_UP_DUE not in _alerts(due.person)


def test_caseload_page_shows_it_and_filters_by_it(referent_client, referent):
    due = _placement(referent, -1)
    later = _placement(referent, 10)
    filtered = page_text(referent_client.get("/", {"alert": "follow_up_due"}))
    assert due.person.display_name in filtered
    assert later.person.display_name not in filtered
    small = count_queries(lambda: referent_client.get("/"))
    for _ in range(5):
        _placement(referent, -2)
    assert count_queries(lambda: referent_client.get("/")) == small
