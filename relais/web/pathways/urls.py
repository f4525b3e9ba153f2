from django.urls import path

from relais.web.pathways import views

app_name = "pathways"

# Mounted under "personnes/": every URL starts with the person's pk.
urlpatterns = [
    path("<int:pk>/parcours/nouveau/", views.pathway_create, name="create"),
    path("<int:pk>/parcours/<int:pathway_id>/", views.pathway_detail, name="detail"),
    path("<int:pk>/parcours/<int:pathway_id>/modifier/", views.pathway_update, name="update"),
    path(
        "<int:pk>/parcours/<int:pathway_id>/objectifs/nouveau/",
        views.goal_create,
        name="goal_create",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/objectifs/<int:goal_id>/modifier/",
        views.goal_update,
        name="goal_update",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/etapes/nouvelle/",
        views.step_create,
        name="step_create",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/etapes/<int:step_id>/modifier/",
        views.step_update,
        name="step_update",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/etapes/<int:step_id>/statut/",
        views.step_status,
        name="step_status",
    ),
    path("<int:pk>/parcours/<int:pathway_id>/contrat/", views.contract, name="contract"),
    path(
        "<int:pk>/parcours/<int:pathway_id>/contrat/v<int:number>/signature/",
        views.contract_sign,
        name="contract_sign",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/contrat/v<int:number>/pdf/",
        views.contract_pdf,
        name="contract_pdf",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/bilans/nouveau/",
        views.review_create,
        name="review_create",
    ),
    path("<int:pk>/bilans/<int:review_id>/", views.review_detail, name="review_detail"),
    path("<int:pk>/parcours/<int:pathway_id>/sortie/", views.pathway_exit, name="exit"),
]

# --- Caseload (caseload_views; the caseload itself is the home page, web:home) -----------------
from relais.web.pathways import caseload_views  # noqa: E402

urlpatterns += [
    path("file-active/reattribuer/", caseload_views.reassign, name="caseload_reassign"),
]

# --- Professional writing, appointments, timeline (notes_views) -------------------------------
from relais.web.pathways import notes_views  # noqa: E402

urlpatterns += [
    path("<int:person_pk>/ecrits/nouveau/", notes_views.note_create, name="note_create"),
    path("<int:person_pk>/ecrits/<int:pk>/", notes_views.note_detail, name="note_detail"),
    path(
        "<int:person_pk>/ecrits/<int:pk>/modifier/",
        notes_views.note_update,
        name="note_update",
    ),
    path("<int:person_pk>/ecrits/brouillon/", notes_views.note_draft, name="note_draft"),
    path(
        "<int:person_pk>/ecrits/brouillon/supprimer/",
        notes_views.note_draft_discard,
        name="note_draft_discard",
    ),
    path(
        "<int:person_pk>/rendez-vous/nouveau/",
        notes_views.appointment_create,
        name="appointment_create",
    ),
    path(
        "<int:person_pk>/rendez-vous/<int:pk>/modifier/",
        notes_views.appointment_update,
        name="appointment_update",
    ),
    path(
        "<int:person_pk>/rendez-vous/<int:pk>/participation/",
        notes_views.appointment_participation,
        name="appointment_participation",
    ),
    path("<int:person_pk>/chronologie/", notes_views.timeline, name="timeline"),
]
