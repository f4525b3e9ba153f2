from django.contrib import admin
from django.urls import include, path

from relais.api.api import api
from relais.core.views import favicon, healthz

handler400 = "relais.web.common.errors.bad_request"
handler403 = "relais.web.common.errors.permission_denied"
handler404 = "relais.web.common.errors.page_not_found"
handler500 = "relais.web.common.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("relais.web.accounts.urls")),
    path("structure/", include("relais.web.organisations.urls")),
    path("personnes/", include("relais.web.people.urls")),
    path("personnes/", include("relais.web.diagnostics.urls")),
    path("personnes/", include("relais.web.pathways.urls")),
    path("annuaire/", include("relais.web.directory.urls")),
    path("recherche/", include("relais.web.search.urls")),
    path("orientations/", include("relais.web.referrals.urls")),
    path("equipes/", include("relais.web.teams.urls")),
    path("agenda/", include("relais.web.agenda.urls")),
    path("", include("relais.web.lifecycle.urls")),
    path("", include("relais.web.common.urls")),
]
