"""Messages that leave for the person: the code or link is made in the worker (no usable
secret waits in the task table, as for professionals' invitations), then handed to the
e-mail or SMS task. Notifications of a new message say nothing else."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from relais.core.links import absolute, link
from relais.core.mail import enqueue_on_commit, queue_email
from relais.core.sms import queue_sms
from relais.person_space import signin
from relais.person_space.models import Channel, CodePurpose, SpaceAccess

BRAND = "Relais"
NEW_MESSAGE = "Vous avez un nouveau message"


def _send(access: SpaceAccess, *, subject: str, text: str) -> None:
    if access.channel == Channel.EMAIL:
        queue_email(subject=subject, body=text, to=[access.contact])
    elif access.channel == Channel.SMS:
        queue_sms(to=access.contact, body=text)


@task()
def send_code(*, access_id: int, purpose: str, contract_id: int | None = None) -> None:
    """Make and send a one-time code (with its link for a sign-in)."""
    with transaction.atomic():
        access = SpaceAccess.objects.active().filter(pk=access_id).first()
        if access is None or access.channel == Channel.PAPER or access.is_locked:
            return
        invitation = purpose == "invitation"
        validity = signin.INVITATION_VALIDITY if invitation else signin.CODE_VALIDITY
        issued = signin.issue_code(
            access,
            purpose=CodePurpose.COSIGN if purpose == CodePurpose.COSIGN else CodePurpose.SIGN_IN,
            validity=validity,
            contract_id=contract_id,
        )
        url = absolute(link("space_link", issued.link_token))
        if invitation:
            subject = f"Votre espace personnel {BRAND}"
            text = (
                f"Votre référent·e vous a ouvert un espace personnel {BRAND}. "
                f"Pour y entrer (lien valable 72 heures) : {url}"
            )
        elif purpose == CodePurpose.COSIGN:
            subject = f"Code de signature {BRAND}"
            text = (
                f"Votre code pour signer votre contrat dans {BRAND} : {issued.code} (15 minutes)."
            )
        else:
            subject = f"Code de connexion {BRAND}"
            text = f"Votre code {BRAND} : {issued.code} (15 minutes). Ou ce lien : {url}"
        _send(access, subject=subject, text=text)


def queue_code(*, access: SpaceAccess, purpose: str, contract_id: int | None = None) -> None:
    enqueue_on_commit(send_code, access_id=access.pk, purpose=purpose, contract_id=contract_id)


@task()
def send_new_message_notice(*, access_id: int) -> None:
    access = SpaceAccess.objects.active().filter(pk=access_id).first()
    if access is None:
        return
    url = absolute(link("space_home"))
    _send(access, subject=f"{NEW_MESSAGE} — {BRAND}", text=f"{NEW_MESSAGE} : {url}")
