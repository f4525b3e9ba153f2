"""The cross-organisation access matrix on real pages: one representative page per category
and action, for each relation to the person (role in the person's organisation; team
member of another organisation with each category shared or not; ended member; member
whose organisation's consent was withdrawn; unrelated professional).

Expected: 200 when allowed; 403 for a role of the person's own organisation without the
capability; 404 for everybody else (a category not shared "does not exist" for a
co-following professional). Every answer leaves a journal entry in the person's
organisation's journal, with the professional's organisation as the actor's."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.accounts.models import Membership
from relais.core.models import AccessLogEntry, JournalAction
from relais.people import services as people_services
from relais.people.models import Consent
from tests.factories import (
    AppointmentFactory,
    DiagnosticFactory,
    DocumentFactory,
    DomainAssessmentFactory,
    MembershipFactory,
    NoteFactory,
    OrganisationFactory,
    PathwayFactory,
    PersonFactory,
    StepFactory,
    co_follower,
)
from tests.helpers import login_verified, page_text, person_page_text

pytestmark = pytest.mark.django_db

EVERY_CATEGORY = ["identity", "situation", "diagnostic", "health", "steps", "notes", "documents"]
SINGLE = ["identity", "situation", "diagnostic", "steps", "notes", "documents"]
RELATIONS = [
    "referent",
    "manager",
    "staff",
    *[f"member_{c}" for c in SINGLE],
    "member_health",
    "member_all",
    "ended_member",
    "withdrawn_member",
    "unrelated",
]
FULL = "full"  # référents and managers of the person's organisation
ALL_OWN = "all"  # every role of the person's organisation
NEVER = None
ANY = "any"  # every active team member

# page → (who in the person's organisation, which team members)
PAGES = {
    "person_page": (ALL_OWN, ANY),
    "identity_edit": (ALL_OWN, NEVER),
    "diagnostic_shared": (FULL, "diagnostic"),
    "diagnostic_org_page": (FULL, NEVER),
    "diagnostic_create": (FULL, NEVER),
    "pathway_org_page": (FULL, NEVER),
    "step_add": (FULL, "steps"),
    "notes_shared": (FULL, "notes"),
    "note_org_page": (FULL, NEVER),
    "note_add": (FULL, "notes"),
    "document_chosen": (FULL, "documents"),
    "document_not_chosen": (FULL, NEVER),
    "document_org_download": (FULL, NEVER),
    "appointment_add": (ALL_OWN, ANY),
    "consent_create": (FULL, NEVER),
    "timeline": (ALL_OWN, NEVER),
    "team_invite": (FULL, NEVER),
    "conference_create": (FULL, ANY),
}


def urls(s: dict) -> dict[str, str]:
    p = s["person"].pk
    return {
        "person_page": f"/personnes/{p}/",
        "identity_edit": f"/personnes/{p}/modifier/",
        "diagnostic_shared": f"/equipes/personnes/{p}/diagnostic/",
        "diagnostic_org_page": f"/personnes/{p}/diagnostics/{s['diagnostic'].pk}/",
        "diagnostic_create": f"/personnes/{p}/diagnostics/nouveau/",
        "pathway_org_page": f"/personnes/{p}/parcours/{s['pathway'].pk}/",
        "step_add": f"/equipes/personnes/{p}/etapes/nouvelle/",
        "notes_shared": f"/equipes/personnes/{p}/ecrits/",
        "note_org_page": f"/personnes/{p}/ecrits/{s['team_note'].pk}/",
        "note_add": f"/equipes/personnes/{p}/ecrits/nouveau/",
        "document_chosen": f"/equipes/personnes/{p}/documents/{s['chosen'].pk}/telecharger/",
        "document_not_chosen": f"/equipes/personnes/{p}/documents/{s['other'].pk}/telecharger/",
        "document_org_download": f"/personnes/{p}/documents/{s['chosen'].pk}/telecharger/",
        "appointment_add": f"/equipes/personnes/{p}/rendez-vous/nouveau/",
        "consent_create": f"/personnes/{p}/consentements/nouveau/",
        "timeline": f"/personnes/{p}/chronologie/",
        "team_invite": f"/equipes/personnes/{p}/membres/nouveau/",
        "conference_create": f"/equipes/personnes/{p}/reunions/nouvelle/",
    }


def categories_of(relation: str) -> list[str]:
    if relation == "member_health":
        return ["diagnostic", "health"]
    if relation in ("member_all", "ended_member", "withdrawn_member"):
        return EVERY_CATEGORY
    return [relation.removeprefix("member_")]


def expected_status(relation: str, page: str) -> int:
    own_rule, member_rule = PAGES[page]
    if relation in ("referent", "manager"):
        return 200
    if relation == "staff":
        return 200 if own_rule == ALL_OWN else 403
    if not relation.startswith("member_"):
        return 404  # ended, withdrawn, unrelated: the person is out of reach
    if member_rule is NEVER:
        return 404
    if member_rule == ANY or member_rule in categories_of(relation):
        return 200
    return 404


def build(relation: str) -> dict:
    organisation = OrganisationFactory(name="CCAS de Lyon")
    referent = MembershipFactory(organisation=organisation, role="referent").user
    person = PersonFactory(
        organisation=organisation, referent=referent, birth_name="Zerbib", first_names="Inès"
    )
    diagnostic = DiagnosticFactory(person=person, author=referent)
    DomainAssessmentFactory(
        diagnostic=diagnostic, domain="employment", situation="Projet de cariste"
    )
    DomainAssessmentFactory(
        diagnostic=diagnostic, domain="housing", situation="Hébergée chez sa tante"
    )
    DomainAssessmentFactory(diagnostic=diagnostic, domain="health", situation="Suivi au CMP")
    pathway = PathwayFactory(person=person, referent=referent)
    StepFactory(pathway=pathway, title="Passer le CACES 3")
    s = {
        "organisation": organisation,
        "referent": referent,
        "person": person,
        "diagnostic": diagnostic,
        "pathway": pathway,
        "team_note": NoteFactory(
            person=person, author=referent, visibility="team", body="Écrit pour l'équipe"
        ),
        "org_note": NoteFactory(
            person=person, author=referent, visibility="organisation", body="Écrit de la structure"
        ),
        "author_note": NoteFactory(
            person=person, author=referent, visibility="author", body="Écrit personnel"
        ),
        "chosen": DocumentFactory(person=person, uploaded_by=referent, title="CV partagé"),
        "other": DocumentFactory(person=person, uploaded_by=referent, title="Avis d'imposition"),
    }
    AppointmentFactory(person=person, with_user=referent, purpose="Entretien au CCAS")
    if relation in ("referent", "manager", "staff"):
        user = MembershipFactory(organisation=organisation, role=relation).user
    elif relation == "unrelated":
        user = MembershipFactory(organisation=OrganisationFactory()).user
    else:
        member = co_follower(
            person,
            categories=categories_of(relation),
            domains=["employment"],
            documents=[s["chosen"]],
            health=True,
            ended=relation == "ended_member",
        )
        user = member.user
        if relation == "withdrawn_member":
            consent = Consent.objects.get(person=person, partner_organisation=member.organisation)
            people_services.consent_withdraw(
                consent=consent,
                actor=referent,
                decided_on=timezone.localdate(),
                method="oral_witness",
                witness_name="Collègue témoin",
            )
    s["user"] = user
    s["membership"] = Membership.objects.get(user=user)
    return s


@pytest.mark.parametrize(("relation", "page"), [(r, p) for r in RELATIONS for p in PAGES])
def test_page_matrix(client, relation, page):
    s = build(relation)
    login_verified(client, s["user"])
    before = AccessLogEntry.objects.count()
    response = client.get(urls(s)[page])
    assert response.status_code == expected_status(relation, page), f"{relation} × {page}"
    entries = AccessLogEntry.objects.order_by("pk")[before:]
    mine = [e for e in entries if e.actor_id == s["user"].pk]
    assert mine, "chaque réponse est journalisée"
    last = mine[-1]
    assert last.organisation_id == s["organisation"].pk
    assert last.actor_organisation_id == s["membership"].organisation_id
    assert last.person_id == s["person"].pk
    if response.status_code >= 400:
        assert last.action == JournalAction.DENIED
    else:
        assert last.action != JournalAction.DENIED


# --- What is shown -------------------------------------------------------------------------


def get(client, s, page):
    login_verified(client, s["user"])
    response = client.get(urls(s)[page])
    assert response.status_code == 200
    return page_text(response)


def test_identity_shared_shows_the_name(client):
    s = build("member_identity")
    text = get(client, s, "person_page")
    assert "ZERBIB Inès" in text
    assert "06 12 34 56 78" in text  # contact
    assert "Passer le CACES 3" not in text  # steps not shared
    assert "Projet de cariste" not in text


def test_identity_not_shared_shows_a_number(client):
    s = build("member_steps")
    text = get(client, s, "person_page")
    assert f"Personne n° {s['person'].pk}" in text
    assert "Zerbib" not in text and "ZERBIB" not in text and "Inès" not in text
    assert "06 12 34 56 78" not in text
    assert "Passer le CACES 3" in text
    assert "Ajouter une étape" in text


def test_situation_shared(client):
    s = build("member_situation")
    text = get(client, s, "person_page")
    assert "Situation familiale" in text
    assert "RQTH" not in text  # a health datum


def test_diagnostic_shows_only_the_shared_domains(client):
    s = build("member_diagnostic")
    text = get(client, s, "diagnostic_shared")
    assert "Projet de cariste" in text
    assert "Hébergée chez sa tante" not in text
    assert "Suivi au CMP" not in text


def test_health_domain_with_explicit_agreement(client):
    s = build("member_health")
    text = get(client, s, "diagnostic_shared")
    assert "Suivi au CMP" in text
    assert "Projet de cariste" in text


def test_notes_shared_with_the_team_only(client):
    s = build("member_notes")
    text = get(client, s, "notes_shared")
    assert "Écrit pour l'équipe" in text
    assert "Écrit de la structure" not in text
    assert "Écrit personnel" not in text
    page = get(client, s, "person_page")
    assert "Écrit pour l'équipe" in page and "Écrit de la structure" not in page


def test_documents_chosen_only(client):
    s = build("member_documents")
    text = get(client, s, "person_page")
    assert "CV partagé" in text
    assert "Avis d'imposition" not in text
    login_verified(client, s["user"])
    response = client.get(urls(s)["document_chosen"])
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    entry = AccessLogEntry.objects.filter(actor=s["user"]).latest("pk")
    assert entry.target_type == "people.document" and entry.target_id == str(s["chosen"].pk)


def test_member_sees_only_their_own_appointments(client):
    s = build("member_all")
    login_verified(client, s["user"])
    response = client.post(
        urls(s)["appointment_add"],
        {
            "day": (timezone.localdate() + timezone.timedelta(days=3)).isoformat(),
            "time": "10:00",
            "duration_minutes": "45",
            "purpose": "Atelier mobilité",
            "location": "Mission locale",
        },
    )
    assert response.status_code == 302
    text = get(client, s, "person_page")
    assert "Atelier mobilité" in text
    assert "Entretien au CCAS" not in text


def test_the_organisation_sees_the_team_note_of_a_member(client):
    s = build("member_notes")
    login_verified(client, s["user"])
    response = client.post(
        urls(s)["note_add"],
        {
            "kind": "phone",
            "occurred_on": timezone.localdate().isoformat(),
            "body": "Appel du jour : rendez-vous fixé.",
        },
    )
    assert response.status_code == 302
    client.logout()
    login_verified(client, s["referent"])
    text = person_page_text(client, s["person"], "ecrits")
    assert "Appel du jour : rendez-vous fixé." in text


def test_own_person_page_has_one_section_per_key(client):
    """The organisation's own sections and the shared views share keys: one each."""
    for relation in ("referent", "staff", "member_all"):
        s = build(relation)
        login_verified(client, s["user"])
        html = client.get(urls(s)["person_page"]).content.decode()
        for key in (
            "identite",
            "situation",
            "diagnostic",
            "parcours",
            "equipe",
            "ecrits",
            "documents",
        ):
            assert html.count(f'<section id="{key}"') <= 1, (relation, key)
        client.logout()
