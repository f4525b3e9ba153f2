"""The thématiques of data·inclusion (schema v1) and their French labels: the one place
that names them, for the directory, the search, the referrals and the coordination.

A code is a category (« mobilite ») or a thématique of a category
(« mobilite--preparer-un-permis »). A thématique's own label is short (« Préparer un
permis »), so it is shown after its category's: « Mobilité : Préparer un permis ». The
labels are built once from the schema package."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from data_inclusion.schema import v1


def category_of(code: str) -> str:
    """ "mobilite--preparer-un-permis" → "mobilite" (a category is its own category)."""
    return code.split("--", 1)[0]


@cache
def _categories() -> dict[str, str]:
    return {c.value: c.label for c in v1.Categorie}


@cache
def _labels() -> dict[str, str]:
    labels = dict(_categories())
    for thematique in v1.Thematique:
        category = _categories().get(category_of(thematique.value))
        own = thematique.label
        labels[thematique.value] = f"{category} : {own}" if category else own
    return labels


def label(code: str) -> str:
    """« Mobilité » for a category, « Mobilité : Préparer un permis » for a thématique, the
    code itself when unknown (old data stays readable)."""
    return _labels().get(code, code)


def labels(codes: Iterable[str] | None, limit: int | None = None) -> list[str]:
    """The labels of a service's thématiques: the categories given alone first (one whose
    thématique is also listed adds nothing), then the thématiques, in their order; at most
    `limit` of them."""
    codes = list(codes or [])
    precise = [c for c in codes if "--" in c]
    alone = [c for c in codes if "--" not in c and not any(p.startswith(f"{c}--") for p in precise)]
    return [label(c) for c in [*alone, *precise]][:limit]


def is_known(code: str) -> bool:
    """A category or a thématique of the schema."""
    return code in _labels()


@cache
def groups() -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """Categories with their thématiques and their own (short) labels, in the schema's
    order, for checkboxes grouped by category: ((category, label, ((code, label), …)), …)."""
    by_category: dict[str, list[tuple[str, str]]] = {code: [] for code in _categories()}
    for thematique in v1.Thematique:
        by_category.setdefault(category_of(thematique.value), []).append(
            (thematique.value, thematique.label)
        )
    return tuple(
        (code, _categories().get(code, code), tuple(items))
        for code, items in by_category.items()
        if items
    )
