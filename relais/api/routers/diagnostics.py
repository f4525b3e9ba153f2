"""Shared diagnostics (API): a person's diagnostics, their evolution, a new diagnostic,
corrections. Reserved to the roles that accompany (référents, managers): reception gets 403.

The urgency suggestion is computed by the service from the facts sent, never typed."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from relais.api.access import person_for, person_record_for
from relais.api.idempotency import idempotent
from relais.api.routers.people import ERRORS, WRITE_ERRORS, Id, OrganisationId, user_ref
from relais.api.schemas_diagnostics import (
    AssessmentIn,
    DiagnosticIn,
    DiagnosticOut,
    DiagnosticPatchIn,
    EvolutionOut,
)
from relais.core import journal
from relais.core.models import JournalAction
from relais.diagnostics import selectors, services
from relais.diagnostics.domains import Domain
from relais.diagnostics.models import Diagnostic, DomainAssessment, Urgency
from relais.people.policies import Capability

router = Router(tags=["Diagnostics"])


# --- Helpers -------------------------------------------------------------------------------


def _diagnostics():
    return Diagnostic.objects.select_related("author").prefetch_related("assessments")


def diagnostic_for(request: HttpRequest, organisation_id: int, diagnostic_id: int):
    """The diagnostic if its person is visible to the caller (else 404) and their role
    accompanies (else 403); both refusals journaled as denied."""
    return person_record_for(
        request, organisation_id, _diagnostics(), diagnostic_id, "diagnostics.diagnostic"
    )


def _assessment_out(a: DomainAssessment) -> dict:
    return {
        "domain": a.domain,
        "domain_label": a.get_domain_display(),
        "situation": a.situation,
        "difficulty": a.difficulty,
        "difficulty_label": selectors.difficulty_short_label(a.difficulty),
        "strengths": a.strengths,
        "barriers": list(a.barriers),
        "barriers_other": a.barriers_other,
        "person_words": a.person_words,
    }


def diagnostic_out(d: Diagnostic) -> dict:
    assessments = sorted(d.assessments.all(), key=lambda a: Domain.values.index(a.domain))
    return {
        "id": d.pk,
        "person_id": d.person_id,
        "assessed_on": d.assessed_on,
        "author": user_ref(d.author),
        "validated_with_person_on": d.validated_with_person_on,
        "person_expectations": d.person_expectations,
        "no_shelter_tonight": d.no_shelter_tonight,
        "no_resources": d.no_resources,
        "violence": d.violence,
        "health_emergency": d.health_emergency,
        "eviction_on": d.eviction_on,
        "urgency_suggested": d.urgency_suggested,
        "urgency_suggested_label": Urgency(d.urgency_suggested).label,
        "urgency_reasons": [str(r) for r in d.urgency_reasons or []],
        "urgency": d.urgency,
        "urgency_label": Urgency(d.urgency).label,
        "urgency_override_reason": d.urgency_override_reason,
        "assessments": [_assessment_out(a) for a in assessments],
        "version": d.version,
        "created_at": d.created_at,
        "updated_at": d.updated_at,
    }


def _assessment_input(a: AssessmentIn | DomainAssessment) -> services.AssessmentInput:
    """What was sent for a domain, or what is saved for it."""
    return services.AssessmentInput(
        domain=a.domain,
        situation=a.situation,
        difficulty=a.difficulty,
        strengths=a.strengths,
        barriers=tuple(a.barriers),
        barriers_other=a.barriers_other,
        person_words=a.person_words,
    )


FACT_FIELDS = (
    "assessed_on",
    "person_expectations",
    "no_shelter_tonight",
    "no_resources",
    "violence",
    "health_emergency",
    "eviction_on",
    "validated_with_person_on",
)


def _patched_input(diagnostic: Diagnostic, payload: DiagnosticPatchIn) -> services.DiagnosticInput:
    """The whole diagnostic as the service expects it: the saved values, with what was
    sent on top. Every domain is passed (those not sent as saved) so that the urgency
    suggestion is computed on the whole diagnostic."""
    sent = payload.model_dump(exclude_unset=True)
    values = {name: sent.get(name, getattr(diagnostic, name)) for name in FACT_FIELDS}
    assessments = [_assessment_input(a) for a in diagnostic.assessments.all()]
    if "assessments" in sent:
        new = [_assessment_input(a) for a in payload.assessments]
        replaced = {a.domain for a in new}
        assessments = [a for a in assessments if a.domain not in replaced] + new
    if "urgency" in sent:
        urgency = sent["urgency"]
    else:
        # Keep a level the référent chose; a level that followed the rules keeps following.
        urgency = diagnostic.urgency if diagnostic.is_overridden else None
    return services.DiagnosticInput(
        assessments=tuple(assessments),
        urgency=urgency,
        urgency_override_reason=sent.get(
            "urgency_override_reason", diagnostic.urgency_override_reason
        ),
        **values,
    )


# --- Endpoints -----------------------------------------------------------------------------


@router.get(
    "/organisations/{organisation_id}/persons/{person_id}/diagnostics",
    response={200: list[DiagnosticOut], **ERRORS},
    summary="Diagnostics d'une personne",
    description="Du plus récent au plus ancien, avec les domaines de vie abordés.",
)
def diagnostic_list(request: HttpRequest, organisation_id: OrganisationId, person_id: Id):
    membership, person = person_for(request, organisation_id, person_id, Capability.ACCOMPANIMENT)
    diagnostics = selectors.diagnostics_of(person)
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="diagnostics.diagnostic",
        person_id=person.pk,
        organisation=membership.organisation,
        summary=f"API : diagnostics de la personne ({len(diagnostics)})",
        also_covers=[person, *diagnostics],
    )
    return [diagnostic_out(d) for d in diagnostics]


@router.get(
    "/organisations/{organisation_id}/persons/{person_id}/diagnostics/evolution",
    response={200: EvolutionOut, **ERRORS},
    summary="Évolution des difficultés, domaine par domaine",
    description=(
        "Le niveau de difficulté de chaque domaine à chaque diagnostic, du plus ancien au plus "
        "récent (`null` : domaine non abordé ce jour-là)."
    ),
)
def diagnostic_evolution(request: HttpRequest, organisation_id: OrganisationId, person_id: Id):
    membership, person = person_for(request, organisation_id, person_id, Capability.ACCOMPANIMENT)
    diagnostics = selectors.diagnostics_of(person)
    evolution = selectors.evolution(diagnostics)
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="diagnostics.diagnostic",
        person_id=person.pk,
        organisation=membership.organisation,
        summary="API : évolution des diagnostics",
        also_covers=[person, *diagnostics],
    )
    return {
        "dates": list(evolution.dates),
        "diagnostic_ids": list(evolution.diagnostic_ids),
        "domains": [
            {
                "domain": row.domain,
                "label": row.label,
                "levels": list(row.levels),
                "change": row.change,
                "change_label": row.change_label,
            }
            for row in evolution.rows
        ],
    }


@router.post(
    "/organisations/{organisation_id}/persons/{person_id}/diagnostics",
    response={201: DiagnosticOut, **WRITE_ERRORS},
    summary="Enregistrer un nouveau diagnostic",
    description=(
        "Un nouveau diagnostic daté ; les précédents sont conservés (évolution). Le degré "
        "d'urgence suggéré est calculé par les règles à partir des faits envoyés."
    ),
)
@idempotent
def diagnostic_create(
    request: HttpRequest, organisation_id: OrganisationId, person_id: Id, payload: DiagnosticIn
):
    _membership, person = person_for(request, organisation_id, person_id, Capability.ACCOMPANIMENT)
    values = payload.model_dump(exclude={"assessments"})
    data = services.DiagnosticInput(
        assessments=tuple(_assessment_input(a) for a in payload.assessments), **values
    )
    diagnostic = services.diagnostic_create(person=person, author=request.user, data=data)
    journal.record_request(
        request, JournalAction.CREATE, diagnostic, summary="API", also_covers=[person]
    )
    return Status(201, diagnostic_out(_diagnostics().get(pk=diagnostic.pk)))


@router.get(
    "/organisations/{organisation_id}/diagnostics/{diagnostic_id}",
    response={200: DiagnosticOut, **ERRORS},
    summary="Consulter un diagnostic",
)
def diagnostic_detail(request: HttpRequest, organisation_id: OrganisationId, diagnostic_id: Id):
    _membership, person, diagnostic = diagnostic_for(request, organisation_id, diagnostic_id)
    journal.record_request(
        request, JournalAction.VIEW, diagnostic, summary="API", also_covers=[person]
    )
    return diagnostic_out(diagnostic)


@router.patch(
    "/organisations/{organisation_id}/diagnostics/{diagnostic_id}",
    response={200: DiagnosticOut, **WRITE_ERRORS},
    summary="Corriger un diagnostic",
    description=(
        "Seuls les champs envoyés changent ; chaque domaine envoyé remplace le précédent. "
        "`version` est obligatoire : 409 si quelqu'un a enregistré entre-temps (rien n'est "
        "écrit). Pour marquer le diagnostic validé avec la personne, envoyez "
        "`validated_with_person_on`."
    ),
)
def diagnostic_update(
    request: HttpRequest,
    organisation_id: OrganisationId,
    diagnostic_id: Id,
    payload: DiagnosticPatchIn,
):
    _membership, person, diagnostic = diagnostic_for(request, organisation_id, diagnostic_id)
    services.diagnostic_update(
        diagnostic=diagnostic,
        actor=request.user,
        expected_version=payload.version,
        data=_patched_input(diagnostic, payload),
    )
    journal.record_request(
        request, JournalAction.UPDATE, diagnostic, summary="API", also_covers=[person]
    )
    return diagnostic_out(_diagnostics().get(pk=diagnostic.pk))
