"""Co-signature of the contract by the person: code, recorded date, method and hash; a
version changed while signing → told, nothing signed."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from relais.core.errors import DomainError
from relais.person_space import cosign
from relais.person_space.models import Cosignature
from tests.factories import ContractFactory, GoalFactory, PathwayFactory, StepFactory
from tests.factories.person_space import SpaceAccessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    access = SpaceAccessFactory()
    pathway = PathwayFactory(person=access.person, organisation=access.person.organisation)
    GoalFactory(pathway=pathway)
    StepFactory(pathway=pathway)
    contract = ContractFactory(pathway=pathway, number=1)
    return access, contract


def _send_code(access, contract, capture) -> str:
    with capture(execute=True):
        cosign.cosign_request_code(access=access, contract=contract)
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_cosign_records_date_method_and_hash(setup, django_capture_on_commit_callbacks):
    access, contract = setup
    code = _send_code(access, contract, django_capture_on_commit_callbacks)
    assert "signer votre contrat" in mail.outbox[-1].body
    signature = cosign.contract_cosign(
        access=access, contract=contract, code=code, seen_hash=contract.content_hash, accepted=True
    )
    assert signature.method == "email"
    assert signature.content_hash == contract.content_hash
    assert signature.signed_at is not None
    with pytest.raises(DomainError, match="déjà signé"):
        cosign.cosign_request_code(access=access, contract=contract)


def test_must_tick_the_box(setup, django_capture_on_commit_callbacks):
    access, contract = setup
    code = _send_code(access, contract, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError, match="Cochez"):
        cosign.contract_cosign(
            access=access,
            contract=contract,
            code=code,
            seen_hash=contract.content_hash,
            accepted=False,
        )
    assert not Cosignature.objects.exists()


def test_wrong_code_counts_towards_lockout(setup, django_capture_on_commit_callbacks):
    access, contract = setup
    code = _send_code(access, contract, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError, match="Il vous reste 9 essais"):
        cosign.contract_cosign(
            access=access,
            contract=contract,
            code="000000" if code != "000000" else "111111",
            seen_hash=contract.content_hash,
            accepted=True,
        )
    access.refresh_from_db()
    assert access.failed_attempts == 1


def test_goals_changed_while_signing(setup, django_capture_on_commit_callbacks):
    access, contract = setup
    code = _send_code(access, contract, django_capture_on_commit_callbacks)
    StepFactory(pathway=contract.pathway, title="Une étape ajoutée pendant la signature")
    with pytest.raises(DomainError, match="modifié pendant que vous le signiez"):
        cosign.contract_cosign(
            access=access,
            contract=contract,
            code=code,
            seen_hash=contract.content_hash,
            accepted=True,
        )
    assert not Cosignature.objects.exists()


def test_new_version_while_signing(setup, django_capture_on_commit_callbacks):
    access, contract = setup
    code = _send_code(access, contract, django_capture_on_commit_callbacks)
    ContractFactory(pathway=contract.pathway, number=2)
    with pytest.raises(DomainError, match="modifié pendant que vous le signiez"):
        cosign.contract_cosign(
            access=access,
            contract=contract,
            code=code,
            seen_hash=contract.content_hash,
            accepted=True,
        )
    assert not Cosignature.objects.exists()


def test_page_showed_other_terms(setup, django_capture_on_commit_callbacks):
    access, contract = setup
    code = _send_code(access, contract, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError, match="rien n'a été signé"):
        cosign.contract_cosign(
            access=access, contract=contract, code=code, seen_hash="0" * 64, accepted=True
        )
    assert not Cosignature.objects.exists()


def test_sign_in_code_does_not_sign(setup, django_capture_on_commit_callbacks):
    """A code sent to sign in is not a signature code."""
    from relais.person_space import services

    access, contract = setup
    with django_capture_on_commit_callbacks(execute=True):
        services.request_sign_in_code(contact=access.contact)
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    with pytest.raises(DomainError):
        cosign.contract_cosign(
            access=access,
            contract=contract,
            code=code,
            seen_hash=contract.content_hash,
            accepted=True,
        )


def test_paper_access_cannot_sign_online(db):
    access = SpaceAccessFactory(on_paper=True)
    contract = ContractFactory(pathway=PathwayFactory(person=access.person))
    with pytest.raises(DomainError, match="recevoir un code par e-mail ou SMS"):
        cosign.cosign_request_code(access=access, contract=contract)
