"""Workstation analysis (APST, analyse pratique en situation de travail): a real workstation
observed with the employer — prescribed tasks against the real ones, work conditions, the
abilities each task needs, the gaps, and the adjustments proposed (to the post, the
training, the tutoring) — and its report for the employer, as a PDF.

An analysis is edited by several people (the professional, a colleague after a second
visit): it is versioned, and a save based on a stale version is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from relais.accounts.models import Membership, User
from relais.core import pdf
from relais.core.errors import DomainError, PermissionDenied
from relais.core.versioning import update_versioned
from relais.employment import policies, references
from relais.employment.models import Position, WorkstationAnalysis
from relais.employment.vocabulary import ABILITIES, ability_label

TEXT_FIELDS = (
    "physical",
    "pace",
    "hours",
    "environment",
    "safety",
    "adjust_post",
    "adjust_training",
    "adjust_tutoring",
)
MAX_TASKS = 20


def clean_tasks(tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows without any text are dropped; a row needs its prescribed or its real task."""
    cleaned = []
    for index, task in enumerate(tasks or [], start=1):
        prescribed = str(task.get("prescribed") or "").strip()[:500]
        real = str(task.get("real") or "").strip()[:500]
        gap = str(task.get("gap") or "").strip()[:500]
        abilities = [c for c in task.get("abilities") or [] if c]
        if not (prescribed or real or gap or abilities):
            continue
        if not (prescribed or real):
            raise DomainError(
                f"Tâche {index} : décrivez la tâche prescrite ou la tâche réelle.",
                field=f"task-{index - 1}-prescribed",
            )
        unknown = [c for c in abilities if c not in ABILITIES]
        if unknown:
            raise DomainError(
                f"Tâche {index} : habileté inconnue.", field=f"task-{index - 1}-abilities"
            )
        cleaned.append({"prescribed": prescribed, "real": real, "gap": gap, "abilities": abilities})
    if len(cleaned) > MAX_TASKS:
        raise DomainError(f"{MAX_TASKS} tâches au plus par analyse.")
    if not cleaned:
        raise DomainError("Décrivez au moins une tâche du poste.", field="task-0-prescribed")
    return cleaned


def check_observed_on(observed_on: dt.date | None) -> None:
    if observed_on is None:
        raise DomainError("Indiquez la date de l'observation.", field="observed_on")
    if observed_on > timezone.localdate():
        raise DomainError(
            "L'observation ne peut pas être datée dans le futur.", field="observed_on"
        )


def _values(observed_on, tutor_name, tasks, texts) -> dict[str, Any]:
    check_observed_on(observed_on)
    return {
        "observed_on": observed_on,
        "tutor_name": " ".join((tutor_name or "").split())[:150],
        "tasks": clean_tasks(tasks),
        **{name: str(texts.get(name) or "").strip()[:3000] for name in TEXT_FIELDS},
    }


@transaction.atomic
def analysis_create(
    *,
    membership: Membership,
    actor: User,
    position: Position,
    observed_on: dt.date,
    tasks: list[dict[str, Any]],
    tutor_name: str = "",
    **texts: str,
) -> WorkstationAnalysis:
    if not policies.can_edit_employers(membership) or not policies.in_organisation(
        membership, position
    ):
        raise PermissionDenied("Votre rôle ne permet pas d'analyser ce poste.")
    values = _values(observed_on, tutor_name, tasks, texts)
    return WorkstationAnalysis.objects.create(
        position=position, observer=actor, updated_by=actor, **values
    )


@transaction.atomic
def analysis_update(
    *,
    membership: Membership,
    actor: User,
    analysis: WorkstationAnalysis,
    expected_version: int,
    observed_on: dt.date,
    tasks: list[dict[str, Any]],
    tutor_name: str = "",
    **texts: str,
) -> WorkstationAnalysis:
    if not policies.can_edit_employers(membership) or not policies.in_organisation(
        membership, analysis.position
    ):
        raise PermissionDenied("Votre rôle ne permet pas d'analyser ce poste.")
    values = _values(observed_on, tutor_name, tasks, texts)
    return update_versioned(
        analysis, expected_version=expected_version, actor=actor, changes=values
    )


def report_context(analysis: WorkstationAnalysis) -> dict[str, Any]:
    position = analysis.position
    employer = position.employer
    tasks = [
        {**task, "ability_labels": [ability_label(c) for c in task["abilities"]]}
        for task in analysis.tasks
    ]
    needed = sorted({ability_label(c) for task in analysis.tasks for c in task["abilities"]})
    return {
        "analysis": analysis,
        "position": position,
        "employer": employer,
        "naf_label": references.naf_label(employer.naf_code),
        "rome_label": references.rome_label(position.rome_code),
        "tasks": tasks,
        "gaps": [t for t in tasks if t["gap"]],
        "needed_abilities": needed,
        "conditions": [
            (label, getattr(analysis, name))
            for name, label in (
                ("physical", "Contraintes physiques"),
                ("pace", "Rythme et cadence"),
                ("hours", "Horaires"),
                ("environment", "Environnement"),
                ("safety", "Sécurité"),
            )
        ],
        "observer": (analysis.observer.get_full_name() or analysis.observer.email)
        if analysis.observer
        else "",
    }


def report_pdf(analysis: WorkstationAnalysis) -> bytes:
    """The report for the employer: what was observed, where prescribed and real work
    differ, what is proposed — and what the tutor brings, said in so many words."""
    return pdf.render_pdf("employment/analysis_pdf.html", report_context(analysis))
