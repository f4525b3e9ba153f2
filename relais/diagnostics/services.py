"""Writes of the shared diagnostic: create one (at intake or at a review), correct it, mark
it validated with the person.

The urgency suggestion is never typed by anyone: it is recomputed from the facts at every
write (relais.diagnostics.urgency). The référent may retain another level, and must then
say why (the database refuses an unjustified override too)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from relais.core.errors import DomainError
from relais.core.versioning import update_versioned
from relais.diagnostics import sequence
from relais.diagnostics import urgency as urgency_rules
from relais.diagnostics.domains import Difficulty, Domain, barrier_codes_for
from relais.diagnostics.models import Diagnostic, DomainAssessment, Urgency

ASSESSMENT_TEXT_FIELDS = ("situation", "strengths", "barriers_other", "person_words")


@dataclass(frozen=True)
class AssessmentInput:
    """What the référent recorded for one life domain. A domain left entirely empty is
    "not addressed" and is not stored."""

    domain: str
    situation: str = ""
    difficulty: int | None = None
    strengths: str = ""
    barriers: tuple[str, ...] = ()
    barriers_other: str = ""
    person_words: str = ""

    @property
    def is_empty(self) -> bool:
        return (
            self.difficulty is None
            and not self.barriers
            and not any(getattr(self, name).strip() for name in ASSESSMENT_TEXT_FIELDS)
        )


@dataclass(frozen=True)
class DiagnosticInput:
    assessed_on: date
    assessments: tuple[AssessmentInput, ...] = ()
    person_expectations: str = ""
    no_shelter_tonight: bool = False
    no_resources: bool = False
    violence: bool = False
    health_emergency: bool = False
    eviction_on: date | None = None
    # None: retain the suggested level (it then follows the facts at every save).
    urgency: int | None = None
    urgency_override_reason: str = ""
    validated_with_person_on: date | None = None

    def facts(self) -> urgency_rules.UrgencyFacts:
        return urgency_rules.UrgencyFacts(
            assessed_on=self.assessed_on,
            no_shelter_tonight=self.no_shelter_tonight,
            no_resources=self.no_resources,
            violence=self.violence,
            health_emergency=self.health_emergency,
            eviction_on=self.eviction_on,
            blocking_domains=tuple(
                a.domain
                for a in self.assessments
                if a.difficulty == Difficulty.BLOCKING and not a.is_empty
            ),
        )


def _max_length(model, name: str) -> int | None:
    return model._meta.get_field(name).max_length


def _check_text(model, name: str, value: str, *, field_name: str, label: str) -> None:
    limit = _max_length(model, name)
    if limit is not None and len(value) > limit:
        raise DomainError(
            f"{label} : {len(value)} caractères, le maximum est de {limit}.", field=field_name
        )


def _check_assessments(assessments: Iterable[AssessmentInput]) -> None:
    seen: set[str] = set()
    for a in assessments:
        if a.domain not in Domain.values:
            raise DomainError(f"Domaine de vie inconnu : « {a.domain} ».")
        if a.domain in seen:
            raise DomainError(f"Le domaine « {Domain(a.domain).label} » est saisi deux fois.")
        seen.add(a.domain)
        label = Domain(a.domain).label
        if a.difficulty is not None and a.difficulty not in Difficulty.values:
            raise DomainError(
                f"{label} : le niveau de difficulté va de 0 à 3 (ou « non abordé »).",
                field=f"{a.domain}.difficulty",
            )
        unknown = sorted(set(a.barriers) - barrier_codes_for(a.domain))
        if unknown:
            raise DomainError(
                f"{label} : frein inconnu pour ce domaine ({', '.join(unknown)}).",
                field=f"{a.domain}.barriers",
            )
        for name in ASSESSMENT_TEXT_FIELDS:
            verbose = DomainAssessment._meta.get_field(name).verbose_name
            _check_text(
                DomainAssessment,
                name,
                getattr(a, name),
                field_name=f"{a.domain}.{name}",
                label=f"{label}, {verbose}",
            )


def _check(data: DiagnosticInput, *, person) -> None:
    today = timezone.localdate()
    if data.assessed_on > today:
        raise DomainError(
            "La date du diagnostic ne peut pas être dans le futur.", field="assessed_on"
        )
    if person.birth_date and data.assessed_on < person.birth_date:
        raise DomainError(
            "La date du diagnostic est antérieure à la naissance de la personne.",
            field="assessed_on",
        )
    if data.validated_with_person_on is not None:
        _check_validation_date(data.validated_with_person_on, data.assessed_on)
    if data.urgency is not None and data.urgency not in Urgency.values:
        raise DomainError("Degré d'urgence inconnu.", field="urgency")
    _check_text(
        Diagnostic,
        "person_expectations",
        data.person_expectations,
        field_name="person_expectations",
        label="Attentes de la personne",
    )
    _check_text(
        Diagnostic,
        "urgency_override_reason",
        data.urgency_override_reason,
        field_name="urgency_override_reason",
        label="Justification",
    )
    _check_assessments(data.assessments)


def _check_validation_date(validated_on: date, assessed_on: date) -> None:
    if validated_on > timezone.localdate():
        raise DomainError(
            "La date de validation avec la personne ne peut pas être dans le futur.",
            field="validated_with_person_on",
        )
    if validated_on < assessed_on:
        raise DomainError(
            "La validation avec la personne ne peut pas précéder le diagnostic "
            f"(du {assessed_on:%d/%m/%Y}).",
            field="validated_with_person_on",
        )


def _urgency_fields(data: DiagnosticInput) -> dict:
    """Suggested level and reasons from the facts; the retained level and its justification."""
    suggested, reasons = urgency_rules.suggest(data.facts())
    retained = suggested if data.urgency is None else int(data.urgency)
    justification = data.urgency_override_reason.strip()
    if retained != suggested and not justification:
        raise DomainError(
            f"Vous retenez « {Urgency(retained).label} » alors que le niveau suggéré est "
            f"« {Urgency(suggested).label} » : écrivez pourquoi.",
            field="urgency_override_reason",
        )
    return {
        "urgency_suggested": suggested,
        "urgency_reasons": reasons,
        "urgency": retained,
        "urgency_override_reason": justification if retained != suggested else "",
    }


def _diagnostic_fields(data: DiagnosticInput) -> dict:
    return {
        "assessed_on": data.assessed_on,
        "person_expectations": data.person_expectations.strip(),
        "no_shelter_tonight": data.no_shelter_tonight,
        "no_resources": data.no_resources,
        "violence": data.violence,
        "health_emergency": data.health_emergency,
        "eviction_on": data.eviction_on,
        "validated_with_person_on": data.validated_with_person_on,
        **_urgency_fields(data),
    }


def _assessment_values(a: AssessmentInput) -> dict:
    return {
        "situation": a.situation.strip(),
        "difficulty": a.difficulty,
        "strengths": a.strengths.strip(),
        "barriers": list(dict.fromkeys(a.barriers)),
        "barriers_other": a.barriers_other.strip(),
        "person_words": a.person_words.strip(),
    }


def _save_assessments(diagnostic: Diagnostic, assessments: Iterable[AssessmentInput]) -> None:
    existing = {a.domain: a for a in diagnostic.assessments.all()}
    to_create = []
    for a in assessments:
        current = existing.pop(a.domain, None)
        if a.is_empty:
            if current is not None:
                current.delete()
            continue
        values = _assessment_values(a)
        if current is None:
            to_create.append(DomainAssessment(diagnostic=diagnostic, domain=a.domain, **values))
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            current.save()
    DomainAssessment.objects.bulk_create(to_create)
    # Domains absent from the input are left as they were (an API client may send a subset).


@transaction.atomic
def diagnostic_create(*, person, author, data: DiagnosticInput) -> Diagnostic:
    """A new dated diagnostic for `person`. Earlier diagnostics are kept as they are: the
    evolution domain by domain is read across them."""
    _check(data, person=person)
    diagnostic = Diagnostic.objects.create(
        person=person, author=author, updated_by=author, **_diagnostic_fields(data)
    )
    _save_assessments(diagnostic, data.assessments)
    sequence.refresh_diagnostic(diagnostic)
    return diagnostic


@transaction.atomic
def diagnostic_update(
    *, diagnostic: Diagnostic, actor, expected_version: int, data: DiagnosticInput
) -> Diagnostic:
    """Correct a diagnostic. Refused with StaleObjectError if someone saved it since
    `expected_version` was read: nothing is written then (the view keeps the user's input)."""
    _check(data, person=diagnostic.person)
    diagnostic = update_versioned(
        diagnostic,
        expected_version=expected_version,
        actor=actor,
        changes=_diagnostic_fields(data),
    )
    _save_assessments(diagnostic, data.assessments)
    sequence.refresh_diagnostic(diagnostic)
    return diagnostic


@transaction.atomic
def diagnostic_delete(*, diagnostic: Diagnostic) -> None:
    """Remove a diagnostic entered by mistake (with its assessments). The person's other
    diagnostics are kept; the one before it becomes the latest again, or is followed by the
    next one (`relais.diagnostics.sequence`). No page offers it yet: the caller checks the
    permission and journals the deletion, as for the other writes."""
    person_id = diagnostic.person_id
    diagnostic.delete()
    sequence.refresh_sequence([person_id])


@transaction.atomic
def diagnostic_validate_with_person(
    *, diagnostic: Diagnostic, actor, expected_version: int, validated_on: date
) -> Diagnostic:
    """The person has read the diagnostic and agrees with it (it is co-built, 2.7)."""
    _check_validation_date(validated_on, diagnostic.assessed_on)
    return update_versioned(
        diagnostic,
        expected_version=expected_version,
        actor=actor,
        changes={"validated_with_person_on": validated_on},
    )
