from django.urls import path

from relais.web.conferences import views as conference_views
from relais.web.teams import shared_views, views

app_name = "teams"

# Mounted under "equipes/". Membership pages (views), what a co-following professional sees
# and adds (shared_views), case conferences (relais.web.conferences.views).
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
    path(
        "personnes/<int:pk>/diagnostic/", shared_views.shared_diagnostic, name="shared_diagnostic"
    ),
    path("personnes/<int:pk>/ecrits/", shared_views.shared_notes, name="shared_notes"),
    path(
        "personnes/<int:pk>/documents/<int:document_pk>/telecharger/",
        shared_views.shared_document_download,
        name="shared_document",
    ),
    # What a co-following professional adds.
    path(
        "personnes/<int:pk>/etapes/nouvelle/", shared_views.shared_step_create, name="step_create"
    ),
    path("personnes/<int:pk>/ecrits/nouveau/", shared_views.shared_note_create, name="note_create"),
    path(
        "personnes/<int:pk>/rendez-vous/nouveau/",
        shared_views.shared_appointment_create,
        name="appointment_create",
    ),
    # Case conferences (réunions de synthèse).
    path(
        "personnes/<int:pk>/reunions/nouvelle/",
        conference_views.conference_create,
        name="conference_create",
    ),
    path(
        "personnes/<int:pk>/reunions/<int:conference_pk>/",
        conference_views.conference_detail,
        name="conference_detail",
    ),
    path(
        "personnes/<int:pk>/reunions/<int:conference_pk>/modifier/",
        conference_views.conference_update,
        name="conference_update",
    ),
    path(
        "personnes/<int:pk>/reunions/<int:conference_pk>/compte-rendu.pdf",
        conference_views.conference_pdf,
        name="conference_pdf",
    ),
]
