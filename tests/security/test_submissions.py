"""Every create is done once per submission: a double click, a resent form or two tabs give
one record (relais.web.submissions). A new create view without the guard fails here."""

from __future__ import annotations

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from relais.core.models import Submission
from relais.pathways.models import Appointment, Goal
from tests.factories import PersonFactory
from tests.helpers import page_text
from tests.pathways.pathway_helpers import make_pathway
from tests.web.pathways.test_appointments_views import form_data as appointment_form

CREATE_NAME = re.compile(r"(^|[:_])(create|add|import)$")
# Creates that check their token against the created object itself (they look for possible
# duplicates first): relais.core.submissions.submit_once.
CHECKED_IN_THE_VIEW = {"people:create", "pathways:note_create"}


def _routes(resolver: URLResolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern.callback


def _guarded(view) -> bool:
    while view is not None:
        if getattr(view, "once_per_submission", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def create_routes() -> dict[str, object]:
    return {
        name: view
        for name, view in _routes(get_resolver())
        if CREATE_NAME.search(name) and not name.startswith(("admin:", "api-1:"))
    }


def test_every_create_view_is_done_once_per_submission():
    routes = create_routes()
    assert len(routes) >= 20, sorted(routes)  # the walk itself works
    unguarded = sorted(
        name
        for name, view in routes.items()
        if name not in CHECKED_IN_THE_VIEW and not _guarded(view)
    )
    assert not unguarded, f"create views without a submission token: {unguarded}"
    assert set(routes) >= CHECKED_IN_THE_VIEW


def _token(page: str) -> str:
    return page.split('name="submission" value="')[1].split('"')[0]


@pytest.mark.django_db
def test_a_goal_sent_twice_is_saved_once(referent_client, referent):
    pathway = make_pathway(referent)
    url = reverse(
        "pathways:goal_create", kwargs={"pk": pathway.person_id, "pathway_id": pathway.pk}
    )
    token = _token(referent_client.get(url).content.decode())
    data = {"text": "Reprendre confiance", "target": "Oui", "submission": token}
    first = referent_client.post(url, data)
    second = referent_client.post(url, data, follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    assert "n'a été enregistré qu'une fois" in page_text(second)
    assert Goal.objects.filter(pathway=pathway).count() == 1


@pytest.mark.django_db
def test_a_refused_form_releases_its_token_for_the_corrected_one(
    referent_client, referent, organisation
):
    person = PersonFactory(organisation=organisation, referent=referent)
    url = reverse("pathways:appointment_create", args=[person.pk])
    token = _token(referent_client.get(url).content.decode())
    refused = referent_client.post(
        url, {**appointment_form(referent, time="25:00"), "submission": token}
    )
    assert refused.status_code == 200
    assert _token(refused.content.decode()) == token  # the page keeps the same token
    assert not Submission.objects.filter(token=token).exists()
    corrected = referent_client.post(url, {**appointment_form(referent), "submission": token})
    assert corrected.status_code == 302
    assert Appointment.objects.filter(person=person).count() == 1


@pytest.mark.django_db
def test_another_users_token_does_not_replay_their_page(referent_client, referent, organisation):
    from tests.factories import MembershipFactory
    from tests.helpers import login_verified

    pathway = make_pathway(referent)
    url = reverse(
        "pathways:goal_create", kwargs={"pk": pathway.person_id, "pathway_id": pathway.pk}
    )
    referent_client.post(url, {"text": "Premier", "submission": "jeton-partage-123456"})
    colleague = MembershipFactory(organisation=organisation, role="manager").user
    other = Client()
    login_verified(other, colleague)
    response = other.post(url, {"text": "Second", "submission": "jeton-partage-123456"})
    assert response.status_code == 302
    assert Goal.objects.filter(pathway=pathway).count() == 2


@pytest.mark.django_db(transaction=True)
def test_simultaneous_submissions_of_one_form_create_one_record(referent):
    """Threads on PostgreSQL (SQLite serialises writers on its own)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL (run by .ci/run)")
    pathway = make_pathway(referent)
    url = reverse(
        "pathways:goal_create", kwargs={"pk": pathway.person_id, "pathway_id": pathway.pk}
    )
    from tests.helpers import login_verified

    clients = []
    for _ in range(6):
        client = Client()
        login_verified(client, referent)
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    statuses = []

    def send(client):
        barrier.wait()
        try:
            statuses.append(
                client.post(
                    url, {"text": "Objectif", "submission": "course-0001-abcdef"}
                ).status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(clients)
    assert Goal.objects.filter(pathway=pathway).count() == 1
