"""Services of the shared diagnostic: create, update (optimistic locking), validation with
the person, urgency suggestion recomputed from the facts, justified overrides."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from relais.core.errors import DomainError, StaleObjectError
from relais.diagnostics import services
from relais.diagnostics.models import Diagnostic, DomainAssessment, Urgency
from relais.diagnostics.services import AssessmentInput, DiagnosticInput
from tests.factories import DiagnosticFactory, DomainAssessmentFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def person():
    return PersonFactory(birth_date=date(1985, 4, 2))


@pytest.fixture
def author():
    return UserFactory(first_name="Awa", last_name="Diallo")


def data(**kwargs) -> DiagnosticInput:
    kwargs.setdefault("assessed_on", TODAY())
    return DiagnosticInput(**kwargs)


def housing(**kwargs) -> AssessmentInput:
    kwargs.setdefault("difficulty", 2)
    return AssessmentInput(domain="housing", **kwargs)


class TestCreate:
    def test_stores_the_addressed_domains_only(self, person, author):
        diagnostic = services.diagnostic_create(
            person=person,
            author=author,
            data=data(
                person_expectations="  Trouver un logement  ",
                assessments=(
                    housing(situation="Hébergée chez sa sœur", barriers=("FT24", "R60")),
                    AssessmentInput(domain="health"),  # left empty: not addressed
                    AssessmentInput(domain="digital", person_words="Je veux apprendre"),
                ),
            ),
        )
        assert diagnostic.version == 1
        assert diagnostic.author == author
        assert diagnostic.updated_by == author
        assert diagnostic.person_expectations == "Trouver un logement"
        stored = {a.domain: a for a in diagnostic.assessments.all()}
        assert set(stored) == {"housing", "digital"}
        assert stored["housing"].barriers == ["FT24", "R60"]
        assert stored["digital"].difficulty is None

    def test_keeps_the_earlier_diagnostics(self, person, author):
        old = DiagnosticFactory(person=person, assessed_on=TODAY() - timedelta(days=90))
        DomainAssessmentFactory(diagnostic=old, domain="housing", difficulty=3)
        services.diagnostic_create(
            person=person, author=author, data=data(assessments=(housing(difficulty=1),))
        )
        assert person.diagnostics.count() == 2
        assert old.assessments.get().difficulty == 3

    def test_no_fact_no_urgency(self, person, author):
        diagnostic = services.diagnostic_create(person=person, author=author, data=data())
        assert diagnostic.urgency_suggested == Urgency.NONE
        assert diagnostic.urgency == Urgency.NONE
        assert diagnostic.urgency_reasons == []

    def test_suggestion_and_reasons_are_computed_and_stored(self, person, author):
        diagnostic = services.diagnostic_create(
            person=person,
            author=author,
            data=data(
                no_resources=True,
                eviction_on=TODAY() + timedelta(days=12),
                assessments=(housing(difficulty=3),),
            ),
        )
        assert diagnostic.urgency_suggested == Urgency.HIGH
        assert diagnostic.urgency == Urgency.HIGH  # retained: the suggestion
        assert diagnostic.urgency_reasons == [
            "Expulsion prévue dans 12 jours.",
            "Aucune ressource : aide d'urgence et ouverture des droits.",
            "Difficulté bloquante : logement et hébergement.",
        ]

    def test_blocking_difficulty_in_an_empty_domain_does_not_count(self, person, author):
        diagnostic = services.diagnostic_create(
            person=person, author=author, data=data(assessments=(housing(difficulty=None),))
        )
        assert diagnostic.urgency_suggested == Urgency.NONE


class TestOverride:
    def test_another_level_requires_a_justification(self, person, author):
        with pytest.raises(DomainError) as caught:
            services.diagnostic_create(
                person=person,
                author=author,
                data=data(violence=True, urgency=Urgency.HIGH, urgency_override_reason="   "),
            )
        assert caught.value.field == "urgency_override_reason"
        assert "Immédiat" in caught.value.message
        assert not Diagnostic.objects.exists()

    def test_justified_override_is_stored(self, person, author):
        diagnostic = services.diagnostic_create(
            person=person,
            author=author,
            data=data(
                violence=True,
                urgency=Urgency.HIGH,
                urgency_override_reason="Mise à l'abri faite hier, en lien avec le CIDFF.",
            ),
        )
        assert diagnostic.urgency_suggested == Urgency.IMMEDIATE
        assert diagnostic.urgency == Urgency.HIGH
        assert diagnostic.is_overridden
        assert diagnostic.urgency_override_reason.startswith("Mise à l'abri")

    def test_retaining_the_suggested_level_is_not_an_override(self, person, author):
        diagnostic = services.diagnostic_create(
            person=person,
            author=author,
            data=data(
                no_resources=True,
                urgency=Urgency.HIGH,
                urgency_override_reason="inutile",
            ),
        )
        assert not diagnostic.is_overridden
        assert diagnostic.urgency_override_reason == ""

    def test_raising_the_level_needs_a_justification_too(self, person, author):
        with pytest.raises(DomainError):
            services.diagnostic_create(
                person=person, author=author, data=data(urgency=Urgency.WATCH)
            )

    def test_database_refuses_an_unjustified_override(self, person, author):
        with pytest.raises(IntegrityError), transaction.atomic():
            DiagnosticFactory(
                person=person, urgency_suggested=Urgency.IMMEDIATE, urgency=Urgency.NONE
            )

    def test_unknown_level(self, person, author):
        with pytest.raises(DomainError) as caught:
            services.diagnostic_create(person=person, author=author, data=data(urgency=7))
        assert caught.value.field == "urgency"


class TestBadInput:
    def test_difficulty_out_of_range(self, person, author):
        with pytest.raises(DomainError) as caught:
            services.diagnostic_create(
                person=person, author=author, data=data(assessments=(housing(difficulty=7),))
            )
        assert caught.value.field == "housing.difficulty"
        assert not Diagnostic.objects.exists()

    def test_unknown_barrier(self, person, author):
        with pytest.raises(DomainError) as caught:
            services.diagnostic_create(
                person=person,
                author=author,
                data=data(assessments=(housing(barriers=("FT24", "ZZ99")),)),
            )
        assert caught.value.field == "housing.barriers"
        assert "ZZ99" in caught.value.message

    def test_barrier_of_another_domain(self, person, author):
        with pytest.raises(DomainError):
            services.diagnostic_create(
                person=person,
                author=author,
                data=data(assessments=(housing(barriers=("FT8",)),)),  # a mobility barrier
            )

    def test_unknown_or_repeated_domain(self, person, author):
        with pytest.raises(DomainError):
            services.diagnostic_create(
                person=person,
                author=author,
                data=data(assessments=(AssessmentInput(domain="astrologie", difficulty=1),)),
            )
        with pytest.raises(DomainError):
            services.diagnostic_create(
                person=person, author=author, data=data(assessments=(housing(), housing()))
            )

    def test_date_in_the_future(self, person, author):
        with pytest.raises(DomainError) as caught:
            services.diagnostic_create(
                person=person, author=author, data=data(assessed_on=TODAY() + timedelta(days=1))
            )
        assert caught.value.field == "assessed_on"

    def test_date_before_birth(self, person, author):
        with pytest.raises(DomainError):
            services.diagnostic_create(
                person=person, author=author, data=data(assessed_on=date(1980, 1, 1))
            )

    def test_validation_before_the_diagnostic_or_in_the_future(self, person, author):
        for wrong in (TODAY() - timedelta(days=1), TODAY() + timedelta(days=1)):
            with pytest.raises(DomainError) as caught:
                services.diagnostic_create(
                    person=person, author=author, data=data(validated_with_person_on=wrong)
                )
            assert caught.value.field == "validated_with_person_on"

    def test_text_too_long(self, person, author):
        with pytest.raises(DomainError) as caught:
            services.diagnostic_create(
                person=person,
                author=author,
                data=data(assessments=(housing(situation="x" * 5001),)),
            )
        assert caught.value.field == "housing.situation"
        assert "5000" in caught.value.message


class TestUpdate:
    @pytest.fixture
    def diagnostic(self, person, author):
        return services.diagnostic_create(
            person=person,
            author=author,
            data=data(
                assessed_on=TODAY() - timedelta(days=5),
                assessments=(
                    housing(situation="Chez un tiers"),
                    AssessmentInput("digital", difficulty=1),
                ),
            ),
        )

    def test_update_bumps_the_version_and_recomputes_the_suggestion(self, diagnostic, author):
        colleague = UserFactory()
        before = diagnostic.urgency_suggested
        updated = services.diagnostic_update(
            diagnostic=diagnostic,
            actor=colleague,
            expected_version=1,
            data=data(
                assessed_on=diagnostic.assessed_on,
                no_shelter_tonight=True,
                assessments=(
                    housing(difficulty=3, situation="À la rue depuis hier"),
                    AssessmentInput("digital"),  # now empty: removed
                    AssessmentInput("health", difficulty=1),
                ),
            ),
        )
        assert before == Urgency.NONE
        assert updated.version == 2
        assert updated.updated_by == colleague
        assert updated.urgency_suggested == Urgency.IMMEDIATE
        assert updated.urgency == Urgency.IMMEDIATE
        assert "115" in updated.urgency_reasons[0]
        stored = {a.domain: a for a in updated.assessments.all()}
        assert set(stored) == {"housing", "health"}
        assert stored["housing"].situation == "À la rue depuis hier"

    def test_facts_gone_the_suggestion_goes_down(self, person, author):
        diagnostic = services.diagnostic_create(
            person=person, author=author, data=data(no_resources=True)
        )
        assert diagnostic.urgency == Urgency.HIGH
        updated = services.diagnostic_update(
            diagnostic=diagnostic, actor=author, expected_version=1, data=data()
        )
        assert updated.urgency_suggested == Urgency.NONE
        assert updated.urgency == Urgency.NONE
        assert updated.urgency_reasons == []

    def test_two_saves_from_the_same_version_the_second_is_refused(self, diagnostic, author):
        first_user, second_user = UserFactory(first_name="Léa", last_name="Martin"), UserFactory()
        first = Diagnostic.objects.get(pk=diagnostic.pk)
        second = Diagnostic.objects.get(pk=diagnostic.pk)
        services.diagnostic_update(
            diagnostic=first,
            actor=first_user,
            expected_version=1,
            data=data(
                assessed_on=diagnostic.assessed_on,
                assessments=(housing(situation="Version de Léa", difficulty=1),),
            ),
        )
        with pytest.raises(StaleObjectError) as caught:
            services.diagnostic_update(
                diagnostic=second,
                actor=second_user,
                expected_version=1,
                data=data(
                    assessed_on=diagnostic.assessed_on,
                    violence=True,
                    assessments=(housing(situation="Version écrasante", difficulty=3),),
                ),
            )
        assert "Modifié entre-temps par Léa Martin" in caught.value.message
        saved = Diagnostic.objects.get(pk=diagnostic.pk)
        assert saved.version == 2
        assert saved.violence is False
        assert saved.updated_by == first_user
        housing_row = saved.assessments.get(domain="housing")
        assert housing_row.situation == "Version de Léa"
        assert housing_row.difficulty == 1
        # The digital domain, absent from both inputs, is untouched.
        assert saved.assessments.filter(domain="digital").exists()

    def test_bad_input_on_update_changes_nothing(self, diagnostic, author):
        with pytest.raises(DomainError):
            services.diagnostic_update(
                diagnostic=diagnostic,
                actor=author,
                expected_version=1,
                data=data(assessments=(housing(difficulty=9),)),
            )
        diagnostic.refresh_from_db()
        assert diagnostic.version == 1


class TestValidateWithPerson:
    def test_marks_the_date(self, person, author):
        diagnostic = services.diagnostic_create(
            person=person, author=author, data=data(assessed_on=TODAY() - timedelta(days=3))
        )
        validated = services.diagnostic_validate_with_person(
            diagnostic=diagnostic, actor=author, expected_version=1, validated_on=TODAY()
        )
        assert validated.validated_with_person_on == TODAY()
        assert validated.version == 2

    def test_refuses_a_date_before_the_diagnostic_or_in_the_future(self, person, author):
        diagnostic = services.diagnostic_create(person=person, author=author, data=data())
        for wrong in (TODAY() - timedelta(days=1), TODAY() + timedelta(days=1)):
            with pytest.raises(DomainError):
                services.diagnostic_validate_with_person(
                    diagnostic=diagnostic, actor=author, expected_version=1, validated_on=wrong
                )

    def test_stale_version(self, person, author):
        diagnostic = services.diagnostic_create(person=person, author=author, data=data())
        services.diagnostic_validate_with_person(
            diagnostic=diagnostic, actor=author, expected_version=1, validated_on=TODAY()
        )
        with pytest.raises(StaleObjectError):
            services.diagnostic_validate_with_person(
                diagnostic=diagnostic, actor=author, expected_version=1, validated_on=TODAY()
            )


def test_input_dataclass_is_immutable_and_replaceable():
    base = data(no_resources=True)
    assert replace(base, no_resources=False).no_resources is False
    assert DomainAssessment._meta.get_field("situation").max_length == 5000
