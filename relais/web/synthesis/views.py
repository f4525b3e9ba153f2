"""Synthesis reports of a person for a commission or a prescriber: choose the recipient
and sections, see what the consents allow (refused sections with their reason), produce
the dated PDF, record the sending. For the accompaniment (Capability.ACCOMPANIMENT)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from relais.accounts.models import Organisation
from relais.core.errors import DomainError
from relais.core.models import JournalAction
from relais.people.policies import Capability
from relais.records import synthesis
from relais.records.synthesis_models import (
    SendingMethod,
    SynthesisPurpose,
    SynthesisReport,
    SynthesisSection,
)
from relais.web.forms_helpers import apply_domain_error, date_field
from relais.web.organisations.views import organisation_required
from relais.web.pathways.common import journal_with_person, not_found
from relais.web.people.access import get_person
from relais.web.submissions import once_per_submission


class ReportForm(forms.Form):
    recipient = forms.ModelChoiceField(
        label="Destinataire",
        queryset=Organisation.objects.none(),
        empty_label="— Choisir —",
        error_messages={"required": "Choisissez le destinataire."},
    )
    purpose = forms.ChoiceField(label="Pour", choices=SynthesisPurpose.choices)
    sections = forms.MultipleChoiceField(
        label="Sections",
        choices=SynthesisSection.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une section."},
    )
    proposal = forms.CharField(
        label="Proposition du référent",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    person_view = forms.CharField(
        label="Avis de la personne (ses mots)",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, recipients, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in recipients]
        ).order_by("name")
        self.fields["recipient"].label_from_instance = lambda o: o.name

    def clean(self):
        data = super().clean()
        if (
            SynthesisSection.PROPOSAL in (data.get("sections") or [])
            and not (data.get("proposal") or "").strip()
        ):
            self.add_error("proposal", "Rédigez la proposition.")
        return data


class SentForm(forms.Form):
    sent_on = date_field("Transmise le")
    method = forms.ChoiceField(label="Moyen", choices=SendingMethod.choices)


@organisation_required
@once_per_submission
def report_list(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    recipients = synthesis.recipient_choices(person)
    form = ReportForm(
        request.POST or None,
        recipients=recipients,
        initial={"sections": [s for s in SynthesisSection.values]},
    )
    decisions = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decisions = synthesis.check_sections(person, data["recipient"], data["sections"])
        if request.POST.get("action") == "produce":
            try:
                report = synthesis.synthesis_report_create(
                    person=person, actor=request.user, **data
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                journal_with_person(
                    request,
                    JournalAction.CREATE,
                    report,
                    person,
                    f"synthèse pour {report.recipient.name}",
                )
                messages.success(
                    request, "Synthèse produite. Téléchargez-la, puis enregistrez sa transmission."
                )
                return redirect("synthesis:detail", pk=person.pk, report_id=report.pk)
    reports = list(
        SynthesisReport.objects.filter(person=person).select_related("recipient", "author")
    )
    journal_with_person(request, JournalAction.LIST, person, person, "synthèses")
    return render(
        request,
        "synthesis/list.html",
        {
            "person": person,
            "form": form,
            "decisions": decisions,
            "reports": reports,
            "any_allowed": bool(decisions) and any(d.allowed for d in decisions),
        },
    )


def _report(request, person, report_id) -> SynthesisReport:
    report = (
        SynthesisReport.objects.filter(person=person, pk=report_id)
        .select_related("recipient", "author", "organisation", "sent_by")
        .first()
    )
    if report is None:
        raise not_found(request, person, "records.synthesisreport", report_id)
    report.person = person
    return report


@organisation_required
def report_detail(request: HttpRequest, pk: int, report_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    report = _report(request, person, report_id)
    journal_with_person(request, JournalAction.VIEW, report, person)
    return render(
        request,
        "synthesis/detail.html",
        {
            "person": person,
            "report": report,
            "sent_form": SentForm(initial={"sent_on": timezone.localdate()}),
        },
    )


@organisation_required
def report_pdf(request: HttpRequest, pk: int, report_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    report = _report(request, person, report_id)
    content = synthesis.render_report_pdf(report)
    journal_with_person(
        request,
        JournalAction.EXPORT,
        report,
        person,
        f"synthèse (PDF) pour {report.recipient.name}",
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="synthese-{person.pk}-{report.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@organisation_required
@require_POST
def report_sent(request: HttpRequest, pk: int, report_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    report = _report(request, person, report_id)
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            synthesis.synthesis_report_mark_sent(
                report=report, actor=request.user, **form.cleaned_data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal_with_person(
                request,
                JournalAction.EXPORT,
                report,
                person,
                f"synthèse transmise à {report.recipient.name} ({form.cleaned_data['sent_on']:%d/%m/%Y})",
            )
            messages.success(request, "Transmission enregistrée.")
            return redirect("synthesis:detail", pk=person.pk, report_id=report.pk)
    journal_with_person(request, JournalAction.VIEW, report, person)
    return render(
        request,
        "synthesis/detail.html",
        {"person": person, "report": report, "sent_form": form},
        status=200,
    )
