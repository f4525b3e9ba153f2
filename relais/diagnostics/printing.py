"""The printable shared diagnostic: a PDF to give to the person or to sign with them (the
diagnostic is co-built with the person, 2.5 of the referential). Rendered by WeasyPrint
from `diagnostics/diagnostic_pdf.html` (relais.core.pdf)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from relais.core import pdf
from relais.diagnostics.domains import Difficulty, Domain, barriers
from relais.diagnostics.models import Diagnostic, Urgency
from relais.diagnostics.selectors import assessments_by_domain


def born_word(sex: str) -> str:
    """« née », « né » or « née ou né » as the person's recorded sex says."""
    return {"F": "née", "M": "né"}.get(sex or "", "née ou né")


def printable(diagnostic: Diagnostic) -> dict[str, Any]:
    """What the PDF shows: the domains addressed with their difficulty, strengths, barriers
    (labels of the vocabulary) and the person's words; the domains not addressed by name."""
    person = diagnostic.person
    found = assessments_by_domain(diagnostic)
    vocabulary = barriers()
    addressed, not_addressed = [], []
    for domain in Domain:
        assessment = found.get(domain.value)
        if assessment is None:
            not_addressed.append(domain.label)
            continue
        codes = list(assessment.barriers or [])
        labels = [vocabulary[c].label if c in vocabulary else c for c in codes]
        if assessment.barriers_other:
            labels.append(assessment.barriers_other)
        addressed.append(
            {
                "label": domain.label,
                "difficulty": (
                    Difficulty(assessment.difficulty).label
                    if assessment.difficulty is not None
                    else "non évaluée"
                ),
                "situation": assessment.situation,
                "strengths": assessment.strengths,
                "barriers": labels,
                "person_words": assessment.person_words,
            }
        )
    author = diagnostic.author
    return {
        "diagnostic": diagnostic,
        "person_name": person.display_name,
        "born": born_word(person.sex),
        "birth_date": person.birth_date,
        "organisation": person.organisation.name,
        "author_name": author.get_full_name() or author.email,
        "urgency": Urgency(diagnostic.urgency).label,
        "urgency_reasons": list(diagnostic.urgency_reasons or []),
        "addressed": addressed,
        "not_addressed": not_addressed,
        "printed_on": timezone.localdate(),
        "title": f"Diagnostic partagé du {diagnostic.assessed_on:%d/%m/%Y} — {person.display_name}",
    }


def render_pdf(diagnostic: Diagnostic) -> bytes:
    return pdf.render_pdf("diagnostics/diagnostic_pdf.html", printable(diagnostic))
