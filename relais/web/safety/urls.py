from django.urls import path

from relais.web.safety import views

app_name = "safety"

urlpatterns = [
    path("personnes/<int:pk>/incidents/", views.person_incidents, name="person"),
    path("personnes/<int:pk>/incidents/nouveau/", views.incident_create, name="incident_create"),
    path(
        "personnes/<int:pk>/incidents/<int:incident_id>/cloture/",
        views.incident_close,
        name="incident_close",
    ),
    path("personnes/<int:pk>/consignes/nouvelle/", views.flag_create, name="flag_create"),
    path("personnes/<int:pk>/consignes/<int:flag_id>/lever/", views.flag_lift, name="flag_lift"),
    path("structure/incidents/", views.open_incidents, name="open_incidents"),
]
