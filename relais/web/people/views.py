"""Person record pages: intake, the single person view, identity and situation, référent,
consents, key life events, documents and the right-of-access export.

Views stay thin: fetch through `get_person` (visibility + capability + denied journal),
parse the form, call a service, journal, redirect or render."""

from __future__ import annotations

import hashlib
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from relais.core import journal
from relais.core.errors import DomainError, StaleObjectError
from relais.core.models import JournalAction
from relais.core.submissions import already_submitted, new_token, submit_once
from relais.core.text import fold
from relais.network.coordination import intake
from relais.pathways import handover
from relais.people import rules as person_rules
from relais.people import selectors, services
from relais.people.duplicates import find_duplicates
from relais.people.models import Consent, ConsentStatus, Document, Person
from relais.people.policies import Capability, access, can
from relais.records import export
from relais.records.policies import can_export_for_the_person
from relais.web.forms_helpers import apply_domain_error
from relais.web.links import fast_reverse
from relais.web.organisations.views import organisation_required
from relais.web.people.access import get_person
from relais.web.people.forms import (
    ConsentForm,
    ConsentWithdrawForm,
    DocumentForm,
    LifeEventForm,
    PersonEditForm,
    PersonForm,
    ReassignReferentForm,
)
from relais.web.people.sections import person_sections
from relais.web.people.summary import person_summary
from relais.web.submissions import once_per_submission


def _detail_url(person: Person, anchor: str = "") -> str:
    url = reverse("people:detail", args=[person.pk])
    return f"{url}#{anchor}" if anchor else url


# --- The person page -------------------------------------------------------------------------


@organisation_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary of the person's situation first; the sections below are listed by
    title and load when opened (`person_section`), except those that do not say which
    capability they need, rendered here."""
    person = get_person(request, pk, Capability.VIEW)
    if access(request.membership, person).is_team:
        # A professional of another organisation who co-follows the person: only what is
        # shared with them (relais.web.teams.views).
        from relais.web.teams.shared_views import shared_person_page

        return shared_person_page(request, person)
    journal.record_request(request, JournalAction.VIEW, person)
    sections = []
    for section in person_sections():
        if section.capability is not None:
            if can(request.membership, section.capability, person):
                sections.append(
                    {
                        "key": section.key,
                        "title": section.title,
                        "url": fast_reverse("people:section", person.pk, section.key),
                    }
                )
            continue
        context = section.context(request, person)
        if context is not None:
            sections.append(
                {
                    "key": section.key,
                    "title": section.title,
                    "template": section.template,
                    "context": context,
                }
            )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "summary": person_summary(request, person),
            "sections": sections,
            # An archived record is read-only (relais.people.archive): no edit button.
            "can_edit": person.archived_at is None
            and can(request.membership, Capability.IDENTITY, person),
            "can_export": can(request.membership, Capability.ACCOMPANIMENT, person),
            "can_export_for_the_person": can_export_for_the_person(request.membership, person),
        },
    )


@require_GET
@organisation_required
def person_section(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One section of the person page, loaded when the user opens it. Each load is a read
    of the record: journaled as one `view` entry naming the section."""
    person = get_person(request, pk, Capability.VIEW)
    if access(request.membership, person).is_team:
        raise Http404
    for section in person_sections():
        if section.key != key or section.capability is None:
            continue
        if not can(request.membership, section.capability, person):
            continue
        context = section.context(request, person)
        if context is None:
            continue
        journal.record_request(
            request, JournalAction.VIEW, person, summary=f"section « {section.title} »"
        )
        return render(
            request,
            "people/section_body.html",
            {"person": person, "template": section.template, "context": context},
        )
    raise Http404


# --- Intake ----------------------------------------------------------------------------------


