"""Writes about a person's space: opening and closing it (professionals), document
requests, messages, and the person's own consent decisions. The person's actions are
journaled as the person (`actor.journal_as_person`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import User
from relais.core import journal
from relais.core.errors import DomainError, PermissionDenied
from relais.core.sms import normalise_number
from relais.core.text import clean_text, one_line
from relais.notifications.services import notify
from relais.people import services as people_services
from relais.people.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ConsentStatus,
    DocumentKind,
    Person,
)
from relais.person_space import signin, tasks
from relais.person_space.actor import journal_as_person
from relais.person_space.models import (
    REQUEST_TRANSITIONS,
    Channel,
    CodePurpose,
    DocumentRequest,
    Message,
    MessageAuthor,
    MessageTopic,
    RequestStatus,
    SpaceAccess,
    SpaceSession,
)
from relais.person_space.policies import can_manage_space
from relais.records import rights
from relais.records.models import RequestKind, RightsRequest

MESSAGE_MAX = 2000


def _check_manager(membership, person: Person) -> None:
    if not can_manage_space(membership, person):
        raise PermissionDenied("Vous ne pouvez pas gérer l'espace personnel de cette personne.")


# --- Access ----------------------------------------------------------------------------------


def check_channel(person: Person, channel: str) -> str:
    """The contact codes will go to for `channel`, from the record; French error if none."""
    if channel == Channel.EMAIL:
        if not person.email:
            raise DomainError(
                "Aucune adresse e-mail dans le dossier : ajoutez-la ou choisissez un autre moyen.",
                field="channel",
            )
        return person.email.strip().lower()
    if channel == Channel.SMS:
        number = normalise_number(person.phone or "")
        if not number:
            raise DomainError(
                "Aucun numéro de portable dans le dossier : ajoutez-le ou choisissez un autre moyen.",
                field="channel",
            )
        return number
    if channel == Channel.PAPER:
        return ""
    raise DomainError("Choisissez comment la personne se connectera.", field="channel")


@transaction.atomic
def access_invite(
    *, person: Person, actor: User, membership: Any, channel: str
) -> tuple[SpaceAccess, str]:
    """Open the person's space (closing any earlier access and its sessions). E-mail and
    SMS: a link valid 72 hours is sent. Paper: returns the code to print (shown once)."""
    _check_manager(membership, person)
    if person.archived_at is not None:
        raise DomainError("Ce dossier est archivé : rouvrez-le avant d'inviter la personne.")
    contact = check_channel(person, channel)
    now = timezone.now()
    for previous in SpaceAccess.objects.select_for_update().active().filter(person=person):
        _close(previous, actor=actor, now=now)
    access = SpaceAccess.objects.create(
        person=person, channel=channel, contact=contact, invited_by=actor
    )
    paper_code = ""
    if channel == Channel.PAPER:
        issued = signin.issue_code(
            access, purpose=CodePurpose.PAPER, validity=signin.PAPER_VALIDITY
        )
        paper_code = issued.code
    else:
        tasks.queue_code(access=access, purpose="invitation")
    journal.record(
        actor=actor,
        action="create",
        target=access,
        actor_organisation=membership.organisation,
        summary=f"espace personnel ouvert ({access.get_channel_display()})",
        also_covers=[person],
    )
    return access, paper_code


def _close(access: SpaceAccess, *, actor: User, now: dt.datetime) -> None:
    access.revoked_at = now
    access.revoked_by = actor
    access.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    SpaceSession.objects.filter(access=access, ended_at__isnull=True).update(ended_at=now)


@transaction.atomic
def access_revoke(*, access: SpaceAccess, actor: User, membership: Any) -> SpaceAccess:
    """Close the space: every session ends at once; the person can no longer sign in."""
    _check_manager(membership, access.person)
    access = (
        SpaceAccess.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=access.pk)
    )
    if access.revoked_at is not None:
        raise DomainError("Cet accès est déjà fermé.")
    _close(access, actor=actor, now=timezone.now())
    journal.record(
        actor=actor,
        action="update",
        target=access,
        actor_organisation=membership.organisation,
        summary="espace personnel fermé",
        also_covers=[access.person],
    )
    return access


def request_sign_in_code(*, contact: str) -> SpaceAccess | None:
    """Send a code to `contact` if an access in force uses it. Says nothing either way (the
    page must not tell who has a space); too many codes in an hour → French error."""
    access = signin.access_for_contact(contact)
    if access is None or access.is_locked:
        return access
    if signin.codes_sent_last_hour(access) >= signin.CODES_PER_HOUR:
        raise signin.SignInRefused(
            "Trop de codes demandés en une heure : attendez un peu avant d'en demander un autre.",
            field="contact",
            access_id=access.pk,
        )
    tasks.queue_code(access=access, purpose=CodePurpose.SIGN_IN)
    return access


# --- Document requests -----------------------------------------------------------------------


def _transition(request: DocumentRequest, target: str) -> None:
    if target not in REQUEST_TRANSITIONS[request.status]:
        raise DomainError(
            f"Cette demande est déjà « {request.get_status_display().lower()} » : "
            "rechargez la page."
        )
    request.status = target
    request.status_changed_at = timezone.now()


@transaction.atomic
def document_request_create(
    *, person: Person, actor: User, membership: Any, title: str, kind: str, due_on: dt.date
) -> DocumentRequest:
    _check_manager(membership, person)
    title = one_line(title or "")
    errors = []
    if not title:
        errors.append(DomainError("Indiquez le document demandé.", field="title"))
    elif len(title) > 200:
        errors.append(DomainError("200 caractères au plus.", field="title"))
    if kind not in DocumentKind.values:
        errors.append(DomainError("Choisissez le type de document.", field="kind"))
    if not isinstance(due_on, dt.date):
        errors.append(DomainError("Indiquez la date limite.", field="due_on"))
    elif due_on < timezone.localdate():
        errors.append(DomainError("La date limite ne peut pas être passée.", field="due_on"))
    if errors:
        raise errors[0]
    request = DocumentRequest.objects.create(
        person=person, title=title, kind=kind, due_on=due_on, requested_by=actor
    )
    journal.record(
        actor=actor,
        action="create",
        target=request,
        actor_organisation=membership.organisation,
        summary="document demandé à la personne",
        also_covers=[person],
    )
    return request


@transaction.atomic
def document_request_cancel(
    *, request: DocumentRequest, actor: User, membership: Any
) -> DocumentRequest:
    _check_manager(membership, request.person)
    request = (
        DocumentRequest.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=request.pk)
    )
    _transition(request, RequestStatus.CANCELLED)
    request.save(update_fields=["status", "status_changed_at", "updated_at"])
    return request


@transaction.atomic
def document_request_fulfil(
    *, access: SpaceAccess, request_id: int, uploaded_file: Any
) -> DocumentRequest:
    """The person uploads the requested document: the same checks as a professional's
    upload (size, real type, structure). It joins the record's documents; the request's
    author stands as the uploader (documents name an account), the journal names the
    person."""
    request = (
        DocumentRequest.objects.select_for_update(of=("self",))
        .select_related("person", "requested_by")
        .filter(pk=request_id, person_id=access.person_id)
        .first()
    )
    if request is None:
        raise DomainError("Cette demande n'existe pas.")
    if request.status != RequestStatus.OPEN:
        raise DomainError("Ce document a déjà été déposé ou la demande a été annulée.")
    if uploaded_file is None:
        raise DomainError("Choisissez le fichier à envoyer.", field="file")
    document = people_services.document_upload(
        person=request.person,
        actor=request.requested_by,
        uploaded_file=uploaded_file,
        kind=request.kind,
        title=f"{request.title} (déposé par la personne)"[:200],
    )
    _transition(request, RequestStatus.RECEIVED)
    request.document = document
    request.save(update_fields=["status", "status_changed_at", "document", "updated_at"])
    journal_as_person(access, action="create", target=document, summary="document déposé")
    notify(
        organisation=request.person.organisation,
        message=f"Un document demandé a été déposé (dossier n° {request.person_id}).",
        link=_person_link(request.person_id),
    )
    return request


def _person_link(person_id: int) -> str:
    from relais.core.links import link

    return link("person", person_id, anchor="#espace-personnel")


# --- Messages --------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = clean_text(body or "").strip()
    if not body:
        raise DomainError("Écrivez votre message.", field="body")
    if len(body) > MESSAGE_MAX:
        raise DomainError(f"{MESSAGE_MAX} caractères au plus.", field="body")
    return body


@transaction.atomic
def message_from_person(
    *, access: SpaceAccess, body: str, topic: str = MessageTopic.MESSAGE
) -> Message:
    if topic not in MessageTopic.values:
        raise DomainError("Choisissez l'objet du message.", field="topic")
    if topic == MessageTopic.CORRECTION:
        return correction_request_send(access=access, body=body)[0]
    body = _clean_body(body)
    message = Message.objects.create(
        person_id=access.person_id, author_kind=MessageAuthor.PERSON, body=body, topic=topic
    )
    what = MessageTopic(topic).label.lower()
    journal_as_person(access, action="create", target=message, summary=f"{what} envoyé")
    _notify_message(access, what)
    return message


@transaction.atomic
def correction_request_send(*, access: SpaceAccess, body: str) -> tuple[Message, RightsRequest]:
    """« Demander une correction »: a message to the référent, and a rectification request
    in the organisation's rights register (art. 16 RGPD), received today with its
    one-month deadline, made by the person (no professional recorded it). One journal
    entry, as the person."""
    body = _clean_body(body)
    request = rights.rights_request_from_person(
        person=access.person, kind=RequestKind.RECTIFICATION, details=body
    )
    message = Message.objects.create(
        person_id=access.person_id,
        author_kind=MessageAuthor.PERSON,
        body=body,
        topic=MessageTopic.CORRECTION,
    )
    journal_as_person(
        access,
        action="create",
        target=request,
        summary=f"demande de correction du dossier envoyée (à traiter avant le "
        f"{request.due_on:%d/%m/%Y})",
        also_covers=[message],
    )
    _notify_message(access, MessageTopic.CORRECTION.label.lower())
    return message, request


def _notify_message(access: SpaceAccess, what: str) -> None:
    person = access.person
    notify(
        organisation=person.organisation,
        message=f"Espace personnel, dossier n° {person.pk} : {what}.",
        link=_person_link(person.pk),
    )


@transaction.atomic
def message_from_professional(
    *, person: Person, actor: User, membership: Any, body: str
) -> Message:
    _check_manager(membership, person)
    body = _clean_body(body)
    message = Message.objects.create(
        person=person, author_kind=MessageAuthor.PROFESSIONAL, author_user=actor, body=body
    )
    journal.record(
        actor=actor,
        action="create",
        target=message,
        actor_organisation=membership.organisation,
        summary="message à la personne",
        also_covers=[person],
    )
    access = SpaceAccess.objects.active().filter(person=person).first()
    if access is not None:
        from relais.core.mail import enqueue_on_commit

        enqueue_on_commit(tasks.send_new_message_notice, access_id=access.pk)
    return message


def messages_mark_read(*, person_id: int, by_person: bool) -> int:
    """Mark as read the messages the other side wrote."""
    author = MessageAuthor.PROFESSIONAL if by_person else MessageAuthor.PERSON
    return Message.objects.filter(
        person_id=person_id, author_kind=author, read_at__isnull=True
    ).update(read_at=timezone.now())


# --- The person's consents -------------------------------------------------------------------


def space_consent_give(
    *, access: SpaceAccess, purpose: str, consent_id: int | None = None
) -> Consent:
    """The person gives a consent themselves: a contact consent, or again a sharing they
    had withdrawn (`consent_id`, the withdrawn decision: same partner)."""
    person = access.person
    partner, category = None, ""
    if consent_id is not None:
        previous = (
            Consent.objects.filter(pk=consent_id, person=person)
            .select_related("partner_organisation")
            .first()
        )
        if previous is None:
            raise DomainError("Ce consentement n'existe pas.")
        if previous.status != ConsentStatus.WITHDRAWN:
            raise DomainError("Ce consentement est déjà donné.")
        purpose = previous.purpose
        partner, category = previous.partner_organisation, previous.partner_category
    elif purpose not in (ConsentPurpose.CONTACT_SMS, ConsentPurpose.CONTACT_EMAIL):
        raise DomainError("Choisissez ce que vous acceptez.", field="purpose")
    consent = people_services.consent_give(
        person=person,
        actor=access.invited_by,
        purpose=purpose,
        decided_on=timezone.localdate(),
        method=ConsentMethod.PERSON_SPACE,
        partner_organisation=partner,
        partner_category=category,
    )
    journal_as_person(access, action="create", target=consent, summary="consentement donné")
    return consent


def space_consent_withdraw(*, access: SpaceAccess, consent_id: int) -> Consent:
    """The person withdraws a consent: at once, partners lose what it shared (the sharing
    rules read the consents in force)."""
    consent = Consent.objects.filter(pk=consent_id, person_id=access.person_id).first()
    if consent is None:
        raise DomainError("Ce consentement n'existe pas.")
    withdrawal = people_services.consent_withdraw(
        consent=consent,
        actor=access.invited_by,
        decided_on=timezone.localdate(),
        method=ConsentMethod.PERSON_SPACE,
    )
    journal_as_person(access, action="create", target=withdrawal, summary="consentement retiré")
    return withdrawal
