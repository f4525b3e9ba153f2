from django.urls import path

from relais.web.agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.agenda, name="week"),
    path("abonnement/", views.subscription, name="subscription"),
    path("flux/<str:token>.ics", views.feed, name="feed"),
    path("rendez-vous/<int:pk>.ics", views.appointment_ics, name="appointment_ics"),
]
