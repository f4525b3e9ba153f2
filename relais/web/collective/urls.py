from django.urls import path

from relais.web.collective import views

app_name = "collective"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("nouvelle/", views.session_create, name="create"),
    path("absents/", views.no_shows, name="no_shows"),
    path("<int:session_id>/", views.session_detail, name="detail"),
    path("<int:session_id>/modifier/", views.session_update, name="update"),
    path("<int:session_id>/emargement.pdf", views.attendance_sheet, name="sheet"),
    path("<int:session_id>/presences/", views.attendance, name="attendance"),
    path(
        "<int:session_id>/inscriptions/<int:registration_id>/fiche/",
        views.create_person,
        name="create_person",
    ),
]
