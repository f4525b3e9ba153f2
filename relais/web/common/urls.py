from django.urls import path

from relais.web.common import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
]
