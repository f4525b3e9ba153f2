"""The timeline on the person page and its own page: content per role, filters (with and
without htmx), "voir plus", and a constant number of queries with 300 items."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.core.models import AccessLogEntry
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    DiagnosticFactory,
    LifeEventFactory,
    NoteFactory,
    PathwayFactory,
    PersonFactory,
    ReviewFactory,
    StepFactory,
)
from tests.helpers import count_queries, login_verified, page_text, person_page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent)


def day(n):
    return timezone.localdate() - dt.timedelta(days=n)


def fill(person, author, n):
    pathway = PathwayFactory(person=person, started_on=day(2000))
    for i in range(n):
        NoteFactory(person=person, author=author, occurred_on=day(i), body=f"Note {i}")
        AppointmentFactory(person=person, starts_at=timezone.now() - dt.timedelta(days=i))
        StepFactory(pathway=pathway, planned_on=day(i))
        ReviewFactory(pathway=pathway, held_on=day(i))
        DiagnosticFactory(person=person, assessed_on=day(i))
        ConsentFactory(person=person, decided_on=day(i))
        LifeEventFactory(person=person, occurred_on=day(i))


def test_section_on_the_person_page(referent_client, referent, person):
    NoteFactory(person=person, author=referent, body="Premier entretien")
    AppointmentFactory(person=person, purpose="Rendez-vous CAF")
    text = person_page_text(referent_client, person, "chronologie")
    assert 'id="chronologie"' in text
    assert "Chronologie" in text
    assert "Premier entretien" in text
    assert "Rendez-vous CAF" in text
    assert "Ouverture du dossier" in text


def test_staff_timeline_has_appointments_and_identity_only(client, staff_member, referent, person):
    NoteFactory(person=person, author=referent, body="Secret d'accompagnement")
    DiagnosticFactory(person=person)
    AppointmentFactory(person=person, purpose="Accueil mardi")
    login_verified(client, staff_member)
    for text in (
        person_page_text(client, person),
        page_text(
            client.get(
                reverse("pathways:timeline", args=[person.pk]) + "?type=note&type=diagnostic"
            )
        ),
    ):
        assert "Accueil mardi" in text
        assert "Secret d'accompagnement" not in text
        assert "Diagnostic partagé" not in text
        assert "Écrits professionnels" not in text


def test_filter_page_and_htmx_fragment(referent_client, referent, person):
    NoteFactory(person=person, author=referent, body="Une note")
    AppointmentFactory(person=person, purpose="Un rendez-vous")
    url = reverse("pathways:timeline", args=[person.pk]) + "?type=appointment"
    page = referent_client.get(url)
    assert page.status_code == 200
    text = page_text(page)
    assert "Un rendez-vous" in text and "Une note" not in text
    assert "<html" in text
    assert 'value="appointment" id="chronologie-type-appointment" checked' in text
    fragment = referent_client.get(url, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert 'id="chronologie-liste"' in fragment.content.decode()
    assert AccessLogEntry.objects.filter(action="view", summary="chronologie").count() == 2


def test_see_more(referent_client, referent, person):
    fill(person, referent, 45)  # 315 items + pathway + record
    text = person_page_text(referent_client, person, "chronologie")
    assert text.count('class="relais-chrono__item"') == 50
    assert "Voir plus" in text and "(50 éléments les plus récents affichés)" in text
    # Without scripts, « Voir plus » opens the timeline page with more items at once.
    more = referent_client.get(reverse("pathways:timeline", args=[person.pk]) + "?nb=600")
    assert page_text(more).count('class="relais-chrono__item"') == 317
    assert "Voir plus" not in page_text(more)


def test_see_more_with_htmx_fetches_only_the_next_page(referent_client, referent, person):
    fill(person, referent, 45)  # 317 items in all
    url = reverse("pathways:timeline", args=[person.pk])
    first = page_text(referent_client.get(url, HTTP_HX_REQUEST="true"))
    assert f'hx-get="{url}?depuis=50"' in first
    seen = [first]
    offset = 50
    while True:
        page = referent_client.get(f"{url}?depuis={offset}", HTTP_HX_REQUEST="true")
        text = page.content.decode()
        assert "<html" not in text and 'data-testid="timeline-next"' in text
        assert f'start="{offset + 1}"' in text
        seen.append(text)
        offset += text.count('class="relais-chrono__item"')
        if "Voir plus" not in text:
            break
        assert f'hx-get="{url}?depuis={offset}"' in text
    assert offset == 317
    assert sum(len(re.findall(r'<time datetime="', text)) for text in seen) == 317
    assert (
        AccessLogEntry.objects.filter(
            action="view", summary__startswith="chronologie (suite"
        ).count()
        == len(seen) - 1
    )


def test_see_more_keeps_the_filter(referent_client, referent, person):
    fill(person, referent, 10)
    url = reverse("pathways:timeline", args=[person.pk]) + "?type=note"
    text = page_text(referent_client.get(url, HTTP_HX_REQUEST="true"))
    assert "depuis=" not in text  # 10 notes: one page
    fill(person, referent, 50)
    text = page_text(referent_client.get(url, HTTP_HX_REQUEST="true"))
    assert "depuis=50&type=note" in text
    following = referent_client.get(
        reverse("pathways:timeline", args=[person.pk]) + "?depuis=50&type=note",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert following.count('data-kind="note"') == following.count('class="relais-chrono__item"')


def test_bad_parameters_are_ignored(referent_client, person):
    url = reverse("pathways:timeline", args=[person.pk]) + "?nb=abc&type=<script>"
    response = referent_client.get(url)
    assert response.status_code == 200
    assert b"<script>" not in response.content.split(b"</header>")[1].split(b"<footer")[0]


def test_other_organisation_is_404(client, other_organisation, person):
    from tests.factories import MembershipFactory

    login_verified(client, MembershipFactory(organisation=other_organisation).user)
    assert client.get(reverse("pathways:timeline", args=[person.pk])).status_code == 404


def test_person_page_queries_do_not_grow_with_300_timeline_items(referent_client, referent, person):
    url = reverse("people:section", args=[person.pk, "chronologie"])
    fill(person, referent, 3)
    referent_client.get(url)  # warm caches (content types, sessions)
    small = count_queries(lambda: referent_client.get(url))
    fill(person, referent, 44)  # > 300 items
    large = count_queries(lambda: referent_client.get(url))
    assert small == large, (small, large)


def test_timeline_page_queries_do_not_grow(referent_client, referent, person):
    url = reverse("pathways:timeline", args=[person.pk])
    fill(person, referent, 3)
    referent_client.get(url)
    small = count_queries(lambda: referent_client.get(url))
    fill(person, referent, 44)
    large = count_queries(lambda: referent_client.get(url))
    assert small == large, (small, large)
