"""Referrals (orientations): /orientations/."""

from django.urls import path

from relais.web.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("nouvelle/", views.create, name="create"),
    path("notifications/", views.notification_list, name="notifications"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accepter/", views.accept, name="accept"),
    path("<int:pk>/refuser/", views.refuse, name="refuse"),
    path("<int:pk>/demarrer/", views.start, name="start"),
    path("<int:pk>/terminer/", views.complete, name="complete"),
    path("<int:pk>/annuler/", views.cancel, name="cancel"),
    path("<int:pk>/reponse/", views.record_answer, name="record_answer"),
    path("<int:pk>/premier-rendez-vous/", views.first_appointment, name="first_appointment"),
    path("<int:pk>/fiche-prescription.pdf", views.prescription_pdf, name="prescription_pdf"),
    path("<int:pk>/pieces/<int:document_pk>/", views.attachment, name="attachment"),
]