def _duplicate_check_key(organisation_id: int, data: dict) -> str:
    """Fingerprint of what the duplicate check looked at: a confirmation (« c'est une autre
    personne ») is valid only for the names and birth date the user saw checked."""
    text = "|".join(
        [
            str(organisation_id),
            fold(data.get("birth_name", "")),
            fold(data.get("usage_name", "")),
            fold(data.get("first_names", "")),
            str(data.get("birth_date", "")),
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@organisation_required
def person_create(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    if not can(membership, Capability.IDENTITY):
        raise PermissionDenied
    referents = selectors.assignable_referents(request.organisation)
    initial = {"submission": new_token()}
    if membership.role in person_rules.REFERENT_ROLES:
        initial["referent"] = request.user.pk
    form = PersonForm(
        request.POST or None,
        with_situation=can(membership, Capability.ACCOMPANIMENT),
        referents=referents,
        initial=initial,
    )
    duplicates = []
    partner_hints = []
    check_key = ""
    if request.method == "POST" and form.is_valid():
        earlier = already_submitted(
            token=form.cleaned_data.get("submission", ""), actor=request.user, model=Person
        )
        if earlier is not None:
            # The same form sent again (double click, back and resend): its record.
            journal.record_request(
                request,
                JournalAction.VIEW,
                earlier,
                summary="accueil : dossier déjà créé (formulaire envoyé deux fois)",
            )
            return redirect("people:detail", pk=earlier.pk)
        data = form.person_data()
        check_key = _duplicate_check_key(request.organisation.pk, data)
        confirmed = (
            request.POST.get("confirm_different") == "1"
            and request.POST.get("check_key") == check_key
        )
        duplicates = find_duplicates(
            organisation_id=request.organisation.pk,
            birth_name=data["birth_name"],
            usage_name=data["usage_name"],
            first_names=data["first_names"],
            birth_date=data["birth_date"],
            sex=data.get("sex") or "",
            phone=data.get("phone") or "",
            email=data.get("email") or "",
            france_travail_id=data.get("france_travail_id") or "",
        )
        candidates = [d.person for d in duplicates]
        partner_hints = intake.partner_hints(
            request.organisation,
            {
                name: data.get(name) or ""
                for name in (
                    "birth_name",
                    "usage_name",
                    "first_names",
                    "sex",
                    "phone",
                    "email",
                    "france_travail_id",
                )
            }
            | {"birth_date": data["birth_date"]},
        )
        for hint in partner_hints:
            # Looked up at a partner: journaled on the partner's side (their record).
            journal.record_request(
                request,
                JournalAction.LIST,
                target_type="people.person",
                target_id=hint.person_id,
                organisation=hint.organisation_id,
                person_id=hint.person_id,
                summary="accueil d’une structure partenaire : correspondance probable signalée "
                "(nom de la structure seulement)",
            )
        if (not duplicates and not partner_hints) or confirmed:

            def create() -> Person:
                # The duplicate check runs again inside, serialised with other intakes
                # (services.person_create), and the journal entry is in the same transaction.
                person = services.person_create(
                    organisation=request.organisation,
                    actor=request.user,
                    data=data,
                    referent=form.cleaned_data.get("referent"),
                    set_aside={c.pk for c in candidates} if confirmed else set(),
                )
                summary = "accueil : création du dossier"
                if duplicates:
                    numbers = ", ".join(f"n° {c.pk}" for c in candidates)
                    summary += f" (doublons possibles écartés : {numbers})"
                journal.record_request(
                    request,
                    JournalAction.CREATE,
                    person,
                    summary=summary,
                    also_covers=candidates,
                )
                return person

            try:
                # A double click or a resent form gives the record the first one created.
                person, created = submit_once(
                    token=form.cleaned_data.get("submission", ""),
                    actor=request.user,
                    create=create,
                    model=Person,
                )
            except services.DuplicatesFound as found:
                duplicates = found.candidates
                candidates = [d.person for d in duplicates]
                check_key = _duplicate_check_key(request.organisation.pk, data)
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                if not created:
                    journal.record_request(
                        request,
                        JournalAction.VIEW,
                        person,
                        summary="accueil : dossier déjà créé (formulaire envoyé deux fois)",
                    )
                messages.success(request, f"Le dossier de {person.display_name} est créé.")
                return redirect("people:detail", pk=person.pk)
    if duplicates:
        # The possible duplicates are shown: that is a read of those records.
        journal.record_request(
            request,
            JournalAction.LIST,
            target_type="people.person",
            organisation=request.organisation,
            summary=f"accueil : {len(duplicates)} doublon(s) possible(s) affiché(s)",
            also_covers=[d.person for d in duplicates],
        )
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": None,
            "duplicates": duplicates,
            "partner_hints": partner_hints,
            "check_key": check_key,
            "differences": [],
        },
    )


@organisation_required
@require_POST
def partner_join_request(request: HttpRequest) -> HttpResponse:
    """From the intake hint: ask the partner organisation to add the user to the team of
    the person it follows (the partner is notified; nothing of its record is shown here)."""
    if not can(request.membership, Capability.IDENTITY):
        raise PermissionDenied
    try:
        partner = intake.join_request_send(
            organisation=request.organisation,
            actor=request.user,
            token=request.POST.get("token", ""),
            link_of=lambda pk: reverse("people:detail", args=[pk]),
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Votre demande est transmise à « {partner.name} » : sa structure vous ajoutera à "
            "l’équipe de coordination si la personne le souhaite.",
        )
    return redirect("people:create")


# --- Identity and situation ------------------------------------------------------------------


def _display(form: PersonForm, name: str, value) -> str:
    field = form.fields[name]
    if name == "children_ages":
        return ", ".join(str(a) for a in value or []) or "—"
    if name == "resources":
        labels = dict(field.choices)
        return ", ".join(str(labels.get(v, v)) for v in value or []) or "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    choices = getattr(field, "choices", None)
    if choices:
        value = dict(choices).get(value, value)
    return str(value) if value not in (None, "") else "—"


def _differences(form: PersonForm, current: Person) -> list[dict]:
    """What the colleague saved that differs from the user's input, field by field."""
    rows = []
    for name, value in form.person_data().items():
        saved = getattr(current, name)
        if saved != value:
            rows.append(
                {
                    "label": form.fields[name].label,
                    "saved": _display(form, name, saved),
                    "typed": _display(form, name, value),
                }
            )
    return rows


@organisation_required
def person_update(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.IDENTITY)
    with_situation = can(request.membership, Capability.ACCOMPANIMENT, person)
    initial = {**PersonForm.initial_from(person), "version": person.version}
    form = PersonEditForm(request.POST or None, with_situation=with_situation, initial=initial)
    differences = []
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                person=person,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.person_data(),
            )
        except StaleObjectError as error:
            current = Person.objects.select_related("updated_by").get(pk=person.pk)
            # Keep the user's input; the next save applies it over the new version.
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = PersonEditForm(data, with_situation=with_situation, initial=initial)
            if form.is_valid():
                differences = _differences(form, current)
            form.add_error(None, error.message)
            person = current
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal.record_request(request, JournalAction.UPDATE, person)
            messages.success(request, "Les modifications sont enregistrées.")
            return redirect(_detail_url(person, "identite"))
    journal.record_request(request, JournalAction.VIEW, person)
    return render(
        request,
        "people/person_form.html",
        {
            "form": form,
            "person": person,
            "duplicates": [],
            "check_key": "",
            "differences": differences,
        },
    )


