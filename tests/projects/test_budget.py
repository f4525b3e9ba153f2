"""The budget: lines never negative, balance, co-funding rates."""

from decimal import Decimal

import pytest

from relais.core.errors import DomainError
from relais.projects.budget import budget_line_add, budget_summary
from relais.projects.models import BudgetLine
from tests.factories.projects import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(organisation):
    return ProjectFactory(organisation=organisation)


def add(project, actor, **kwargs):
    return budget_line_add(project=project, actor=actor, **kwargs)


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-10", "ne peut pas être négatif"),
        ("abc", "doit être un nombre"),
        ("12.345", "deux décimales"),
        ("100000000", "dépasse"),
        ("NaN", "doit être un nombre"),
    ],
)
def test_bad_amounts_refused(project, referent, amount, message):
    with pytest.raises(DomainError, match=message) as error:
        add(project, referent, kind="expense", category="staff", label="Animation", amount=amount)
    assert error.value.field == "amount"
    assert not BudgetLine.objects.exists()


def test_expense_needs_a_category_and_resource_a_funder_and_status(project, referent):
    with pytest.raises(DomainError) as error:
        add(project, referent, kind="expense", label="Animation", amount="10")
    assert error.value.field == "category"
    with pytest.raises(DomainError) as error:
        add(
            project,
            referent,
            kind="resource",
            label="Subvention",
            amount="10",
            funding_status="secured",
        )
    assert error.value.field == "funder"
    with pytest.raises(DomainError) as error:
        add(project, referent, kind="resource", label="Subvention", amount="10", funder="CAF")
    assert error.value.field == "funding_status"


def test_unbalanced_then_balanced_with_cofunding_rates(project, referent):
    add(project, referent, kind="expense", category="staff", label="Animation", amount="6000")
    add(project, referent, kind="expense", category="premises", label="Salle", amount="4000")
    add(
        project,
        referent,
        kind="resource",
        label="Subvention",
        amount="5000",
        funder="Département",
        funding_status="secured",
    )
    summary = budget_summary(project)
    assert not summary.balanced
    assert summary.gap == Decimal("-5000")
    add(
        project,
        referent,
        kind="resource",
        label="Appel à projets",
        amount="3000",
        funder="CAF",
        funding_status="requested",
    )
    add(
        project,
        referent,
        kind="resource",
        label="Fonds propres",
        amount="2000",
        funder="Département",
        funding_status="secured",
    )
    summary = budget_summary(project)
    assert summary.balanced
    rates = {share.funder: rate for share, rate in summary.funders}
    assert rates == {"Département": Decimal("70.0"), "CAF": Decimal("30.0")}
    assert summary.secured_rate == Decimal("70.0")
