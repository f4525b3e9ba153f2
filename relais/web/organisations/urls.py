from django.urls import path

from relais.web.organisations import views

app_name = "organisations"

urlpatterns = [
    path("changer/", views.switch, name="switch"),
    path("membres/", views.members, name="members"),
    path("membres/<int:pk>/<str:action>/", views.member_action, name="member_action"),
    path("journal/", views.journal, name="journal"),
]
