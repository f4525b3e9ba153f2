from django.urls import path

from relais.web.lifecycle import views

app_name = "lifecycle"

urlpatterns = [
    path("structure/conservation/", views.overview, name="overview"),
    path("structure/demandes/<int:pk>/", views.request_detail, name="request"),
    path("personnes/<int:pk>/archiver/", views.person_archive, name="archive"),
    path("personnes/<int:pk>/desarchiver/", views.person_unarchive, name="unarchive"),
    path("personnes/<int:pk>/conservation/report/", views.hold_create, name="hold"),
    path("personnes/<int:pk>/demandes/nouvelle/", views.request_create, name="request_create"),
]
