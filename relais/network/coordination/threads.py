"""Professional threads about a person, between the members of their coordination team.

Rules decided here (the issue left them open):
- reading and writing need Capability.TEAM on the person (`relais.people.policies.can`):
  the référents and managers of the person's organisation, and the active team members —
  membership not ended and the person's consent to share with their organisation
  standing, checked at each request; a former member, or one whose consent was
  withdrawn, can neither read nor post (a post is refused with a French message, the
  text given back to its author);
- the writing check applies in the form (these texts leave the organisation);
- every other organisation in the thread's team is told by an in-app notice and an
  e-mail (a task queued on commit) that carry no personal data: « un message vous
  attend », and a link that names the record by its number.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from relais.accounts.models import Membership, Organisation, Role, User
from relais.core.errors import DomainError, PermissionDenied
from relais.core.links import link
from relais.core.text import clean_text
from relais.network.coordination.models import TeamMember
from relais.network.coordination.thread_models import Thread, ThreadMessage
from relais.notifications.services import Email, notify
from relais.people.models import Person
from relais.people.policies import Capability, can

NOT_IN_TEAM = (
    "Vous ne faites pas (ou plus) partie de l'équipe de coordination de cette personne, ou "
    "son accord au partage a été retiré : votre message n'a pas été envoyé."
)
NOTICE = "Un nouveau message vous attend dans un fil d’échange professionnel."


def may_take_part(membership: Membership | None, person: Person) -> bool:
    return membership is not None and can(membership, Capability.TEAM, person)


def _check(actor: User, membership: Membership, person: Person) -> None:
    if membership.user_id != actor.pk or not may_take_part(membership, person):
        raise PermissionDenied(NOT_IN_TEAM)


def _clean_body(body: str) -> str:
    body = clean_text(body)
    if not body:
        raise DomainError("Écrivez votre message.", field="body")
    if len(body) > 5000:
        raise DomainError("Le message ne peut pas dépasser 5 000 caractères.", field="body")
    return body


@transaction.atomic
def thread_start(
    *, person: Person, actor: User, membership: Membership, subject: str, body: str
) -> Thread:
    _check(actor, membership, person)
    subject = clean_text(subject)
    if not subject:
        raise DomainError("Indiquez l'objet de l'échange.", field="subject")
    if len(subject) > 150:
        raise DomainError("L'objet ne peut pas dépasser 150 caractères.", field="subject")
    body = _clean_body(body)
    now = timezone.now()
    thread = Thread.objects.create(
        person=person, subject=subject, created_by=actor, last_message_at=now
    )
    _post(thread, actor, membership, body, now)
    return thread


@transaction.atomic
def thread_post(*, thread: Thread, actor: User, membership: Membership, body: str) -> ThreadMessage:
    current = Thread.objects.select_for_update().select_related("person").get(pk=thread.pk)
    _check(actor, membership, current.person)
    body = _clean_body(body)
    now = timezone.now()
    current.last_message_at = now
    current.save(update_fields=["last_message_at", "updated_at"])
    return _post(current, actor, membership, body, now)


def _post(thread: Thread, actor: User, membership: Membership, body: str, now) -> ThreadMessage:
    message = ThreadMessage.objects.create(
        thread=thread,
        author=actor,
        author_organisation_id=membership.organisation_id,
        body=body,
        created_at=now,
    )
    _tell_the_team(thread, membership)
    return message


def _tell_the_team(thread: Thread, membership: Membership) -> None:
    """The person's organisation and the active members' organisations, the writer's
    excepted. E-mails go to the active team members of each partner organisation and to
    the référents and managers of the person's own."""
    person = thread.person
    members = list(
        TeamMember.objects.active()
        .of_person(person.pk)
        .exclude(organisation_id=membership.organisation_id)
        .values_list("organisation_id", "user_id")
    )
    users_by_org: dict[int, set[int]] = {}
    for organisation_id, user_id in members:
        users_by_org.setdefault(organisation_id, set()).add(user_id)
    if person.organisation_id != membership.organisation_id:
        own = Membership.objects.active().filter(
            organisation_id=person.organisation_id, role__in=(Role.REFERENT, Role.MANAGER)
        )
        users_by_org.setdefault(person.organisation_id, set()).update(
            own.values_list("user_id", flat=True)
        )
    if not users_by_org:
        return
    users = User.objects.in_bulk({u for ids in users_by_org.values() for u in ids})
    path = link("thread", person.pk, thread.pk)
    for organisation in Organisation.objects.filter(pk__in=users_by_org):
        notify(
            organisation=organisation,
            message=NOTICE,
            link=path,
            email=Email(
                subject="Un message vous attend",
                text=f"{NOTICE}\nConnectez-vous pour le lire.",
            ),
            email_users=[users[u] for u in users_by_org[organisation.pk] if u in users],
        )


def threads_of(person: Person) -> QuerySet[Thread]:
    return Thread.objects.filter(person=person).select_related("created_by")
