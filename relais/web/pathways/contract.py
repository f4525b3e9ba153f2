"""Pages of the engagement contract: its versions (drawing up a new one), recording a
signature, the PDF of a version."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from relais.core.models import JournalAction
from relais.pathways import contract as services
from relais.pathways import selectors
from relais.pathways.contract import current_terms, render_pdf, terms_hash
from relais.pathways.models import Contract, Pathway, PathwayStatus
from relais.people.models import Person
from relais.people.policies import Capability
from relais.person_space.selectors import online_signature_for_print
from relais.web.forms_helpers import save_form
from relais.web.organisations.views import organisation_required
from relais.web.pathways import forms
from relais.web.pathways.common import (
    base_context,
    closed_redirect,
    find_pathway,
    journal_with_person,
    not_found,
    person_and_pathway,
)
from relais.web.pathways.cosignatures import attach_online_signatures
from relais.web.people.access import get_person


def _contract_page(
    request: HttpRequest,
    person: Person,
    pathway_id: int,
    *,
    generate_form: forms.ContractGenerateForm | None = None,
    sign_form: forms.ContractSignForm | None = None,
    scan_form: forms.ContractScanForm | None = None,
    status: int = 200,
) -> HttpResponse:
    pathway = selectors.pathway_of(person, pathway_id)
    if pathway is None:
        raise not_found(request, person, "pathways.pathway", pathway_id)
    journal_with_person(request, JournalAction.VIEW, pathway, person)
    plan = selectors.plan_of(pathway)
    is_open = not plan.is_closed
    if generate_form is None and is_open:
        person_text, organisation_text = services.default_commitments(pathway)
        generate_form = forms.ContractGenerateForm(
            initial={
                "commitments_person": person_text,
                "commitments_organisation": organisation_text,
            }
        )
    latest = plan.latest_contract
    signable = latest is not None and latest.signed_on is None and is_open
    current_hash = None
    if latest is not None:
        current_hash = terms_hash(current_terms(pathway))
    if sign_form is None and signable:
        sign_form = forms.ContractSignForm()
    # The latest signed version without its scan may receive it.
    contracts = list(pathway.contracts.all())
    attach_online_signatures(contracts)
    scan_target = max((c for c in contracts if c.signed_on), key=lambda c: c.number, default=None)
    if scan_target is not None and (scan_target.signed_scan_id or not is_open):
        scan_target = None
    scan_number = scan_target.number if scan_target is not None else None
    if scan_form is None and scan_target is not None:
        scan_form = forms.ContractScanForm()
    elif scan_form is not None:  # a refused attachment: shown with its errors
        scan_number = scan_form.version_number
    return render(
        request,
        "pathways/contract.html",
        {
            **base_context(person, pathway),
            "plan": plan,
            "contracts": contracts,
            "generate_form": generate_form if is_open else None,
            "sign_form": sign_form if signable else None,
            "scan_form": scan_form,
            "scan_number": scan_number,
            "latest": latest,
            "latest_is_current": latest is not None and latest.content_hash == current_hash,
        },
        status=status,
    )


@organisation_required
def contract(request: HttpRequest, pk: int, pathway_id: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    if request.method != "POST":
        return _contract_page(request, person, pathway_id)
    pathway = find_pathway(request, person, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    form = forms.ContractGenerateForm(request.POST)
    if form.is_valid():
        saved = save_form(
            form,
            lambda: services.contract_generate(
                pathway=pathway, actor=request.user, **form.cleaned_data
            ),
        )
        if saved.ok:
            created = saved.result
            journal_with_person(request, JournalAction.CREATE, created, person)
            messages.success(
                request,
                f"Version {created.number} du contrat établie. Téléchargez-la pour la relire et "
                "la faire signer, puis enregistrez la signature.",
            )
            return redirect("pathways:contract", pk=person.pk, pathway_id=pathway.pk)
    return _contract_page(request, person, pathway_id, generate_form=form)


def _contract(request: HttpRequest, person: Person, pathway: Pathway, number: int) -> Contract:
    found = Contract.objects.filter(pathway=pathway, number=number).first()
    if found is None:
        raise not_found(request, person, "pathways.contract", f"{pathway.pk}/v{number}")
    found.pathway = pathway
    return found


@organisation_required
@require_POST
def contract_sign(request: HttpRequest, pk: int, pathway_id: int, number: int) -> HttpResponse:
    person, pathway = person_and_pathway(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    version = _contract(request, person, pathway, number)
    form = forms.ContractSignForm(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        scan = data.pop("file", None)
        saved = save_form(
            form,
            lambda: services.contract_sign(contract=version, actor=request.user, scan=scan, **data),
        )
        if saved.ok:
            signed = saved.result
            journal_with_person(
                request,
                JournalAction.UPDATE,
                signed,
                person,
                f"signature ({signed.get_signature_mode_display().lower()})"
                + (", contrat signé numérisé joint" if scan is not None else ""),
            )
            messages.success(
                request,
                f"Signature de la version {signed.number} enregistrée (signée le "
                f"{signed.signed_on:%d/%m/%Y})"
                + (", avec le contrat signé numérisé." if scan is not None else "."),
            )
            return redirect("pathways:contract", pk=person.pk, pathway_id=pathway.pk)
    return _contract_page(request, person, pathway_id, sign_form=form)


@organisation_required
@require_POST
def contract_scan(request: HttpRequest, pk: int, pathway_id: int, number: int) -> HttpResponse:
    """Attach the scan of the signed paper to a signed version (when it was not at hand at
    the signature)."""
    person, pathway = person_and_pathway(request, pk, pathway_id)
    if pathway.status == PathwayStatus.CLOSED:
        return closed_redirect(request, person, pathway)
    version = _contract(request, person, pathway, number)
    form = forms.ContractScanForm(request.POST, request.FILES)
    form.version_number = version.number
    if form.is_valid():
        saved = save_form(
            form,
            lambda: services.contract_attach_scan(
                contract=version, actor=request.user, uploaded_file=form.cleaned_data["file"]
            ),
        )
        if saved.ok:
            journal_with_person(
                request,
                JournalAction.UPDATE,
                saved.result,
                person,
                f"contrat signé numérisé joint à la v{version.number}",
            )
            messages.success(
                request, f"Contrat signé numérisé joint à la version {version.number}."
            )
            return redirect("pathways:contract", pk=person.pk, pathway_id=pathway.pk)
    return _contract_page(request, person, pathway_id, scan_form=form, status=400)


@organisation_required
def contract_pdf(request: HttpRequest, pk: int, pathway_id: int, number: int) -> HttpResponse:
    person, pathway = person_and_pathway(request, pk, pathway_id)
    version = _contract(request, person, pathway, number)
    pdf = render_pdf(version, online_signature=online_signature_for_print(version.pk))
    journal_with_person(
        request, JournalAction.EXPORT, version, person, f"PDF du contrat v{version.number}"
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="contrat-engagement-{person.pk}-{pathway.pk}-v{version.number}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
