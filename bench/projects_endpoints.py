"""The endpoints of the projects scenario (`bench/projects.py`), with the issue's targets."""

from __future__ import annotations


def projects_endpoints(p, endpoint, enrol_warmup: int, enrol_requests: int) -> list:
    login = (p.referent_id, p.organisation_id)
    part = "projects"
    return [
        endpoint(
            f"GET /projets/<id>/plan/ ({p.tasks} tasks, {p.dependencies} dependencies, Gantt)",
            f"/projets/{p.project_id}/plan/",
            part=part,
            login=login,
            expect=f"{p.tasks} tâches",
            target_ms=200,
            requests=100,
            warmup=5,
        ),
        endpoint(
            f"GET /projets/calendrier/ (month: {p.month_sessions} of {p.sessions:,} sessions, "
            f"{p.attendances:,} attendances)",
            f"/projets/calendrier/?vue=mois&jour={p.month}",
            part=part,
            login=login,
            expect=f"{p.month_sessions} séance",
            target_ms=100,
        ),
        endpoint(
            "GET /projets/calendrier/?vue=semaine",
            f"/projets/calendrier/?vue=semaine&jour={p.month}",
            part=part,
            login=login,
            expect="Semaine du",
        ),
        endpoint(
            "POST /projets/ateliers/<id>/inscrire/ (30 persons in one request)",
            f"/projets/ateliers/{p.enrol_workshop_id}/inscrire/",
            part=part,
            login=login,
            method="POST",
            forms=p.enrol_forms,
            redirect_to=f"/projets/ateliers/{p.enrol_workshop_id}/",
            target_ms=300,
            requests=enrol_requests,
            warmup=enrol_warmup,
        ),
    ]
