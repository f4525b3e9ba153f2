from django.urls import path

from relais.web.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("nouvelle/", views.meeting_create, name="create"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:action_id>/suivi/", views.action_close, name="action_close"),
    path("<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:meeting_id>/modifier/", views.meeting_update, name="update"),
]
