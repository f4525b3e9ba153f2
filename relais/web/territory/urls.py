from django.urls import path

from relais.web.territory import analyses, imports, labour, views, watch

app_name = "territory"

urlpatterns = [
    path("", views.home, name="home"),
    path("nouveau/", views.territory_create, name="create"),
    path("mutualisation/", views.pooling, name="pooling"),
    path("<int:territory_id>/", views.portrait, name="portrait"),
    path("<int:territory_id>/modifier/", views.territory_update, name="update"),
    path("<int:territory_id>/besoins/", views.needs, name="needs"),
    path("<int:territory_id>/emploi/", labour.basin, name="basin"),
    path("emploi/", labour.datasets, name="labour"),
    path("indicateurs/", imports.indicators, name="indicators"),
    path("indicateurs/nouveau/", imports.indicator_create, name="indicator_create"),
    path("imports/nouveau/", imports.upload, name="import_upload"),
    path("imports/<int:import_id>/", imports.detail, name="import_detail"),
    path("imports/<int:import_id>/progression/", imports.progress, name="import_progress"),
    path("imports/<int:import_id>/relancer/", imports.restart, name="import_restart"),
    path("abs/", analyses.analyses, name="analyses"),
    path("abs/<int:analysis_id>/", analyses.detail, name="analysis"),
    path(
        "abs/<int:analysis_id>/sections/<slug:section>/", analyses.section, name="analysis_section"
    ),
    path("abs/<int:analysis_id>/pdf/", analyses.pdf, name="analysis_pdf"),
    path("abs/<int:analysis_id>/xlsx/", analyses.xlsx, name="analysis_xlsx"),
    path("veille/", watch.watch, name="watch"),
    path("veille/<int:item_id>/modifier/", watch.watch_edit, name="watch_edit"),
    path("veille/<int:item_id>/supprimer/", watch.watch_delete, name="watch_delete"),
]
