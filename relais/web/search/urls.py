from django.urls import path

from relais.web.actor_map import views as actor_map_views
from relais.web.search import views as search_views

app_name = "search"

urlpatterns = [
    path("services/", search_views.service_search, name="services"),
    path("communes/", search_views.commune_suggestions, name="communes"),
    path("cartographie/", actor_map_views.actor_map, name="actor_map"),
    path(
        "cartographie/cartographie.svg", actor_map_views.actor_map_svg_export, name="actor_map_svg"
    ),
    path(
        "cartographie/cartographie.csv", actor_map_views.actor_map_csv_export, name="actor_map_csv"
    ),
    path(
        "cartographie/partenariats/<int:pk>/fin/",
        actor_map_views.partnership_end_view,
        name="partnership_end",
    ),
]
