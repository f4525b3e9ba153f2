from django.urls import path

from relais.web.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.home, name="home"),
    path("structure/", views.organisation_dashboard, name="organisation"),
    path("file-active/", views.caseload_dashboard, name="caseload"),
    path("coordination/", views.team_dashboard, name="team"),
    path("exports/", views.export_create, name="export_create"),
    path("exports/<int:export_id>/", views.export_detail, name="export"),
    path("exports/<int:export_id>/avancement/", views.export_progress, name="export_progress"),
    path("exports/<int:export_id>/fichier/", views.export_download, name="export_download"),
]
