"""The person co-signs their contract from their space (decision 0041).

An explicit consent step: the person asks for a code (sent by e-mail or SMS to their
contact), ticks that they have read and accept the version, and types the code. The
signature records the date, the method (the channel the code went through) and the hash
of the version's terms. If the version changed while the person was signing — a newer
version drawn up, the goals or steps changed, or the page showed other terms than the
version now holds — nothing is signed and the person is told."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from relais.core.errors import DomainError
from relais.pathways.contract import current_terms, terms_hash
from relais.pathways.models import Contract, Pathway
from relais.person_space import signin, tasks
from relais.person_space.actor import journal_as_person
from relais.person_space.models import Channel, CodePurpose, Cosignature, SpaceAccess

CHANGED = (
    "Votre contrat a été modifié pendant que vous le signiez : rien n'a été signé. "
    "Relisez la nouvelle version avant de la signer."
)


def contract_for(access: SpaceAccess, contract_id: int) -> Contract | None:
    return (
        Contract.objects.filter(pk=contract_id, pathway__person_id=access.person_id)
        .select_related("pathway")
        .first()
    )


def check_signable(access: SpaceAccess, contract: Contract) -> None:
    if access.channel == Channel.PAPER:
        raise DomainError(
            "Pour signer en ligne, il faut recevoir un code par e-mail ou SMS : signez votre "
            "contrat avec votre référent·e, ou demandez-lui de vous inviter par e-mail ou SMS."
        )
    if Cosignature.objects.filter(contract=contract).exists():
        raise DomainError("Vous avez déjà signé cette version.")
    latest = Contract.objects.filter(pathway_id=contract.pathway_id).aggregate(n=Max("number"))["n"]
    if contract.number != latest:
        raise DomainError(CHANGED)


def cosign_request_code(*, access: SpaceAccess, contract: Contract) -> None:
    check_signable(access, contract)
    if signin.codes_sent_last_hour(access) >= signin.CODES_PER_HOUR:
        raise DomainError("Trop de codes demandés en une heure : attendez un peu.")
    with transaction.atomic():
        tasks.queue_code(access=access, purpose=CodePurpose.COSIGN, contract_id=contract.pk)


def contract_cosign(
    *, access: SpaceAccess, contract: Contract, code: str, seen_hash: str, accepted: bool
) -> Cosignature:
    """Check the code (a wrong one counts towards the lockout), then sign if the version is
    still the one the person read."""
    if not accepted:
        raise DomainError(
            "Cochez la case pour dire que vous avez lu et acceptez le contrat.", field="accepted"
        )
    check_signable(access, contract)
    signin.check_code(access, purpose=CodePurpose.COSIGN, code=code, contract=contract)
    with transaction.atomic():
        current = Contract.objects.select_for_update().get(pk=contract.pk)
        latest = Contract.objects.filter(pathway_id=current.pathway_id).aggregate(n=Max("number"))[
            "n"
        ]
        live = Pathway.objects.prefetch_related("goals", "steps").get(pk=current.pathway_id)
        if (
            current.number != latest
            or seen_hash != current.content_hash
            or terms_hash(current_terms(live)) != current.content_hash
        ):
            raise DomainError(CHANGED)
        if Cosignature.objects.filter(contract=current).exists():
            raise DomainError("Vous avez déjà signé cette version.")
        signature = Cosignature.objects.create(
            contract=current,
            access=access,
            method=access.channel,
            content_hash=current.content_hash,
        )
        journal_as_person(
            access,
            action="create",
            target=current,
            summary=f"contrat v{current.number} signé par la personne",
        )
    return signature
