"""Team pages (relais.web.teams.views and the team section): the team section of the person
page, inviting a professional (two steps), changing what is shared, ending and leaving,
the "Personnes co-suivies" list. What a co-following professional sees and adds:
test_cofollow_access.py and test_shared_views.py."""

from __future__ import annotations

import pytest
from django.utils import timezone

from relais.core.models import AccessLogEntry, JournalAction
from relais.network.coordination.models import TeamMember
from tests.factories import (
    ConsentFactory,
    DocumentFactory,
    MembershipFactory,
    NoteFactory,
    OrganisationFactory,
    PersonFactory,
    co_follower,
)
from tests.helpers import count_queries, login_verified, page_text, person_page_text
from tests.web.teams.support import grow_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(
        organisation=organisation, referent=referent, birth_name="Moreau", first_names="Lucas"
    )


@pytest.fixture
def partner():
    return OrganisationFactory(name="Mission locale du Rhône", kind="mission_locale")


@pytest.fixture
def professional(partner):
    return MembershipFactory(
        organisation=partner, role="referent", user__first_name="Awa", user__last_name="Diallo"
    ).user


def invite_url(person, partner=None):
    url = f"/equipes/personnes/{person.pk}/membres/nouveau/"
    return f"{url}?structure={partner.pk}" if partner else url


# --- Team section --------------------------------------------------------------------------


def test_team_section_for_the_organisation(referent_client, person):
    member = co_follower(person, categories=["identity", "steps"], role="Conseillère emploi")
    co_follower(person, ended=True, role="Ancien conseiller")
    co_follower(person, consent="", role="Infirmière")
    text = person_page_text(referent_client, person, "equipe")
    assert "Équipe de coordination" in text
    assert "Conseillère emploi" in text
    assert member.organisation.name in text
    assert "Identité et coordonnées, Étapes du parcours" in text
    assert "Accès suspendu : consentement retiré" in text
    assert "Historique" in text and "Ancien conseiller" in text
    assert "Inviter un professionnel d'une autre structure" in text
    assert "Modifier le partage" in text


def test_team_section_hidden_from_staff(client, person, staff_member):
    login_verified(client, staff_member)
    text = page_text(client.get(f"/personnes/{person.pk}/"))
    assert "Équipe de coordination" not in text


def test_team_section_for_a_member_offers_to_leave(client, person):
    member = co_follower(person)
    login_verified(client, member.user)
    text = page_text(client.get(f"/personnes/{person.pk}/"))
    assert "Quitter l'équipe" in text
    assert "Modifier le partage" not in text
    assert "Inviter un professionnel" not in text


# --- Inviting ------------------------------------------------------------------------------


