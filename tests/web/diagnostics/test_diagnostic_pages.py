"""Diagnostic pages: new (pre-filled), detail, edit with optimistic locking, validation with
the person, live urgency suggestion; permissions, journal, bad input and escaping."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from relais.core.models import AccessLogEntry, JournalAction
from relais.diagnostics import services
from relais.diagnostics.models import Diagnostic, Urgency
from relais.diagnostics.services import AssessmentInput, DiagnosticInput
from tests.factories import (
    DiagnosticFactory,
    DomainAssessmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.helpers import login_verified, page_text

pytestmark = pytest.mark.django_db


def today() -> str:
    return timezone.localdate().isoformat()


def form_data(**overrides) -> dict:
    data = {"assessed_on": today()}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def person(organisation, referent):
    return PersonFactory(organisation=organisation, referent=referent, birth_name="Benali")


def url(person, name="create", diagnostic=None):
    base = f"/personnes/{person.pk}/diagnostics/"
    if name == "create":
        return base + "nouveau/"
    suffix = {"detail": "", "edit": "modifier/", "validate": "valider/"}[name]
    return f"{base}{diagnostic.pk}/{suffix}"


def saved(person, referent, **kwargs) -> Diagnostic:
    kwargs.setdefault("assessed_on", timezone.localdate() - timedelta(days=30))
    return services.diagnostic_create(
        person=person, author=referent, data=DiagnosticInput(**kwargs)
    )


def entries(action, **filters):
    return AccessLogEntry.objects.filter(action=action, **filters)


class TestCreate:
    def test_empty_form_has_twelve_collapsible_domains(self, referent_client, person):
        response = referent_client.get(url(person))
        assert response.status_code == 200
        text = page_text(response)
        assert text.count('class="fr-accordion"') == 12
        assert "Pré-rempli" not in text
        assert "Logement et hébergement" in text
        assert "situation France Travail FT 27.24" in text  # FT code next to FT barriers
        assert "Niveau suggéré" in text
        assert entries(JournalAction.VIEW, person_id=person.pk).exists()

    def test_prefilled_from_the_latest_diagnostic(self, referent_client, person, referent):
        saved(
            person,
            referent,
            assessed_on=timezone.localdate() - timedelta(days=200),
            assessments=(AssessmentInput("housing", situation="Ancienne situation"),),
        )
        saved(
            person,
            referent,
            no_resources=True,
            assessments=(
                AssessmentInput(
                    "housing", difficulty=2, situation="Hébergée chez sa sœur", barriers=("R60",)
                ),
            ),
            validated_with_person_on=timezone.localdate() - timedelta(days=29),
        )
        text = page_text(referent_client.get(url(person)))
        assert "Pré-rempli à partir du diagnostic du" in text
        assert "Hébergée chez sa sœur" in text
        assert "Ancienne situation" not in text
        assert re.search(r'name="housing-barriers" value="R60"[^>]*checked', text)
        assert re.search(r'name="no_resources"[^>]*checked', text)
        # A new diagnostic is dated today and not yet validated.
        assert f'name="assessed_on" value="{today()}"' in text
        assert re.search(r'name="validated_with_person_on"(?![^>]*value=)', text)

    def test_creating_keeps_the_old_one_and_journals(self, referent_client, person, referent):
        old = saved(person, referent, assessments=(AssessmentInput("housing", difficulty=3),))
        response = referent_client.post(
            url(person),
            form_data(
                **{
                    "housing-difficulty": "1",
                    "housing-situation": "Logement social obtenu",
                    "housing-barriers": ["FT26"],
                    "digital-person_words": "Je veux être autonome",
                    "person_expectations": "Travailler dans la logistique",
                }
            ),
        )
        new = Diagnostic.objects.exclude(pk=old.pk).get()
        assert response.status_code == 302
        assert response["Location"] == url(person, "detail", new)
        assert {a.domain for a in new.assessments.all()} == {"housing", "digital"}
        assert new.assessments.get(domain="housing").barriers == ["FT26"]
        assert new.author == referent
        assert old.assessments.get().difficulty == 3
        entry = entries(JournalAction.CREATE).get()
        assert entry.target_type == "diagnostics.diagnostic"
        assert entry.target_id == str(new.pk)
        assert entry.person_id == person.pk

    def test_shows_the_suggestion_with_its_reason(self, referent_client, person):
        response = referent_client.post(
            url(person),
            form_data(no_shelter_tonight="on", **{"health-difficulty": "3"}),
            follow=True,
        )
        text = page_text(response)
        assert "Immédiat (aujourd'hui)" in text
        assert "Sans solution d'hébergement ce soir : appeler le 115 / SIAO." in text
        assert "Difficulté bloquante : santé." in text
        diagnostic = Diagnostic.objects.get()
        assert diagnostic.urgency == diagnostic.urgency_suggested == Urgency.IMMEDIATE

    def test_override_without_justification_is_refused_and_input_kept(
        self, referent_client, person
    ):
        response = referent_client.post(
            url(person),
            form_data(
                violence="on",
                urgency=str(Urgency.WATCH),
                **{"family-situation": "Séparation récente, deux enfants"},
            ),
        )
        assert response.status_code == 200
        text = page_text(response)
        assert "écrivez pourquoi" in text
        assert "Séparation récente, deux enfants" in text
        assert re.search(r'<option value="1" selected>', text)
        assert not Diagnostic.objects.exists()

    def test_override_with_justification(self, referent_client, person):
        referent_client.post(
            url(person),
            form_data(
                violence="on",
                urgency=str(Urgency.HIGH),
                urgency_override_reason="Mise à l'abri faite hier par le 115.",
            ),
        )
        diagnostic = Diagnostic.objects.get()
        assert diagnostic.urgency_suggested == Urgency.IMMEDIATE
        assert diagnostic.urgency == Urgency.HIGH
        text = page_text(referent_client.get(url(person, "detail", diagnostic)))
        assert "Mise à l'abri faite hier par le 115." in text
        assert "Violences déclarées" in text


class TestBadInput:
    def post(self, client, person, **fields):
        response = client.post(url(person), form_data(**fields))
        assert response.status_code == 200
        assert not Diagnostic.objects.exists()
        return page_text(response)

    def test_difficulty_seven(self, referent_client, person):
        text = self.post(
            referent_client, person, **{"health-difficulty": "7", "health-situation": "Suivi CMP"}
        )
        assert "Sélectionnez un choix valide" in text
        assert "Suivi CMP" in text
        # The domain with the error is opened.
        assert re.search(r'aria-expanded="true" aria-controls="domaine-health"', text)
        assert re.search(r'aria-expanded="false" aria-controls="domaine-housing"', text)

    def test_unknown_barrier_code(self, referent_client, person):
        text = self.post(referent_client, person, **{"housing-barriers": ["FT24", "XX1"]})
        assert "Sélectionnez un choix valide" in text
        assert "XX1" in text

    def test_barrier_of_another_domain(self, referent_client, person):
        text = self.post(referent_client, person, **{"housing-barriers": ["FT8"]})
        assert "Sélectionnez un choix valide" in text

    def test_date_in_the_future(self, referent_client, person):
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        text = self.post(referent_client, person, assessed_on=tomorrow)
        assert "ne peut pas être dans le futur" in text

    @pytest.mark.parametrize("value", ["2026-02-30", "demain", "31/13/2025", ""])
    def test_impossible_or_missing_date(self, referent_client, person, value):
        text = self.post(referent_client, person, assessed_on=value)
        assert "Saisissez une date valide" in text or "Ce champ est obligatoire" in text

    def test_validation_before_the_diagnostic(self, referent_client, person):
        text = self.post(
            referent_client,
            person,
            assessed_on=(timezone.localdate() - timedelta(days=2)).isoformat(),
            validated_with_person_on=(timezone.localdate() - timedelta(days=3)).isoformat(),
        )
        assert "ne peut pas précéder" in text

    def test_too_long_text(self, referent_client, person):
        text = self.post(referent_client, person, **{"budget-barriers_other": "x" * 501})
        assert "500 caractères" in text

    def test_html_is_shown_escaped(self, referent_client, person):
        hostile = '<script>alert("x")</script><b>gras</b>'
        referent_client.post(
            url(person),
            form_data(
                person_expectations=hostile,
                **{
                    "housing-situation": hostile,
                    "housing-person_words": hostile,
                    "housing-difficulty": "2",
                },
            ),
        )
        diagnostic = Diagnostic.objects.get()
        body = referent_client.get(url(person, "detail", diagnostic)).content.decode()
        assert "<script>alert" not in body
        assert "<b>gras</b>" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
        edit = referent_client.get(url(person, "edit", diagnostic)).content.decode()
        assert "<script>alert" not in edit


class TestDetail:
    def test_shows_the_diagnostic_and_journals_the_view(self, referent_client, person, referent):
        diagnostic = saved(
            person,
            referent,
            eviction_on=timezone.localdate(),
            person_expectations="Garder mon appartement",
            assessments=(
                AssessmentInput(
                    "housing", difficulty=3, barriers=("FT27",), strengths="Bail à son nom"
                ),
            ),
        )
        response = referent_client.get(url(person, "detail", diagnostic))
        assert response.status_code == 200
        text = page_text(response)
        assert "Garder mon appartement" in text
        assert "Doit quitter le logement" in text
        assert "FT 27.27" in text
        assert "Bail à son nom" in text
        assert "Expulsion prévue le" in text
        assert "Niveau retenu" in text
        assert "Santé" in page_text(response).split("Domaines non abordés")[1]
        entry = entries(JournalAction.VIEW, target_type="diagnostics.diagnostic").get()
        assert entry.target_id == str(diagnostic.pk)
        assert entry.person_id == person.pk

    def test_diagnostic_of_another_person_is_not_found(
        self, referent_client, person, organisation, referent
    ):
        other = PersonFactory(organisation=organisation)
        diagnostic = saved(other, referent)
        assert referent_client.get(url(person, "detail", diagnostic)).status_code == 404
        assert referent_client.get(url(person, "edit", diagnostic)).status_code == 404


class TestValidate:
    def test_marks_validated(self, referent_client, person, referent):
        diagnostic = saved(person, referent)
        response = referent_client.post(
            url(person, "validate", diagnostic),
            {"version": "1", "validated_on": today()},
            follow=True,
        )
        assert "Diagnostic marqué comme validé avec la personne le" in page_text(response)
        diagnostic.refresh_from_db()
        assert diagnostic.validated_with_person_on == timezone.localdate()
        assert entries(JournalAction.UPDATE, target_id=str(diagnostic.pk)).exists()

    def test_future_date_refused(self, referent_client, person, referent):
        diagnostic = saved(person, referent)
        tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
        response = referent_client.post(
            url(person, "validate", diagnostic), {"version": "1", "validated_on": tomorrow}
        )
        assert response.status_code == 200
        assert "ne peut pas être dans le futur" in page_text(response)
        diagnostic.refresh_from_db()
        assert diagnostic.validated_with_person_on is None

    def test_stale_version(self, referent_client, person, referent):
        diagnostic = saved(person, referent)
        response = referent_client.post(
            url(person, "validate", diagnostic),
            {"version": "7", "validated_on": today()},
            follow=True,
        )
        assert "Modifié entre-temps" in page_text(response)

    def test_get_not_allowed(self, referent_client, person, referent):
        diagnostic = saved(person, referent)
        assert referent_client.get(url(person, "validate", diagnostic)).status_code == 405


class TestEdit:
    def test_edit_form_shows_the_saved_values_and_saving_journals_an_update(
        self, referent_client, person, referent
    ):
        diagnostic = saved(
            person,
            referent,
            violence=True,
            urgency=Urgency.HIGH,
            urgency_override_reason="Déjà mise à l'abri",
            assessments=(AssessmentInput("mobility", difficulty=2, barriers=("FT8",)),),
        )
        text = page_text(referent_client.get(url(person, "edit", diagnostic)))
        assert 'name="version" value="1"' in text
        assert "Déjà mise à l&#x27;abri" in text or "Déjà mise à l'abri" in text
        assert re.search(r'name="mobility-barriers" value="FT8"[^>]*checked', text)
        response = referent_client.post(
            url(person, "edit", diagnostic),
            form_data(
                version="1",
                assessed_on=diagnostic.assessed_on.isoformat(),
                **{"mobility-difficulty": "1", "mobility-situation": "Permis obtenu"},
            ),
        )
        assert response.status_code == 302
        diagnostic.refresh_from_db()
        assert diagnostic.version == 2
        assert diagnostic.violence is False  # unticked
        assert diagnostic.urgency == diagnostic.urgency_suggested == Urgency.NONE  # recomputed
        assert diagnostic.assessments.get().situation == "Permis obtenu"
        assert entries(JournalAction.UPDATE, target_id=str(diagnostic.pk)).exists()

    def test_version_is_required(self, referent_client, person, referent):
        diagnostic = saved(person, referent)
        response = referent_client.post(
            url(person, "edit", diagnostic),
            form_data(assessed_on=diagnostic.assessed_on.isoformat()),
        )
        assert response.status_code == 200
        assert "rechargez la page" in page_text(response)
        diagnostic.refresh_from_db()
        assert diagnostic.version == 1

    def test_two_referents_editing_the_second_is_told_and_keeps_input(
        self, client, person, referent, organisation
    ):
        diagnostic = saved(
            person,
            referent,
            assessments=(AssessmentInput("housing", difficulty=2, situation="Début"),),
        )
        colleague = MembershipFactory(
            organisation=organisation,
            role="referent",
            user__first_name="Léa",
            user__last_name="Martin",
        ).user
        first, second = Client(), Client()
        login_verified(first, colleague)
        login_verified(second, referent)
        # Both opened the form at version 1.
        assert 'name="version" value="1"' in page_text(first.get(url(person, "edit", diagnostic)))
        assert 'name="version" value="1"' in page_text(second.get(url(person, "edit", diagnostic)))
        common = {"version": "1", "assessed_on": diagnostic.assessed_on.isoformat()}
        response = first.post(
            url(person, "edit", diagnostic),
            {**common, "housing-difficulty": "1", "housing-situation": "Version de Léa"},
        )
        assert response.status_code == 302
        response = second.post(
            url(person, "edit", diagnostic),
            {**common, "housing-difficulty": "3", "housing-situation": "Ma version à moi"},
        )
        assert response.status_code == 200
        text = page_text(response)
        assert "Modifié entre-temps par Léa Martin" in text
        assert "Ma version à moi" in text  # input kept
        assert "Logement et hébergement — situation" in text  # what differs
        assert "Version de Léa" in text  # the saved value, shown for comparison
        assert 'name="version" value="2"' in text  # saving again is deliberate
        diagnostic.refresh_from_db()
        assert diagnostic.version == 2
        assert diagnostic.assessments.get().situation == "Version de Léa"
        # Saving again after reading the message goes through.
        response = second.post(
            url(person, "edit", diagnostic),
            {
                **common,
                "version": "2",
                "housing-difficulty": "3",
                "housing-situation": "Ma version à moi",
            },
        )
        assert response.status_code == 302
        assert diagnostic.assessments.get().situation == "Ma version à moi"


class TestUrgencyPreview:
    PREVIEW = "/personnes/diagnostics/urgence/"

    def test_fragment_with_level_and_reasons(self, referent_client):
        in_ten_days = (timezone.localdate() + timedelta(days=10)).isoformat()
        response = referent_client.post(
            self.PREVIEW,
            {"assessed_on": today(), "eviction_on": in_ten_days},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        text = page_text(response)
        assert "Urgent (sous 7 jours)" in text
        assert "Expulsion prévue dans 10 jours." in text
        assert "<html" not in text

    def test_nothing_fires(self, referent_client):
        text = page_text(referent_client.post(self.PREVIEW, {"assessed_on": today()}))
        assert "Pas d'urgence" in text
        assert "Aucune règle d'urgence ne s'applique" in text

    def test_bad_values_are_ignored(self, referent_client):
        response = referent_client.post(
            self.PREVIEW,
            {
                "assessed_on": "n'importe quoi",
                "eviction_on": "2026-02-31",
                "housing-difficulty": "9",
            },
        )
        assert response.status_code == 200

    def test_staff_and_get_refused(self, client, staff_member, referent_client):
        assert referent_client.get(self.PREVIEW).status_code == 405
        login_verified(client, staff_member)
        assert client.post(self.PREVIEW, {"assessed_on": today()}).status_code == 403


class TestPermissions:
    def pages(self, person, diagnostic):
        return [
            ("get", url(person)),
            ("post", url(person)),
            ("get", url(person, "detail", diagnostic)),
            ("get", url(person, "edit", diagnostic)),
            ("post", url(person, "edit", diagnostic)),
            ("post", url(person, "validate", diagnostic)),
        ]

    def test_staff_is_refused_every_page_and_it_is_journaled(
        self, client, staff_member, person, referent
    ):
        diagnostic = saved(person, referent)
        login_verified(client, staff_member)
        for method, path in self.pages(person, diagnostic):
            response = getattr(client, method)(path, form_data(version="1"))
            assert response.status_code == 403, path
            assert "Accès refusé" in page_text(response)
        denied = entries(JournalAction.DENIED, person_id=person.pk, actor=staff_member)
        assert denied.count() == 6
        assert all("accompagnement" in e.summary for e in denied)
        diagnostic.refresh_from_db()
        assert diagnostic.version == 1

    def test_other_organisation_gets_404_and_it_is_journaled(self, client, person, referent):
        diagnostic = saved(person, referent)
        outsider = MembershipFactory(organisation=OrganisationFactory(), role="manager").user
        login_verified(client, outsider)
        for method, path in self.pages(person, diagnostic):
            response = getattr(client, method)(path, form_data(version="1"))
            assert response.status_code == 404, path
        denied = entries(JournalAction.DENIED, person_id=person.pk, actor=outsider)
        assert denied.count() == 6
        assert all(e.organisation_id == person.organisation_id for e in denied)
        assert Diagnostic.objects.count() == 1

    def test_anonymous_is_sent_to_login(self, client, person):
        response = client.get(url(person))
        assert response.status_code == 302
        assert "connexion" in response["Location"] or "login" in response["Location"]

    def test_manager_may(self, manager_client, person):
        assert manager_client.get(url(person)).status_code == 200


def test_factory_diagnostic_with_assessments_renders(referent_client, person):
    """Rows written by other code (demo data, API) render too, including a barrier code
    that left the vocabulary."""
    diagnostic = DiagnosticFactory(person=person)
    DomainAssessmentFactory(diagnostic=diagnostic, domain="housing", barriers=["FT24", "OLD9"])
    text = page_text(referent_client.get(url(person, "detail", diagnostic)))
    assert "Sans hébergement" in text
    assert "OLD9" in text
