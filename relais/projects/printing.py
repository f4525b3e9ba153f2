"""PDFs of the projects module: the attendance sheet to sign at a session, and the progress
or final report of a project for its funders and partners.

The report shows aggregates only (participants' outcomes with small counts suppressed):
it leaves the organisation. The attendance sheet names the participants: it is printed by
those who run the session and stays with them (the view journals it as an export)."""

from __future__ import annotations

from django.utils import timezone

from relais.core.pdf import render_pdf
from relais.diagnostics.domains import barrier_label
from relais.projects import needs as observed_needs
from relais.projects.budget import budget_summary
from relais.projects.gantt import gantt_svg
from relais.projects.models import Enrolment, Project, ProjectStatus, Session, SwotQuadrant
from relais.projects.plan import plan_of
from relais.projects.selectors import participant_outcomes


def attendance_sheet_pdf(session: Session) -> tuple[bytes, list[Enrolment]]:
    enrolments = list(
        Enrolment.objects.active()
        .filter(workshop_id=session.workshop_id)
        .select_related("person")
        .order_by("person__birth_name", "person__first_names", "id")
    )
    pdf = render_pdf(
        "projects/attendance_sheet_pdf.html",
        {
            "session": session,
            "workshop": session.workshop,
            "organisation": session.workshop.organisation.name,
            "starts": timezone.localtime(session.starts_at),
            "ends": timezone.localtime(session.ends_at),
            "facilitator": session.facilitator.get_full_name() or session.facilitator.email,
            "enrolments": enrolments,
            "blank_rows": range(max(0, min(session.capacity - len(enrolments), 5))),
            "printed_on": timezone.localdate(),
        },
    )
    return pdf, enrolments


def report_needs(project: Project) -> list[str]:
    """Each need of the project in words: the barrier, the territory's observed need, the
    text, as many as it names."""
    needs = list(project.needs.all())
    observed = observed_needs.labels([n.observed_need for n in needs if n.observed_need])
    lines = []
    for need in needs:
        parts = []
        if need.barrier_code:
            parts.append(f"Frein : {barrier_label(need.barrier_code)}")
        if need.observed_need:
            parts.append(f"Besoin observé : {observed.get(need.observed_need, '')}")
        if need.text:
            parts.append(need.text)
        lines.append(" — ".join(parts))
    return lines


def report_context(project: Project) -> dict:
    today = timezone.localdate()
    plan = plan_of(project, today)
    swot = {q: [] for q in SwotQuadrant.values}
    for item in project.swot_items.all():
        swot[item.quadrant].append(item.text)
    indicators = list(project.indicators.prefetch_related("measurements"))
    return {
        "project": project,
        "organisation": project.organisation.name,
        "final": project.status == ProjectStatus.CLOSED,
        "needs": report_needs(project),
        "objectives": list(project.objectives.all()),
        "partners": list(project.partners.select_related("organisation")),
        "plan": plan,
        "done": sum(1 for t in plan.tasks if t.task.status == "done"),
        "gantt": gantt_svg(plan, today=today),
        "budget": budget_summary(project),
        "swot": [(label, swot[value]) for value, label in SwotQuadrant.choices],
        "indicators": [(i, list(i.measurements.all())) for i in indicators],
        "outcomes": participant_outcomes(project),
        "printed_on": today,
    }


def project_report_pdf(project: Project) -> bytes:
    return render_pdf("projects/report_pdf.html", report_context(project))