def test_invitation_in_two_steps(referent_client, person, partner, professional):
    ConsentFactory(person=person, purpose="share_org", partner_organisation=partner)
    step1 = page_text(referent_client.get(invite_url(person)))
    assert "Mission locale du Rhône (Mission locale) — consentement au partage en vigueur" in step1
    step2 = page_text(referent_client.get(invite_url(person, partner)))
    assert "Diallo" in step2
    assert "Pas de consentement" not in step2
    response = referent_client.post(
        invite_url(person, partner),
        {
            "user": professional.pk,
            "role": "Conseillère mission locale",
            "categories": ["identity", "steps"],
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/personnes/{person.pk}/#equipe")
    member = TeamMember.objects.get()
    assert member.user == professional and member.organisation == partner
    entry = AccessLogEntry.objects.filter(action=JournalAction.CREATE).latest("pk")
    assert entry.target_type == "network.teammember"
    assert entry.person_id == person.pk and entry.organisation_id == person.organisation_id


def test_invitation_without_consent_is_refused_and_keeps_the_input(
    referent_client, person, partner, professional
):
    page = page_text(referent_client.get(invite_url(person, partner)))
    assert "Pas de consentement au partage avec cette structure" in page
    response = referent_client.post(
        invite_url(person, partner),
        {"user": professional.pk, "role": "Référente <b>emploi</b>", "categories": ["identity"]},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "n'a pas donné son consentement" in text
    assert 'value="Référente &lt;b&gt;emploi&lt;/b&gt;"' in response.content.decode()
    assert not TeamMember.objects.exists()


def test_invitation_bad_input(referent_client, person, partner, professional):
    ConsentFactory(person=person, purpose="share_org", partner_organisation=partner)
    response = referent_client.post(
        invite_url(person, partner),
        {"user": professional.pk, "role": "", "categories": ["health"]},
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Indiquez le rôle de ce professionnel" in text
    assert "Cochez cette case seulement si la personne a donné son accord explicite" in text
    assert not TeamMember.objects.exists()


def test_invitation_with_health_needs_the_agreement(referent_client, person, partner, professional):
    ConsentFactory(person=person, purpose="share_org", partner_organisation=partner)
    data = {
        "user": professional.pk,
        "role": "Infirmière",
        "categories": ["diagnostic", "health"],
        "health_confirmed": "on",
        "health_consent_on": timezone.localdate().isoformat(),
        "health_consent_method": "oral_witness",
        "health_consent_witness": "",
    }
    response = referent_client.post(invite_url(person, partner), data)
    assert "indiquez son nom" in page_text(response)
    data["health_consent_witness"] = "Mme Petit"
    response = referent_client.post(invite_url(person, partner), data)
    assert response.status_code == 302
    assert TeamMember.objects.get().health_consent_witness == "Mme Petit"


def test_invitation_of_an_unknown_or_own_organisation(referent_client, person, organisation):
    response = referent_client.get(f"{invite_url(person)}?structure={organisation.pk}")
    assert "n'est pas proposée" in page_text(response)
    response = referent_client.get(f"{invite_url(person)}?structure=abc")
    assert response.status_code == 200


def test_invitation_is_for_referents_and_managers(client, person, staff_member):
    login_verified(client, staff_member)
    assert client.get(invite_url(person)).status_code == 403


# --- Changing, ending, leaving ---------------------------------------------------------------


def test_change_sharing(referent_client, person):
    document = DocumentFactory(person=person, title="Attestation CAF")
    member = co_follower(person, categories=["identity"])
    url = f"/equipes/personnes/{person.pk}/membres/{member.pk}/partage/"
    text = page_text(referent_client.get(url))
    assert "Attestation CAF" in text
    response = referent_client.post(
        url,
        {
            "role": "Conseillère",
            "categories": ["identity", "documents"],
            "documents": [document.pk],
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.shared_categories == ["identity", "documents"]
    assert list(member.shared_documents.all()) == [document]


def test_change_sharing_of_another_persons_member_is_404(referent_client, person):
    stranger = co_follower(PersonFactory())
    url = f"/equipes/personnes/{person.pk}/membres/{stranger.pk}/partage/"
    assert referent_client.get(url).status_code == 404
    assert AccessLogEntry.objects.filter(action=JournalAction.DENIED).exists()


def test_end_membership(referent_client, person):
    member = co_follower(person)
    url = f"/equipes/personnes/{person.pk}/membres/{member.pk}/fin/"
    response = referent_client.post(url, {"reason": ""})
    assert "Indiquez pourquoi" in page_text(response)
    response = referent_client.post(url, {"reason": "Fin de l'accompagnement"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.ended_on == timezone.localdate()
    # Ended: the member's page is gone.
    assert referent_client.get(url).status_code == 302


def test_member_leaves(client, person):
    member = co_follower(person)
    login_verified(client, member.user)
    url = f"/equipes/personnes/{person.pk}/membres/{member.pk}/quitter/"
    assert "Vous n'aurez plus accès" in page_text(client.get(url))
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == "/equipes/co-suivis/"
    assert client.get(f"/personnes/{person.pk}/").status_code == 404
    member.refresh_from_db()
    assert member.end_reason == "A quitté l'équipe"


def test_nobody_else_leaves_for_a_member(client, person):
    member = co_follower(person)
    other = co_follower(person)
    login_verified(client, other.user)
    url = f"/equipes/personnes/{person.pk}/membres/{member.pk}/quitter/"
    assert client.post(url).status_code == 404
    member.refresh_from_db()
    assert member.ended_on is None


# --- Persons I co-follow -------------------------------------------------------------------


def test_cofollowed_list(client, person, partner, professional):
    co_follower(
        person, user=professional, organisation=partner, categories=["identity"], role="Conseillère"
    )
    hidden = PersonFactory(birth_name="Secret", first_names="Nom")
    co_follower(hidden, user=professional, organisation=partner, categories=["steps"], role="Appui")
    gone = PersonFactory(birth_name="Parti")
    co_follower(gone, user=professional, organisation=partner, ended=True)
    login_verified(client, professional)
    response = client.get("/equipes/co-suivis/")
    text = page_text(response)
    assert "MOREAU Lucas" in text
    assert f"Personne n° {hidden.pk}" in text
    assert "Secret" not in text and "SECRET" not in text
    assert "Parti" not in text and "PARTI" not in text
    assert "Conseillère" in text and "Appui" in text
    lists = AccessLogEntry.objects.filter(action=JournalAction.LIST, actor=professional)
    assert {e.organisation_id for e in lists} == {person.organisation_id, hidden.organisation_id}
    assert all(e.actor_organisation_id == partner.pk for e in lists)


def test_cofollowed_list_empty(client, professional):
    login_verified(client, professional)
    assert "Vous ne co-suivez aucune personne" in page_text(client.get("/equipes/co-suivis/"))
    assert not AccessLogEntry.objects.filter(action=JournalAction.LIST).exists()


def test_cofollowed_list_in_the_menu(client, professional):
    login_verified(client, professional)
    assert 'data-testid="nav-cofollowed"' in client.get("/equipes/co-suivis/").content.decode()


def test_cofollowed_persons_are_not_in_the_caseload_nor_the_search(client, person, partner):
    manager = MembershipFactory(organisation=partner, role="manager").user
    co_follower(person, user=manager, organisation=partner, categories=["identity"])
    staff = MembershipFactory(organisation=partner, role="staff").user
    co_follower(person, user=staff, organisation=partner, categories=["identity"])
    login_verified(client, manager)
    assert "Moreau" not in page_text(client.get("/")).title()
    client.logout()
    login_verified(client, staff)
    assert "MOREAU" not in page_text(client.get("/?q=moreau"))


# --- Note form of the organisation: the team visibility ------------------------------------


def test_note_form_offers_the_team_only_with_a_team(referent_client, person):
    url = f"/personnes/{person.pk}/ecrits/nouveau/"
    assert "L'équipe de coordination de la personne" not in page_text(referent_client.get(url))
    co_follower(person)
    assert "L'équipe de coordination de la personne" in page_text(referent_client.get(url))


def test_note_form_keeps_the_team_visibility_of_an_existing_note(referent_client, person, referent):
    note = NoteFactory(person=person, author=referent, visibility="team")
    text = page_text(referent_client.get(f"/personnes/{person.pk}/ecrits/{note.pk}/modifier/"))
    assert "L'équipe de coordination de la personne" in text


# --- Queries -------------------------------------------------------------------------------


def test_person_page_queries_constant_for_the_referent_with_a_team(
    referent_client, organisation, referent
):
    small = PersonFactory(organisation=organisation, referent=referent)
    large = PersonFactory(organisation=organisation, referent=referent)
    grow_record(small, referent, 1)
    grow_record(large, referent, 6)
    referent_client.get(f"/personnes/{small.pk}/")
    few = count_queries(lambda: referent_client.get(f"/personnes/{small.pk}/"))
    many = count_queries(lambda: referent_client.get(f"/personnes/{large.pk}/"))
    assert few == many