@organisation_required
@require_POST
def person_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.REASSIGN)
    form = ReassignReferentForm(
        request.POST, referents=selectors.assignable_referents(person.organisation_id)
    )
    journal.record_request(request, JournalAction.VIEW, person)
    if not form.is_valid():
        messages.error(request, "Choisissez le nouveau référent dans la liste.")
        return redirect(_detail_url(person, "identite"))
    previous = person.referent
    try:
        handover.person_reassign_referent(
            person=person, actor=request.user, referent=form.cleaned_data["referent"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        journal.record_request(
            request,
            JournalAction.UPDATE,
            person,
            summary=f"référent changé (utilisateur n° {previous.pk if previous else '—'} → "
            f"n° {person.referent_id})",
        )
        messages.success(request, f"{person.referent} est maintenant référent de la personne.")
    return redirect(_detail_url(person, "identite"))


# --- Consents --------------------------------------------------------------------------------


def _consent_form(form_class, request: HttpRequest, person: Person):
    """The form to give or withdraw a consent (same way of recording the decision)."""
    return form_class(
        request.POST or None,
        request.FILES or None,
        person=person,
        initial={"decided_on": timezone.localdate()},
    )


def _decision(data: dict) -> dict:
    """How the person's decision was recorded, as both consent services take it."""
    keys = ("decided_on", "method", "witness_name", "document", "signed_file")
    return {key: data[key] for key in keys}


@organisation_required
@once_per_submission
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    form = _consent_form(ConsentForm, request, person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent = services.consent_give(
                person=person,
                actor=request.user,
                purpose=data["purpose"],
                **_decision(data),
                partner_organisation=data["partner_organisation"],
                partner_category=data["partner_category"],
            )
        except DomainError as error:
            apply_domain_error(form, error, {"file": "signed_file"})
        else:
            journal.record_request(request, JournalAction.CREATE, consent, also_covers=[person])
            messages.success(request, "Le consentement est enregistré.")
            return redirect(_detail_url(person, "consentements"))
    journal.record_request(request, JournalAction.VIEW, person)
    return render(request, "people/consent_form.html", {"form": form, "person": person})


@organisation_required
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    consent = get_object_or_404(
        Consent.objects.select_related("partner_organisation", "recorded_by"),
        pk=consent_pk,
        person=person,
    )
    journal.record_request(request, JournalAction.VIEW, person)
    already_replaced = Consent.objects.filter(supersedes=consent).exists()
    if consent.status != ConsentStatus.GIVEN or already_replaced:
        messages.info(request, "Ce consentement n'est plus en vigueur : il n'y a rien à retirer.")
        return redirect(_detail_url(person, "consentements"))
    form = _consent_form(ConsentWithdrawForm, request, person)
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal = services.consent_withdraw(
                consent=consent, actor=request.user, **_decision(form.cleaned_data)
            )
        except DomainError as error:
            apply_domain_error(form, error, {"file": "signed_file"})
        else:
            journal.record_request(
                request, JournalAction.CREATE, withdrawal, summary="retrait", also_covers=[person]
            )
            messages.success(request, "Le retrait du consentement est enregistré.")
            return redirect(_detail_url(person, "consentements"))
    return render(
        request,
        "people/consent_withdraw.html",
        {"form": form, "person": person, "consent": consent},
    )


# --- Key life events -------------------------------------------------------------------------


@organisation_required
@once_per_submission
def life_event_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    form = LifeEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event = services.life_event_add(
                person=person,
                actor=request.user,
                kind=data["kind"],
                occurred_on=data["occurred_on"],
                is_rupture=data["is_rupture"],
                description=data["description"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal.record_request(request, JournalAction.CREATE, event, also_covers=[person])
            messages.success(request, "L'événement est ajouté à l'histoire de la personne.")
            return redirect(_detail_url(person, "evenements"))
    journal.record_request(request, JournalAction.VIEW, person)
    return render(request, "people/life_event_form.html", {"form": form, "person": person})


# --- Documents -------------------------------------------------------------------------------


@organisation_required
@once_per_submission
def document_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_upload(
                person=person,
                actor=request.user,
                uploaded_file=data["file"],
                kind=data["kind"],
                title=data["title"],
                expires_on=data["expires_on"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            journal.record_request(request, JournalAction.CREATE, document, also_covers=[person])
            messages.success(request, f"Le document « {document.title} » est déposé.")
            return redirect(_detail_url(person, "documents"))
    journal.record_request(request, JournalAction.VIEW, person)
    return render(request, "people/document_form.html", {"form": form, "person": person})


@organisation_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    document = get_object_or_404(Document, pk=document_pk, person=person)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    journal.record_request(
        request, JournalAction.VIEW, document, summary="téléchargement", also_covers=[person]
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Right of access (RGPD art. 15) ----------------------------------------------------------


def _export_filename(person: Person, extension: str) -> str:
    return f"dossier-{person.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _export_for_the_person(request: HttpRequest, person: Person) -> bool:
    """`?pour=personne`: the person's own copy, managers only (relais.records.policies)."""
    if request.GET.get("pour") != "personne":
        return False
    if not can_export_for_the_person(request.membership, person):
        raise PermissionDenied
    return True


def _export_summary(for_the_person: bool, kind: str) -> str:
    if for_the_person:
        return f"droit d'accès (RGPD art. 15) : copie remise à la personne, {kind}"
    return f"export du dossier (copie professionnelle, sans les écrits réservés à leur auteur) : {kind}"


@organisation_required
@require_GET
def person_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    for_the_person = _export_for_the_person(request, person)
    data = export.person_export(person, actor=request.user, for_the_person=for_the_person)
    journal.record_request(
        request, JournalAction.EXPORT, person, summary=_export_summary(for_the_person, "JSON")
    )
    body = json.dumps(export.as_json(data), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(person, "json")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@organisation_required
@require_GET
def person_export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person(request, pk, Capability.ACCOMPANIMENT)
    for_the_person = _export_for_the_person(request, person)
    data = export.person_export(person, actor=request.user, for_the_person=for_the_person)
    pdf = export.render_pdf(data)
    journal.record_request(
        request, JournalAction.EXPORT, person, summary=_export_summary(for_the_person, "PDF")
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(person, "pdf")}"'
    response["Cache-Control"] = "private, no-store"
    return response
