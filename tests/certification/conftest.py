import pytest

from relais.accounts.models import Role
from relais.certification.models import BodyKind
from tests.factories.certification import body_member, referential


@pytest.fixture
def rncp():
    return referential("RNCP41885")


@pytest.fixture
def manager():
    return body_member(BodyKind.FEDERATION, Role.MANAGER)


@pytest.fixture
def trainer(manager):
    return body_member(organisation=manager.organisation, role=Role.REFERENT)
