"""The pages that correct a candidate's file: reachable from the file, input kept, every error
at once, stale versions refused, other users refused, reads journaled."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from relais.accounts.models import Role
from relais.certification import edits
from relais.certification.models import BodyKind, EnrolmentStatus
from relais.core.models import AccessLogEntry
from tests.factories import MembershipFactory
from tests.factories.certification import EnrolmentFactory, body_member, referential
from tests.helpers import count_queries, login_verified, page_text

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def manager():
    return body_member(BodyKind.TRAINING, Role.MANAGER)


@pytest.fixture
def enrolment(manager):
    return EnrolmentFactory(
        candidate__organisation=manager.organisation,
        enrolled_on=TODAY - dt.timedelta(days=30),
    )


def _candidate_post(candidate, **overrides):
    data = {
        "last_name": candidate.last_name,
        "first_name": candidate.first_name,
        "birth_date": "14/03/1985",
        "email": "",
        "phone": "",
        "employer_name": "",
        "employer_siret": "",
        "job_title": "Accompagnatrice",
        "diploma_level": "5",
        "experience_years": "4",
        "version": str(candidate.version),
    }
    return {**data, **overrides}


def test_candidate_edit_from_the_file(client, manager, enrolment):
    candidate = enrolment.candidate
    login_verified(client, manager.user)
    detail = page_text(client.get(reverse("certification:candidate", args=[candidate.pk])))
    url = reverse("certification:candidate_edit", args=[candidate.pk])
    assert url in detail
    assert reverse("certification:enrolment_withdraw", args=[enrolment.pk]) in detail
    assert reverse("certification:enrolment_edit", args=[enrolment.pk]) in detail
    form = page_text(client.get(url))
    assert candidate.last_name in form
    assert AccessLogEntry.objects.filter(
        action="view", target_id=str(candidate.pk), summary="modification du candidat"
    ).exists()
    bad = client.post(
        url,
        _candidate_post(
            candidate,
            first_name="",
            birth_date="31/02/1990",
            experience_years="beaucoup",
            employer_siret="123",
            job_title="Coordinatrice de parcours",
        ),
    )
    text = page_text(bad)
    assert "Ce champ est obligatoire." in text
    assert "Cette date n'existe pas" in text
    assert "Indiquez un nombre d'années" in text
    assert "Coordinatrice de parcours" in text  # kept
    ok = client.post(url, _candidate_post(candidate, last_name="Nouveau-Nom"))
    assert ok.status_code == 302
    candidate.refresh_from_db()
    assert candidate.last_name == "Nouveau-Nom" and candidate.version == 2
    stale = client.post(url, _candidate_post(candidate, last_name="Autre", version="1"))
    text = page_text(stale)
    assert stale.status_code == 200 and "Modifié entre-temps" in text and "Autre" in text
    candidate.refresh_from_db()
    assert candidate.last_name == "Nouveau-Nom"


def test_enrolment_edit_page(client, manager, enrolment):
    login_verified(client, manager.user)
    url = reverse("certification:enrolment_edit", args=[enrolment.pk])
    assert "Modifier l'inscription" in page_text(client.get(url))
    bad = client.post(url, {"access_route": "", "version": enrolment.version})
    assert "Ce champ est obligatoire." in page_text(bad)
    ok = client.post(url, {"access_route": "vae", "version": enrolment.version}, follow=True)
    assert "Inscription modifiée." in page_text(ok)
    enrolment.refresh_from_db()
    assert enrolment.access_route == "vae"
    stale = client.post(url, {"access_route": "individual", "version": "1"})
    assert "Modifié entre-temps" in page_text(stale)


def test_withdrawal_page_keeps_input_and_history(client, manager, enrolment):
    login_verified(client, manager.user)
    url = reverse("certification:enrolment_withdraw", args=[enrolment.pk])
    assert "Rien n'est supprimé" in page_text(client.get(url))
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    bad = client.post(url, {"withdrawn_on": future, "reason": "", "version": enrolment.version})
    text = page_text(bad)
    assert "Indiquez le motif de l'abandon." in text
    early = client.post(
        url,
        {
            "withdrawn_on": (TODAY - dt.timedelta(days=60)).isoformat(),
            "reason": "Mutation",
            "version": enrolment.version,
        },
    )
    text = page_text(early)
    assert "ne peut pas précéder l'inscription" in text and "Mutation" in text
    both = client.post(url, {"withdrawn_on": future, "reason": "x" * 400, "version": "1"})
    assert "300 caractères au plus" in page_text(both)
    done = client.post(
        url,
        {"withdrawn_on": TODAY.isoformat(), "reason": "Mutation", "version": enrolment.version},
        follow=True,
    )
    text = page_text(done)
    assert "Abandon enregistré" in text
    assert f"Abandon le {TODAY:%d/%m/%Y} : Mutation." in text
    assert "Inscrit → Abandon — Mutation" in text
    assert "Enregistrer un abandon" not in text
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    again = client.post(
        url, {"withdrawn_on": TODAY.isoformat(), "reason": "Bis", "version": enrolment.version}
    )
    assert "ne se modifie plus" in page_text(again)


def test_wrong_users_are_refused(client, manager, enrolment):
    staff = MembershipFactory(organisation=manager.organisation, role=Role.STAFF)
    login_verified(client, staff.user)
    for name in ("certification:enrolment_edit", "certification:enrolment_withdraw"):
        url = reverse(name, args=[enrolment.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x", "withdrawn_on": "2026-01-01"}).status_code == 403
    # Reception staff correct a candidate's details, as they register candidates.
    assert (
        client.get(
            reverse("certification:candidate_edit", args=[enrolment.candidate_id])
        ).status_code
        == 200
    )
    client.logout()
    stranger = body_member(BodyKind.TRAINING, Role.MANAGER)
    login_verified(client, stranger.user)
    for name, pk in (
        ("certification:candidate_edit", enrolment.candidate_id),
        ("certification:enrolment_edit", enrolment.pk),
        ("certification:enrolment_withdraw", enrolment.pk),
    ):
        assert client.get(reverse(name, args=[pk])).status_code == 404
        assert client.post(reverse(name, args=[pk]), {"version": "1"}).status_code == 404
    assert AccessLogEntry.objects.filter(action="denied").count() >= 3
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_candidate_file_with_history_has_fixed_queries(client, manager):
    login_verified(client, manager.user)
    first = EnrolmentFactory(candidate__organisation=manager.organisation)
    url = reverse("certification:candidate", args=[first.candidate_id])
    few = count_queries(lambda: client.get(url))
    for code in ("RNCP16575", "RNCP37504", "RS-REFERENT-PARCOURS"):
        other = EnrolmentFactory(candidate=first.candidate, certification=referential(code))
        edits.enrolment_withdraw(
            membership=manager,
            enrolment=other,
            expected_version=other.version,
            withdrawn_on=TODAY,
            reason="Raisons personnelles",
        )
    many = count_queries(lambda: client.get(url))
    assert few == many


def test_group_page_shows_a_withdrawal_and_does_not_offer_the_enrolment(client):
    from relais.certification import groups
    from relais.certification.models import CollectiveGroup

    manager_fed = body_member(BodyKind.FEDERATION, Role.MANAGER)
    rncp = referential("RNCP41885")
    inside, outside = (
        EnrolmentFactory(
            candidate__organisation=manager_fed.organisation, certification=rncp, vae=True
        )
        for _ in range(2)
    )
    group = groups.group_create(membership=manager_fed, certification=rncp, name="Groupe")
    groups.group_add(membership=manager_fed, group=group, enrolment=inside)
    for enrolment in (inside, outside):
        enrolment.refresh_from_db()
        edits.enrolment_withdraw(
            membership=manager_fed,
            enrolment=enrolment,
            expected_version=enrolment.version,
            withdrawn_on=TODAY,
            reason="Mutation",
        )
    login_verified(client, manager_fed.user)
    text = page_text(client.get(reverse("certification:group", args=[group.pk])))
    assert f"abandon le {TODAY:%d/%m/%Y} (ne compte plus dans le groupe)" in text
    assert f'value="{outside.pk}"' not in text
    assert CollectiveGroup.objects.get().enrolments.count() == 1
