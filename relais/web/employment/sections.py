"""The person page's « Emploi » section: the employment project, the current placements
with their next checkpoint, and the way to the person's employment page. Loaded when opened
(Capability.ACCOMPANIMENT); three queries whatever the record."""

from __future__ import annotations

from django.http import HttpRequest

from relais.employment import references
from relais.employment.models import Checkpoint, EmploymentProject, Placement, PlacementStatus
from relais.people.models import Person
from relais.people.policies import Capability, can
from relais.web.people.sections import Section


def employment(request: HttpRequest, person: Person) -> dict | None:
    if not can(request.membership, Capability.ACCOMPANIMENT, person):
        return None
    project = EmploymentProject.objects.filter(person=person).first()
    ongoing = list(
        Placement.objects.filter(person=person, status=PlacementStatus.ONGOING).select_related(
            "employer"
        )
    )
    due = {}
    for checkpoint in Checkpoint.objects.filter(
        placement__in=ongoing, done_on__isnull=True
    ).order_by("due_on"):
        due.setdefault(checkpoint.placement_id, checkpoint)
    return {
        "person": person,
        "project_label": f"{project.rome_code} — {references.rome_label(project.rome_code)}"
        if project
        else "",
        "placements": [{"placement": p, "next": due.get(p.pk)} for p in ongoing],
    }


SECTIONS = [
    Section("emploi", "Emploi", "employment/section.html", employment, Capability.ACCOMPANIMENT),
]
