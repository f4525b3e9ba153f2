"""The directory (annuaire), mounted at /annuaire/."""

from django.urls import path

from relais.web.directory import datainclusion_views, organisation_views, service_views

app_name = "directory"

urlpatterns = [
    path("", organisation_views.directory, name="list"),
    path("partenaires/nouveau/", organisation_views.partner_create, name="partner_create"),
    path("structures/<int:pk>/", organisation_views.organisation_detail, name="organisation"),
    path(
        "structures/<int:pk>/modifier/",
        organisation_views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "structures/<int:pk>/services/nouveau/",
        service_views.service_create,
        name="service_create",
    ),
    # Stable public URLs (data·inclusion v1): no login.
    path(
        "structures/<int:pk>/services.json",
        datainclusion_views.services_json,
        name="services_json",
    ),
    path(
        "structures/<int:pk>/structure.json",
        datainclusion_views.structure_json,
        name="structure_json",
    ),
    path("services/<int:pk>/", service_views.service_detail, name="service"),
    path("services/<int:pk>/modifier/", service_views.service_edit, name="service_edit"),
    path("services/<int:pk>/confirmer/", service_views.service_confirm, name="service_confirm"),
    path(
        "services/<int:pk>/publication/",
        service_views.service_publication,
        name="service_publication",
    ),
    path("import/", datainclusion_views.import_view, name="import"),
    path("export/<slug:scope>/<str:filename>", datainclusion_views.export, name="export"),
]
