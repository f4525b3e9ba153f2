"""The directory (annuaire), mounted at /annuaire/."""

from django.urls import path

from relais.web.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.directory, name="list"),
    path("partenaires/nouveau/", views.partner_create, name="partner_create"),
    path("structures/<int:pk>/", views.organisation_detail, name="organisation"),
    path("structures/<int:pk>/modifier/", views.organisation_edit, name="organisation_edit"),
    path("structures/<int:pk>/services/nouveau/", views.service_create, name="service_create"),
    # Stable public URLs (data·inclusion v1): no login.
    path("structures/<int:pk>/services.json", views.services_json, name="services_json"),
    path("structures/<int:pk>/structure.json", views.structure_json, name="structure_json"),
    path("services/<int:pk>/", views.service_detail, name="service"),
    path("services/<int:pk>/modifier/", views.service_edit, name="service_edit"),
    path("services/<int:pk>/confirmer/", views.service_confirm, name="service_confirm"),
    path("services/<int:pk>/publication/", views.service_publication, name="service_publication"),
    path("import/", views.import_view, name="import"),
    path("export/<slug:scope>/<str:filename>", views.export, name="export"),
]
