from django.urls import path

from relais.web.threads import views

app_name = "threads"

# Mounted under "personnes/".
urlpatterns = [
    path("<int:pk>/echanges/", views.thread_list, name="list"),
    path("<int:pk>/echanges/<int:thread_id>/", views.thread_detail, name="detail"),
]
