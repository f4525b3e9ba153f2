from django.urls import path

from relais.web.projects import calendar, plan, sessions, views, workshops

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("nouveau/", views.project_create, name="create"),
    path("<int:project_id>/", views.project_detail, name="detail"),
    path("<int:project_id>/modifier/", views.project_update, name="update"),
    path("<int:project_id>/statut/", views.project_status, name="status"),
    path("<int:project_id>/suivi/", views.project_follow_up, name="follow_up"),
    path("<int:project_id>/evaluation/", views.project_evaluation, name="evaluation"),
    path("<int:project_id>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("<int:project_id>/ajouter/<slug:kind>/", views.part_add, name="part_add"),
    path(
        "<int:project_id>/retirer/<slug:kind>/<int:part_id>/", views.part_remove, name="part_remove"
    ),
    path(
        "<int:project_id>/indicateurs/<int:indicator_id>/mesure/",
        views.measurement_add,
        name="measurement_add",
    ),
    path("<int:project_id>/plan/", plan.plan, name="plan"),
    path("<int:project_id>/plan/taches/nouvelle/", plan.task_create, name="task_create"),
    path("<int:project_id>/plan/taches/<int:task_id>/", plan.task_update, name="task_update"),
    path(
        "<int:project_id>/plan/taches/<int:task_id>/statut/", plan.task_status, name="task_status"
    ),
    path("<int:project_id>/plan/taches/<int:task_id>/decaler/", plan.task_shift, name="task_shift"),
    path("<int:project_id>/plan/dependances/", plan.dependency_add, name="dependency_add"),
    path("<int:project_id>/budget/", plan.budget, name="budget"),
    path(
        "<int:project_id>/budget/lignes/<int:line_id>/retirer/",
        plan.budget_line_remove,
        name="budget_line_remove",
    ),
    path("ateliers/", workshops.workshop_list, name="workshops"),
    path("ateliers/nouveau/", workshops.workshop_create, name="workshop_create"),
    path("ateliers/<int:workshop_id>/", workshops.workshop_detail, name="workshop_detail"),
    path(
        "ateliers/<int:workshop_id>/modifier/",
        workshops.workshop_update,
        name="workshop_update",
    ),
    path(
        "ateliers/<int:workshop_id>/habiletes/",
        workshops.workshop_requirements,
        name="workshop_requirements",
    ),
    path(
        "ateliers/<int:workshop_id>/seances/nouvelle/",
        sessions.session_create,
        name="session_create",
    ),
    path(
        "ateliers/<int:workshop_id>/seances/<int:session_id>/modifier/",
        sessions.session_update,
        name="session_update",
    ),
    path(
        "ateliers/<int:workshop_id>/seances/<int:session_id>/annuler/",
        sessions.session_cancel,
        name="session_cancel",
    ),
    path(
        "ateliers/<int:workshop_id>/seances/<int:session_id>/retablir/",
        sessions.session_reinstate,
        name="session_reinstate",
    ),
    path("ateliers/<int:workshop_id>/inscrire/", workshops.enrol, name="enrol"),
    path(
        "ateliers/<int:workshop_id>/seances/<int:session_id>/emargement/",
        sessions.attendance,
        name="attendance",
    ),
    path(
        "ateliers/<int:workshop_id>/seances/<int:session_id>/feuille.pdf",
        sessions.attendance_sheet,
        name="attendance_sheet",
    ),
    path(
        "ateliers/<int:workshop_id>/inscriptions/<int:enrolment_id>/evaluation/",
        workshops.enrolment_evaluation,
        name="enrolment_evaluation",
    ),
    path(
        "ateliers/<int:workshop_id>/inscriptions/<int:enrolment_id>/desinscrire/",
        workshops.enrolment_withdraw,
        name="enrolment_withdraw",
    ),
    path(
        "ateliers/<int:workshop_id>/evaluation/",
        workshops.facilitator_evaluation,
        name="facilitator_evaluation",
    ),
    path("calendrier/", calendar.calendar, name="calendar"),
    path("calendrier.ics", calendar.calendar_ics, name="calendar_ics"),
]
