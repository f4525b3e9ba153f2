from django.urls import path

from relais.web.pathways import (
    appointments,
    caseload,
    contract,
    goals,
    notes,
    reviews,
    steps,
    timeline,
    views,
)

app_name = "pathways"

# Mounted under "personnes/": every URL starts with the person's pk.
urlpatterns = [
    path("<int:pk>/parcours/nouveau/", views.pathway_create, name="create"),
    path("<int:pk>/parcours/<int:pathway_id>/", views.pathway_detail, name="detail"),
    path("<int:pk>/parcours/<int:pathway_id>/modifier/", views.pathway_update, name="update"),
    path(
        "<int:pk>/parcours/<int:pathway_id>/objectifs/nouveau/",
        goals.goal_create,
        name="goal_create",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/objectifs/<int:goal_id>/modifier/",
        goals.goal_update,
        name="goal_update",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/etapes/nouvelle/",
        steps.step_create,
        name="step_create",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/etapes/<int:step_id>/modifier/",
        steps.step_update,
        name="step_update",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/etapes/<int:step_id>/statut/",
        steps.step_status,
        name="step_status",
    ),
    path("<int:pk>/parcours/<int:pathway_id>/contrat/", contract.contract, name="contract"),
    path(
        "<int:pk>/parcours/<int:pathway_id>/contrat/v<int:number>/signature/",
        contract.contract_sign,
        name="contract_sign",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/contrat/v<int:number>/scan/",
        contract.contract_scan,
        name="contract_scan",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/contrat/v<int:number>/pdf/",
        contract.contract_pdf,
        name="contract_pdf",
    ),
    path(
        "<int:pk>/parcours/<int:pathway_id>/bilans/nouveau/",
        reviews.review_create,
        name="review_create",
    ),
    path("<int:pk>/bilans/<int:review_id>/", reviews.review_detail, name="review_detail"),
    path("<int:pk>/bilans/<int:review_id>/pdf/", reviews.review_pdf, name="review_pdf"),
    path("<int:pk>/parcours/<int:pathway_id>/sortie/", views.pathway_exit, name="exit"),
]

# --- Caseload (the caseload itself is the home page, web:home) ---------------------------------
urlpatterns += [
    path("file-active/reattribuer/", caseload.reassign, name="caseload_reassign"),
]

# --- Professional writing, appointments, timeline ----------------------------------------------
urlpatterns += [
    path("<int:person_pk>/ecrits/nouveau/", notes.note_create, name="note_create"),
    path("<int:person_pk>/ecrits/<int:pk>/", notes.note_detail, name="note_detail"),
    path("<int:person_pk>/ecrits/<int:pk>/modifier/", notes.note_update, name="note_update"),
    path("<int:person_pk>/ecrits/brouillon/", notes.note_draft, name="note_draft"),
    path(
        "<int:person_pk>/ecrits/brouillon/supprimer/",
        notes.note_draft_discard,
        name="note_draft_discard",
    ),
    path(
        "<int:person_pk>/rendez-vous/nouveau/",
        appointments.appointment_create,
        name="appointment_create",
    ),
    path(
        "<int:person_pk>/rendez-vous/<int:pk>/modifier/",
        appointments.appointment_update,
        name="appointment_update",
    ),
    path(
        "<int:person_pk>/rendez-vous/<int:pk>/participation/",
        appointments.appointment_participation,
        name="appointment_participation",
    ),
    path("<int:person_pk>/chronologie/", timeline.timeline, name="timeline"),
]
