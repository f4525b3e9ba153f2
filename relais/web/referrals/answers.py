"""The answers given on a referral page: accept, refuse, start, complete (receiver), cancel
and record a partner's answer by hand (sender), the first appointment date."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from relais.core import journal
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.network.referrals import answers as referral_answers
from relais.network.referrals import services as referrals
from relais.network.referrals import workflow
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.referrals.access import (
    referral_for,
)
from relais.web.referrals.views import FORMS, available_forms, render_detail, side_forms


def _answer(request: HttpRequest, pk: int, name: str, perform, success: str) -> HttpResponse:
    referral, side = referral_for(request, pk)
    if name not in side_forms(referral, side):
        journal.record_request(
            request,
            JournalAction.DENIED,
            target_type="network.referral",
            target_id=referral.pk,
            person_id=referral.person_id,
            organisation=referral.sender_organisation_id,
            summary=f"action « {name} » réservée à l'autre structure",
        )
        raise PermissionDenied
    if name not in available_forms(referral, side):
        # The page was stale: someone answered meanwhile.
        message = workflow.conflict_message(referral)
        journal.record_request(request, JournalAction.VIEW, referral, summary="réponse refusée")
        messages.error(request, message)
        return redirect("referrals:detail", pk=referral.pk)
    form = FORMS[name](request.POST, prefix=name)
    if form.is_valid():
        data = form.cleaned_data
        try:
            updated = perform(referral, data)
        except workflow.ReferralConflict as conflict:
            journal.record_request(request, JournalAction.VIEW, referral, summary="réponse refusée")
            messages.error(request, conflict.message)
            return redirect("referrals:detail", pk=referral.pk)
        except DomainError as error:
            apply_domain_error(
                form, error, {"comment": "comment", "refusal_comment": "refusal_comment"}
            )
        else:
            member = getattr(updated, "team_member", None)
            journal.record_request(request, JournalAction.UPDATE, updated, summary=success)
            if member is not None:
                journal.record_request(
                    request,
                    JournalAction.CREATE,
                    member,
                    organisation=updated.sender_organisation_id,
                    person_id=updated.person_id,
                    summary="membre de l'équipe de coordination (orientation acceptée)",
                )
                success += " Vous avez rejoint l'équipe de coordination de la personne."
            messages.success(request, success)
            return redirect("referrals:detail", pk=updated.pk)
    return render_detail(request, referral, side, bound={name: form}, status=400)


def _actor(request: HttpRequest) -> dict:
    return {
        "actor": request.user,
        "organisation": request.organisation,
    }


@organisation_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "accepter",
        lambda referral, data: referral_answers.referral_accept(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            first_appointment_on=data["first_appointment_on"],
            comment=data["comment"],
            join_team=data["join_team"],
        ),
        "Orientation acceptée : l'émetteur en est informé.",
    )


@organisation_required
@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "refuser",
        lambda referral, data: referral_answers.referral_refuse(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            refusal_reason=data["refusal_reason"],
            comment=data["refusal_comment"],
        ),
        "Orientation refusée : l'émetteur en est informé.",
    )


@organisation_required
@require_POST
def start(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "demarrer",
        lambda referral, data: referral_answers.referral_start(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            first_appointment_on=data["first_appointment_on"],
            comment=data["comment"],
        ),
        "Accompagnement démarré : l'émetteur en est informé.",
    )


@organisation_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "terminer",
        lambda referral, data: referral_answers.referral_complete(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            outcome=data["outcome"],
        ),
        "Orientation terminée : le résultat est transmis à l'émetteur.",
    )


@organisation_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "annuler",
        lambda referral, data: referrals.referral_cancel(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            comment=data["comment"],
        ),
        "Orientation annulée : la structure destinataire en est informée.",
    )


@organisation_required
@require_POST
def record_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "reponse",
        lambda referral, data: referral_answers.referral_record_answer(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            decision=data["decision"],
            refusal_reason=data["refusal_reason"],
            comment=data["comment"],
            first_appointment_on=data["first_appointment_on"],
            outcome=data["outcome"],
        ),
        "Réponse du partenaire enregistrée.",
    )


@organisation_required
@require_POST
def first_appointment(request: HttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        "rendez-vous",
        lambda referral, data: referral_answers.referral_set_first_appointment(
            referral=referral,
            **_actor(request),
            expected_version=data["version"],
            first_appointment_on=data["first_appointment_on"],
        ),
        "Date du premier rendez-vous enregistrée.",
    )
