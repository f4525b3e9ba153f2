"""Referrals (orientations): /orientations/."""

from django.urls import path

from relais.web.referrals import answers, sending, views

app_name = "referrals"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("nouvelle/", sending.create, name="create"),
    path("notifications/", views.notification_list, name="notifications"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accepter/", answers.accept, name="accept"),
    path("<int:pk>/refuser/", answers.refuse, name="refuse"),
    path("<int:pk>/demarrer/", answers.start, name="start"),
    path("<int:pk>/terminer/", answers.complete, name="complete"),
    path("<int:pk>/annuler/", answers.cancel, name="cancel"),
    path("<int:pk>/reponse/", answers.record_answer, name="record_answer"),
    path("<int:pk>/premier-rendez-vous/", answers.first_appointment, name="first_appointment"),
    path("<int:pk>/fiche-prescription.pdf", views.prescription_pdf, name="prescription_pdf"),
    path("<int:pk>/pieces/<int:document_pk>/", views.attachment, name="attachment"),
]
