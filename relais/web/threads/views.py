"""Professional threads about a person: the person's threads (and starting one), a thread
with its messages (and answering). For Capability.TEAM (relais.network.coordination.threads).

A post refused because the writer no longer takes part (membership ended, consent
withdrawn) is answered with the French reason and the text given back, on a 404 page
whatever the reason, so that no one learns whether a record exists."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.models import JournalAction
from relais.network.coordination import threads
from relais.network.coordination.thread_models import Thread
from relais.people.access import record_person_denied
from relais.people.models import Person
from relais.people.policies import Capability
from relais.web import writing
from relais.web.forms_helpers import apply_domain_error
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission
from relais.web.teams.common import base_context, denied, journal_person

SHOWN_MESSAGES = 50


class StartForm(forms.Form):
    subject = forms.CharField(
        label="Objet", max_length=150, error_messages={"required": "Indiquez l'objet de l'échange."}
    )
    body = forms.CharField(
        label="Message",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Écrivez votre message."},
    )


class PostForm(forms.Form):
    body = forms.CharField(
        label="Votre réponse",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Écrivez votre message."},
    )


def _refused(request: HttpRequest, pk: int, body: str) -> HttpResponse:
    """The writer is not (or no longer) in the team: say so, give the text back."""
    record_person_denied(request, pk, "fil d'échange : hors de l'équipe")
    return render(
        request,
        "threads/refused.html",
        {"message": threads.NOT_IN_TEAM, "body": body},
        status=404,
    )


def _person_or_refusal(request: HttpRequest, pk: int) -> Person | None:
    person = Person.objects.visible_to(request.membership).filter(pk=pk).first()
    if person is None or not threads.may_take_part(request.membership, person):
        return None
    return person


@organisation_required
@once_per_submission
def thread_list(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        person = _person_or_refusal(request, pk)
        if person is None:
            return _refused(request, pk, request.POST.get("body", ""))
    else:
        person = get_person(request, pk, Capability.TEAM)
    form = StartForm(request.POST or None)
    review = None
    if request.method == "POST" and form.is_valid():
        review = writing.review(
            {"Message": form.cleaned_data["body"]}, request.POST, confirm_label="Envoyer quand même"
        )
        if review.accepted:
            try:
                thread = threads.thread_start(
                    person=person,
                    actor=request.user,
                    membership=request.membership,
                    **form.cleaned_data,
                )
            except PermissionDenied:
                return _refused(request, pk, form.cleaned_data["body"])
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                journal_person(
                    request, JournalAction.CREATE, person, thread, summary="fil d'échange"
                )
                messages.success(request, "Message envoyé à l'équipe de coordination.")
                return redirect("threads:detail", pk=person.pk, thread_id=thread.pk)
    rows = list(threads.threads_of(person))
    journal_person(request, JournalAction.LIST, person, summary="fils d'échange", covers=rows)
    return render(
        request,
        "threads/list.html",
        {**base_context(request, person), "threads": rows, "form": form, "writing": review},
    )


@organisation_required
@once_per_submission
def thread_detail(request: HttpRequest, pk: int, thread_id: int) -> HttpResponse:
    if request.method == "POST":
        person = _person_or_refusal(request, pk)
        if person is None:
            return _refused(request, pk, request.POST.get("body", ""))
    else:
        person = get_person(request, pk, Capability.TEAM)
    thread = Thread.objects.filter(person=person, pk=thread_id).select_related("created_by").first()
    if thread is None:
        raise denied(request, person, "network.thread", thread_id, "hors de ce dossier")
    thread.person = person
    form = PostForm(request.POST or None)
    review = None
    if request.method == "POST" and form.is_valid():
        review = writing.review(
            {"Message": form.cleaned_data["body"]}, request.POST, confirm_label="Envoyer quand même"
        )
        if review.accepted:
            try:
                message = threads.thread_post(
                    thread=thread,
                    actor=request.user,
                    membership=request.membership,
                    **form.cleaned_data,
                )
            except PermissionDenied:
                return _refused(request, pk, form.cleaned_data["body"])
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                journal_person(request, JournalAction.CREATE, person, message, summary="message")
                messages.success(request, "Message envoyé.")
                return redirect("threads:detail", pk=person.pk, thread_id=thread.pk)
    messages_qs = thread.messages.select_related("author", "author_organisation")
    earlier = 0
    if request.GET.get("tous") == "1":
        posts = list(messages_qs)
    else:
        # The latest messages are shown; the earlier ones on demand.
        posts = list(messages_qs.order_by("-created_at", "-id")[: SHOWN_MESSAGES + 1])
        if len(posts) > SHOWN_MESSAGES:
            earlier = thread.messages.count() - SHOWN_MESSAGES
        posts = posts[:SHOWN_MESSAGES][::-1]
    journal_person(
        request, JournalAction.VIEW, person, thread, summary="fil d'échange", covers=posts
    )
    return render(
        request,
        "threads/detail.html",
        {
            **base_context(request, person),
            "thread": thread,
            "posts": posts,
            "earlier": earlier,
            "form": form,
            "writing": review,
        },
    )


def threads_section(request: HttpRequest, person: Person) -> dict | None:
    """The person page's « Échanges entre professionnels »: the last threads."""
    if not threads.may_take_part(request.membership, person):
        return None
    rows = list(threads.threads_of(person)[:10])
    journal.record_request(
        request,
        JournalAction.LIST,
        target_type="network.thread",
        person_id=person.pk,
        organisation=person.organisation_id,
        summary="fils d'échange",
        also_covers=rows,
    )
    return {"person": person, "threads": rows}
