from django.urls import path

from relais.web.tools import views

app_name = "tools"

urlpatterns = [path("", views.tools, name="home")]
