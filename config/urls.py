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
    path("personnes/", include("relais.web.threads.urls")),
    path("personnes/", include("relais.web.synthesis.urls")),
    path("annuaire/", include("relais.web.directory.urls")),
    path("recherche/", include("relais.web.search.urls")),
    path("orientations/", include("relais.web.referrals.urls")),
    path("equipes/", include("relais.web.teams.urls")),
    path("agenda/", include("relais.web.agenda.urls")),
    path("emploi/", include("relais.web.employment.urls")),
    path("territoire/", include("relais.web.territory.urls")),
    path("certification/", include("relais.web.certification.urls")),
    path("projets/", include("relais.web.projects.urls")),
    path("indicateurs/", include("relais.web.reporting.urls")),
    path("mon-espace/", include("relais.web.person_space.urls")),
    path("personnes/", include("relais.web.person_space.manage_urls")),
    path("", include("relais.web.lifecycle.urls")),
    path("", include("relais.web.safety.urls")),
    path("informations-collectives/", include("relais.web.collective.urls")),
    path("reunions-partenaires/", include("relais.web.meetings.urls")),
    path("analyse-de-pratique/", include("relais.web.practice.urls")),
    path("coordination/", include("relais.web.tools.urls")),
    path("", include("relais.web.common.urls")),
]
