from django.urls import path

from relais.web.employment import analyses, basin, employers, person, placements, positions

app_name = "employment"

# Mounted under "emploi/".
urlpatterns = [
    path("employeurs/", employers.employer_list, name="employers"),
    path("employeurs/nouveau/", employers.employer_create, name="employer_create"),
    path("employeurs/import/", employers.employer_import, name="employer_import"),
    path("employeurs/<int:employer_pk>/", employers.employer_detail, name="employer_detail"),
    path(
        "employeurs/<int:employer_pk>/modifier/",
        employers.employer_update,
        name="employer_update",
    ),
    path(
        "employeurs/<int:employer_pk>/contacts/nouveau/",
        employers.contact_add,
        name="contact_add",
    ),
    path(
        "employeurs/<int:employer_pk>/prospection/nouveau/",
        employers.prospecting_add,
        name="prospecting_add",
    ),
    path(
        "employeurs/<int:employer_pk>/postes/nouveau/",
        positions.position_create,
        name="position_create",
    ),
    path("postes/", positions.position_list, name="positions"),
    path("postes/metiers/", positions.rome_search, name="rome_search"),
    path("postes/metiers/appellations/", positions.rome_appellations, name="rome_appellations"),
    path("postes/<int:position_pk>/", positions.position_detail, name="position_detail"),
    path("postes/<int:position_pk>/modifier/", positions.position_update, name="position_update"),
    path("postes/<int:position_pk>/statut/", positions.position_status, name="position_status"),
    path(
        "postes/<int:position_pk>/candidats/", positions.position_matches, name="position_matches"
    ),
    path(
        "postes/<int:position_pk>/apst/nouvelle/",
        analyses.analysis_create,
        name="analysis_create",
    ),
    path(
        "postes/<int:position_pk>/apst/<int:analysis_pk>/",
        analyses.analysis_update,
        name="analysis_update",
    ),
    path(
        "postes/<int:position_pk>/apst/<int:analysis_pk>/rapport.pdf",
        analyses.analysis_pdf,
        name="analysis_pdf",
    ),
    path("bassin/", basin.basin, name="basin"),
    path("personnes/<int:pk>/", person.person_employment, name="person"),
    path("personnes/<int:pk>/projet/", person.project_edit, name="project_edit"),
    path("personnes/<int:pk>/habiletes/nouvelle/", person.ability_add, name="ability_add"),
    path(
        "personnes/<int:pk>/postes/<int:position_pk>/proposer/",
        person.position_propose,
        name="position_propose",
    ),
    path(
        "personnes/<int:pk>/mises-en-emploi/nouvelle/",
        placements.placement_create,
        name="placement_create",
    ),
    path(
        "personnes/<int:pk>/mises-en-emploi/<int:placement_pk>/",
        placements.placement_detail,
        name="placement",
    ),
    path(
        "personnes/<int:pk>/mises-en-emploi/<int:placement_pk>/points/<int:checkpoint_pk>/",
        placements.checkpoint_record,
        name="checkpoint_record",
    ),
    path(
        "personnes/<int:pk>/mises-en-emploi/<int:placement_pk>/mediations/nouvelle/",
        placements.mediation_add,
        name="mediation_add",
    ),
    path(
        "personnes/<int:pk>/mises-en-emploi/<int:placement_pk>/issue/",
        placements.placement_end,
        name="placement_end",
    ),
    path(
        "personnes/<int:pk>/mises-en-emploi/<int:placement_pk>/convention.pdf",
        placements.convention_pdf,
        name="convention_pdf",
    ),
]
