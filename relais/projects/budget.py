"""The project's budget: expenses by category, resources by funder (secured or requested),
whether it balances and each funder's share (co-funding rate).

A budget that does not balance is accepted and warned about: funders ask for a balanced
budget, but one is built line by line. Amounts are euros with cents, never negative, at
most 99 999 999,99 €."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction

from relais.accounts.models import User
from relais.core.errors import DomainError
from relais.core.text import clean_text
from relais.projects.checks import locked_project, validated
from relais.projects.models import (
    BudgetKind,
    BudgetLine,
    ExpenseCategory,
    FundingStatus,
    Partner,
    Project,
)

MAX_AMOUNT = Decimal("99999999.99")
CENT = Decimal("0.01")


def check_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError) as error:
        raise DomainError(
            "Le montant doit être un nombre (ex. 1 250,50).", field="amount"
        ) from error
    if not value.is_finite():
        raise DomainError("Le montant doit être un nombre (ex. 1 250,50).", field="amount")
    if value < 0:
        raise DomainError(
            "Le montant ne peut pas être négatif : une recette se saisit en produit, une "
            "dépense en charge.",
            field="amount",
        )
    if value > MAX_AMOUNT:
        raise DomainError("Le montant dépasse 99 999 999,99 €.", field="amount")
    if value != value.quantize(CENT):
        raise DomainError("Le montant a au plus deux décimales (centimes).", field="amount")
    return value


@transaction.atomic
def budget_line_add(
    *,
    project: Project,
    actor: User,
    kind: str,
    label: str,
    amount,
    category: str = "",
    funder: str = "",
    funding_status: str = "",
    partner: Partner | None = None,
) -> BudgetLine:
    current = locked_project(project, actor)
    value = check_amount(amount)
    if kind == BudgetKind.EXPENSE:
        if category not in ExpenseCategory.values:
            raise DomainError("Choisissez la catégorie de la charge.", field="category")
        funder, funding_status = "", ""
    elif kind == BudgetKind.RESOURCE:
        if partner is not None and partner.project_id != current.pk:
            raise DomainError("Ce partenaire n'est pas celui de ce projet.", field="funder")
        funder = clean_text(funder) or (partner.display_name if partner else "")
        if not funder:
            raise DomainError("Indiquez le financeur.", field="funder")
        if funding_status not in FundingStatus.values:
            raise DomainError(
                "Indiquez si le financement est acquis ou demandé.", field="funding_status"
            )
        category = ""
    else:
        raise DomainError("Choisissez charge ou produit.", field="kind")
    values = validated(
        BudgetLine,
        {
            "kind": kind,
            "label": clean_text(label),
            "amount": value,
            "category": category,
            "funder": funder[:200],
            "funding_status": funding_status,
        },
        project=current,
    )
    return BudgetLine.objects.create(project=current, **values)


@transaction.atomic
def budget_line_remove(*, project: Project, actor: User, line_id: int) -> None:
    current = locked_project(project, actor)
    deleted, _ = BudgetLine.objects.filter(project=current, pk=line_id).delete()
    if not deleted:
        raise DomainError("Cette ligne n'existe plus.")


@dataclass
class FunderShare:
    funder: str
    secured: Decimal
    requested: Decimal

    @property
    def total(self) -> Decimal:
        return self.secured + self.requested


@dataclass
class BudgetSummary:
    expenses: list[BudgetLine]
    resources: list[BudgetLine]
    by_category: list[tuple[str, Decimal]]
    funders: list[tuple[FunderShare, Decimal]]  # (share, rate in % of all resources)
    total_expenses: Decimal
    total_resources: Decimal
    total_secured: Decimal

    @property
    def gap(self) -> Decimal:
        """Resources minus expenses: negative when funding is missing."""
        return self.total_resources - self.total_expenses

    @property
    def gap_amount(self) -> Decimal:
        """How much is missing (or in excess), as a positive amount."""
        return abs(self.gap)

    @property
    def balanced(self) -> bool:
        return self.gap == 0

    @property
    def secured_rate(self) -> Decimal:
        if not self.total_expenses:
            return Decimal(0)
        return (self.total_secured * 100 / self.total_expenses).quantize(Decimal("0.1"))

    @property
    def is_empty(self) -> bool:
        return not (self.expenses or self.resources)


def budget_summary(project: Project) -> BudgetSummary:
    """One query."""
    lines = list(BudgetLine.objects.filter(project=project))
    expenses = [line for line in lines if line.kind == BudgetKind.EXPENSE]
    resources = [line for line in lines if line.kind == BudgetKind.RESOURCE]
    labels = dict(ExpenseCategory.choices)
    categories: dict[str, Decimal] = {}
    for line in expenses:
        categories[line.category] = categories.get(line.category, Decimal(0)) + line.amount
    shares: dict[str, FunderShare] = {}
    for line in resources:
        share = shares.setdefault(line.funder, FunderShare(line.funder, Decimal(0), Decimal(0)))
        if line.funding_status == FundingStatus.SECURED:
            share.secured += line.amount
        else:
            share.requested += line.amount
    total_resources = sum((line.amount for line in resources), Decimal(0))
    funders = [
        (
            share,
            (share.total * 100 / total_resources).quantize(Decimal("0.1"))
            if total_resources
            else Decimal(0),
        )
        for share in sorted(shares.values(), key=lambda s: (-s.total, s.funder))
    ]
    return BudgetSummary(
        expenses=expenses,
        resources=resources,
        by_category=[
            (str(labels.get(c, c)), v) for c, v in sorted(categories.items(), key=lambda i: -i[1])
        ],
        funders=funders,
        total_expenses=sum((line.amount for line in expenses), Decimal(0)),
        total_resources=total_resources,
        total_secured=sum((s.secured for s, _ in funders), Decimal(0)),
    )
