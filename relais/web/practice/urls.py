from django.urls import path

from relais.web.practice import views

app_name = "practice"

urlpatterns = [
    path("", views.home, name="home"),
    path("presentations/nouvelle/", views.presentation_create, name="presentation_create"),
    path("presentations/<int:presentation_id>/", views.presentation_detail, name="presentation"),
    path("seances/nouvelle/", views.session_create, name="session_create"),
    path("seances/<int:peer_session_id>/", views.session_detail, name="session"),
    path("journal/", views.reflective_journal, name="journal"),
]
