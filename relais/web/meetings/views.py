"""Partner meeting pages: the list, writing a meeting with its actions, reading it, and the
actions list (« mes actions », every open action, overdue first). Not personal data."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.core.errors import DomainError, StaleObjectError
from relais.network.coordination import meetings
from relais.network.coordination.meeting_models import MeetingAction, PartnerMeeting
from relais.web.forms_helpers import apply_domain_error, keep_input_with_version
from relais.web.meetings import forms
from relais.web.organisations.views import organisation_required
from relais.web.submissions import once_per_submission

PAGE_SIZE = 30


def _meeting(request: HttpRequest, meeting_id: int) -> PartnerMeeting:
    meeting = (
        meetings.visible_meetings(request.membership)
        .select_related("organisation", "created_by")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


@organisation_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        meetings.visible_meetings(request.membership).select_related("organisation"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/list.html",
        {
            "page": page,
            "rows": list(page.object_list),
            "may_write": meetings.can_write(request.membership, request.organisation.pk),
        },
    )


def _action_inputs(formset) -> list[meetings.ActionInput]:
    return [
        meetings.ActionInput(
            text=f.cleaned_data["text"],
            due_on=f.cleaned_data["due_on"],
            owner=f.cleaned_data.get("owner"),
            owner_name=f.cleaned_data.get("owner_name") or "",
        )
        for f in formset.forms
        if (f.cleaned_data or {}).get("text", "").strip()
    ]


def _show_error(form, formset, error: DomainError) -> None:
    field = error.field or ""
    if field.startswith("action-"):
        _, index, name = field.split("-", 2)
        filled = [f for f in formset.forms if (f.cleaned_data or {}).get("text", "").strip()]
        if index.isdigit() and int(index) < len(filled):
            filled[int(index)].add_error(
                name if name in filled[int(index)].fields else None, error.message
            )
            return
    apply_domain_error(form, error)


def _forms(request, meeting: PartnerMeeting | None):
    organisation = meeting.organisation if meeting else request.organisation
    partners = meetings.partner_choices(organisation)
    initial = {"held_on": timezone.localdate()}
    if meeting is not None:
        initial = {
            "title": meeting.title,
            "held_on": meeting.held_on,
            "place": meeting.place,
            "partners": list(meeting.partners.values_list("pk", flat=True)),
            "attendees": list(meeting.attendees.values_list("pk", flat=True)),
            "other_participants": meeting.other_participants,
            "agenda": meeting.agenda,
            "minutes": meeting.minutes,
            "version": meeting.version,
        }
    own = meetings.owner_choices(organisation, [])
    form = forms.MeetingForm(
        request.POST or None, partners=partners, attendees=own, initial=initial
    )
    chosen = partners
    if meeting is not None:
        chosen = meeting.partners.all()
    owners = meetings.owner_choices(organisation, list(chosen))
    formset = forms.ActionFormSet(
        request.POST or None, prefix="action", form_kwargs={"owners": owners}
    )
    return form, formset


def _values(form) -> dict:
    data = form.cleaned_data
    names = (
        "title",
        "held_on",
        "place",
        "partners",
        "attendees",
        "other_participants",
        "agenda",
        "minutes",
    )
    return {name: data[name] for name in names}


@organisation_required
@once_per_submission
def meeting_create(request: HttpRequest) -> HttpResponse:
    if not meetings.can_write(request.membership, request.organisation.pk):
        raise Http404
    form, formset = _forms(request, None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            meeting = meetings.partner_meeting_create(
                organisation=request.organisation,
                actor=request.user,
                **_values(form),
                actions=_action_inputs(formset),
            )
        except DomainError as error:
            _show_error(form, formset, error)
        else:
            messages.success(request, "Réunion enregistrée.")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(
        request, "meetings/form.html", {"form": form, "formset": formset, "meeting": None}
    )


@organisation_required
def meeting_update(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    if not meetings.can_write(request.membership, meeting.organisation_id):
        raise Http404
    form, formset = _forms(request, meeting)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            meetings.partner_meeting_update(
                meeting=meeting,
                actor=request.user,
                expected_version=form.cleaned_data.get("version") or meeting.version,
                **_values(form),
                new_actions=_action_inputs(formset),
            )
        except StaleObjectError as error:
            keep_input_with_version(form, PartnerMeeting.objects.get(pk=meeting.pk).version)
            apply_domain_error(form, error)
        except DomainError as error:
            _show_error(form, formset, error)
        else:
            messages.success(request, "Réunion enregistrée.")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(
        request, "meetings/form.html", {"form": form, "formset": formset, "meeting": meeting}
    )


@organisation_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    actions = list(meeting.actions.select_related("owner"))
    for action in actions:
        action.meeting = meeting
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "partners": list(meeting.partners.all()),
            "attendees": list(meeting.attendees.all()),
            "actions": actions,
            "may_write": meetings.can_write(request.membership, meeting.organisation_id),
            "closable": {a.pk for a in actions if meetings.can_close_action(request.membership, a)},
            "close_form": forms.CloseActionForm(),
        },
    )


@organisation_required
def action_list(request: HttpRequest) -> HttpResponse:
    mine = request.GET.get("vue", "miennes") == "miennes"
    open_only = request.GET.get("statut", "ouvertes") == "ouvertes"
    page = Paginator(
        meetings.actions_list(request.membership, mine=mine, open_only=open_only), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    return render(
        request,
        "meetings/actions.html",
        {
            "page": page,
            "rows": rows,
            "mine": mine,
            "open_only": open_only,
            "closable": {a.pk for a in rows if meetings.can_close_action(request.membership, a)},
            "close_form": forms.CloseActionForm(),
        },
    )


@organisation_required
@require_POST
def action_close(request: HttpRequest, action_id: int) -> HttpResponse:
    action = (
        MeetingAction.objects.filter(
            pk=action_id, meeting__in=meetings.visible_meetings(request.membership).values("pk")
        )
        .select_related("meeting")
        .first()
    )
    if action is None:
        raise Http404
    form = forms.CloseActionForm(request.POST)
    back = request.POST.get("next") or ""
    if form.is_valid():
        try:
            meetings.meeting_action_close(
                action=action,
                actor=request.user,
                membership=request.membership,
                **form.cleaned_data,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Action mise à jour.")
    else:
        messages.error(request, "Choisissez « faite » ou « abandonnée ».")
    if back == "actions":
        return redirect("meetings:actions")
    return redirect("meetings:detail", meeting_id=action.meeting_id)
