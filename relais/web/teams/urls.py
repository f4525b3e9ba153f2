from django.urls import path

from relais.web.teams import views

app_name = "teams"

# Mounted under "equipes/".
urlpatterns = [
    path("co-suivis/", views.cofollowed_list, name="cofollowed"),
    path("personnes/<int:pk>/membres/nouveau/", views.member_add, name="member_add"),
    path(
        "personnes/<int:pk>/membres/<int:member_pk>/partage/",
        views.member_sharing,
        name="member_sharing",
    ),
    path("personnes/<int:pk>/membres/<int:member_pk>/fin/", views.member_end, name="member_end"),
    path(
        "personnes/<int:pk>/membres/<int:member_pk>/quitter/",
        views.member_leave,
        name="member_leave",
    ),
    # What is shared with a co-following professional.
    path("personnes/<int:pk>/diagnostic/", views.shared_diagnostic, name="shared_diagnostic"),
    path("personnes/<int:pk>/ecrits/", views.shared_notes, name="shared_notes"),
    path(
        "personnes/<int:pk>/documents/<int:document_pk>/telecharger/",
        views.shared_document_download,
        name="shared_document",
    ),
    # What a co-following professional adds.
    path("personnes/<int:pk>/etapes/nouvelle/", views.shared_step_create, name="step_create"),
    path("personnes/<int:pk>/ecrits/nouveau/", views.shared_note_create, name="note_create"),
    path(
        "personnes/<int:pk>/rendez-vous/nouveau/",
        views.shared_appointment_create,
        name="appointment_create",
    ),
    # Case conferences (réunions de synthèse).
    path(
        "personnes/<int:pk>/reunions/nouvelle/", views.conference_create, name="conference_create"
    ),
    path(
        "personnes/<int:pk>/reunions/<int:conference_pk>/",
        views.conference_detail,
        name="conference_detail",
    ),
    path(
        "personnes/<int:pk>/reunions/<int:conference_pk>/modifier/",
        views.conference_update,
        name="conference_update",
    ),
    path(
        "personnes/<int:pk>/reunions/<int:conference_pk>/compte-rendu.pdf",
        views.conference_pdf,
        name="conference_pdf",
    ),
]
