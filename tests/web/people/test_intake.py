"""Intake at /personnes/nouvelle/: fields, bad input, duplicates then confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from relais.core.models import AccessLogEntry, JournalAction
from relais.people.models import Person
from tests.factories import PersonFactory
from tests.helpers import page_text

pytestmark = pytest.mark.django_db
URL = "/personnes/nouvelle/"


def form_data(**overrides):
    data = {
        "birth_name": "Dupont",
        "usage_name": "",
        "first_names": "Jean",
        "birth_date": "1985-03-12",
        "sex": "M",
        "phone": "06.12.34.56.78",
        "email": "jean.dupont@exemple.fr",
        "address": "3 rue de la République",
        "postal_code": "69003",
        "commune_code": "69383",
        "france_travail_id": "1234567a",
        "household": "alone_children",
        "children_ages": "3, 7",
        "resources": ["rsa", "family"],
        "education_level": "3",
        "languages": "français, arabe",
        "french_level": "fluent",
        "driving_licence": "b",
        "has_vehicle": "on",
        "administrative_status": "french",
        "referent": "",
    }
    data.update(overrides)
    return data


class TestForm:
    def test_referent_sees_every_field_and_is_the_default_referent(self, referent_client, referent):
        response = referent_client.get(URL)
        text = page_text(response)
        assert response.status_code == 200
        for label in ["Nom de naissance", "Ressources", "RQTH", "Identifiant France Travail"]:
            assert label in text
        assert "sécurité sociale" in text  # said not to be asked
        assert 'name="nir"' not in text
        assert f'<option value="{referent.pk}" selected>' in response.content.decode()

    def test_staff_may_create_but_records_identity_only(self, staff_client, organisation):
        response = staff_client.get(URL)
        assert response.status_code == 200
        assert "Ressources" not in page_text(response)
        response = staff_client.post(URL, form_data(resources=["rsa"], rqth="on"))
        person = Person.objects.get()
        assert response.status_code == 302
        assert person.resources == [] and person.rqth is False
        assert person.phone == "06 12 34 56 78"
        assert person.referent is None

    def test_creation(self, referent_client, referent, organisation):
        response = referent_client.post(URL, form_data(referent=referent.pk))
        person = Person.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/personnes/{person.pk}/"
        assert person.organisation == organisation
        assert person.children_ages == [3, 7]
        assert person.resources == ["rsa", "family"]
        assert person.france_travail_id == "1234567A"
        assert person.has_vehicle and not person.rqth
        assert person.referent == referent and person.created_by == referent
        entry = AccessLogEntry.objects.get(action=JournalAction.CREATE)
        assert entry.person_id == person.pk


class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("birth_name", "x" * 10_000, "au plus 100 caractères"),
            ("first_names", "", "Ce champ est obligatoire"),
            ("birth_date", "2000-02-31", "Cette date n'existe pas"),
            ("birth_date", "31/02/2000", "Cette date n'existe pas"),
            ("birth_date", "demain", "Cette date n'existe pas"),
            ("phone", "12 34", "Numéro de téléphone non reconnu"),
            ("email", "jean.dupont@", "Adresse e-mail non valide"),
            ("commune_code", "99999", "Aucune commune"),
            ("children_ages", "trois", "Indiquez l'âge de chaque enfant"),
            ("france_travail_id", "12", "Identifiant France Travail non reconnu"),
            ("resources", ["none", "rsa"], "Aucune ressource"),
        ],
    )
    def test_clear_error_and_input_kept(self, referent_client, field, value, message):
        response = referent_client.post(URL, form_data(**{field: value}))
        assert response.status_code == 200
        assert message in page_text(response)
        assert not Person.objects.exists()
        assert 'value="jean.dupont@' in response.content.decode()  # typed input kept

    def test_future_birth_date_and_age_limits(self, referent_client):
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        response = referent_client.post(URL, form_data(birth_date=tomorrow.isoformat()))
        assert "ne peut pas être dans le futur" in page_text(response)
        ten = timezone.localdate().replace(year=timezone.localdate().year - 10)
        response = referent_client.post(URL, form_data(birth_date=ten.isoformat()))
        assert "14 ans et plus" in page_text(response)
        response = referent_client.post(URL, form_data(birth_date="1890-01-01"))
        assert "âge maximal accepté : 110 ans" in page_text(response)

    def test_html_is_escaped(self, referent_client):
        evil = "<script>alert('x')</script>"
        response = referent_client.post(URL, form_data(birth_name=evil, phone="nope"))
        content = response.content.decode()
        assert evil not in content
        assert "&lt;script&gt;" in content

    def test_markup_in_a_name_refused_with_every_other_error(self, referent_client):
        response = referent_client.post(
            URL, form_data(birth_name="<b>Dupont</b>", first_names="Jean3", phone="nope")
        )
        text = page_text(response)
        assert "« Nom de naissance » ne peut contenir que des lettres" in text
        assert "« Prénom(s) » ne peut contenir que des lettres" in text
        assert "Numéro de téléphone non reconnu" in text
        assert not Person.objects.exists()

    def test_children_ages_required_with_children(self, referent_client):
        response = referent_client.post(URL, form_data(children_ages=""))
        assert "Indiquez l'âge de chaque enfant" in page_text(response)


class TestDuplicates:
    @pytest.fixture
    def existing(self, organisation, referent):
        return PersonFactory(
            organisation=organisation,
            referent=referent,
            birth_name="DUPONT",
            first_names="Jéan",
            birth_date=dt.date(1985, 12, 3),
        )

    def test_warning_then_confirmation(self, referent_client, existing):
        response = referent_client.post(URL, form_data())
        text = page_text(response)
        assert response.status_code == 200
        assert "Cette personne est peut-être déjà suivie par votre structure" in text
        assert f'href="/personnes/{existing.pk}/"' in text
        assert "jour et mois de naissance inversés" in text
        assert Person.objects.count() == 1
        listed = AccessLogEntry.objects.get(action=JournalAction.LIST)
        assert "doublon" in listed.summary
        check_key = response.context["check_key"]
        assert check_key

        # The user confirms it is someone else.
        response = referent_client.post(URL, form_data(confirm_different="1", check_key=check_key))
        assert response.status_code == 302
        assert Person.objects.count() == 2
        created = AccessLogEntry.objects.get(action=JournalAction.CREATE)
        assert f"n° {existing.pk}" in created.summary

    def test_confirmation_is_valid_only_for_what_was_checked(self, referent_client, existing):
        response = referent_client.post(URL, form_data())
        key = response.context["check_key"]
        # The user corrects the birth date, then confirms: the check runs again.
        response = referent_client.post(
            URL, form_data(birth_date="1985-12-03", confirm_different="1", check_key=key)
        )
        assert response.status_code == 200
        assert "même date de naissance" in page_text(response)
        assert Person.objects.count() == 1

    def test_forged_confirmation_without_key_does_not_skip_the_check(
        self, referent_client, existing
    ):
        response = referent_client.post(URL, form_data(confirm_different="1"))
        assert response.status_code == 200
        assert "déjà suivie" in page_text(response)

    def test_no_duplicate_creates_directly(self, referent_client, existing):
        response = referent_client.post(URL, form_data(birth_name="Martin", first_names="Claire"))
        assert response.status_code == 302


def test_confirmed_but_refused_by_the_service_shows_duplicates_again(
    referent_client, organisation, referent, monkeypatch
):
    from relais.core.errors import DomainError
    from relais.people import services

    PersonFactory(
        organisation=organisation,
        birth_name="Dupont",
        first_names="Jean",
        birth_date=dt.date(1985, 3, 12),
    )
    response = referent_client.post(URL, form_data())
    key = response.context["check_key"]

    def refuse(**kwargs):
        raise DomainError("Refusé pour le test.", field="birth_name")

    monkeypatch.setattr(services, "person_create", refuse)
    response = referent_client.post(URL, form_data(confirm_different="1", check_key=key))
    assert response.status_code == 200
    assert "Refusé pour le test." in page_text(response)
    assert "déjà suivie" in page_text(response)


class TestCommune:
    """#9, defect 6: intake takes a commune as people say it, with the search page's
    suggestions; nobody at a desk knows an INSEE code."""

    @pytest.mark.parametrize(
        ("typed", "code"),
        [
            ("Lyon 3e", "69383"),
            ("Lyon 03", "69383"),
            ("Vaulx-en-Velin (69256)", "69256"),
            ("St Priest (69290)", "69290"),
            ("69383", "69383"),
        ],
    )
    def test_typed_as_people_say_it(self, referent_client, typed, code):
        response = referent_client.post(URL, form_data(commune_code=typed))
        assert response.status_code == 302, page_text(response)
        assert Person.objects.get().commune_code == code

    def test_ambiguous_or_unknown_is_explained_and_kept(self, referent_client):
        response = referent_client.post(URL, form_data(commune_code="Saint-Denis"))
        assert response.status_code == 200
        assert "Plusieurs communes" in page_text(response)
        assert 'value="Saint-Denis"' in response.content.decode()
        assert not Person.objects.exists()

    def test_the_field_asks_for_suggestions_and_shows_the_name(self, referent_client, referent):
        page = referent_client.get(URL).content.decode()
        assert 'list="communes-suggestions"' in page
        assert "/recherche/communes/" in page
        suggestions = referent_client.get("/recherche/communes/?commune_code=Lyon+3").content
        assert "Lyon 3e Arrondissement (69383)" in suggestions.decode()
        person = PersonFactory(organisation=referent.memberships.get().organisation)
        person.commune_code = "69256"
        person.save()
        edit = referent_client.get(f"/personnes/{person.pk}/modifier/").content.decode()
        assert 'value="Vaulx-en-Velin (69256)"' in edit
