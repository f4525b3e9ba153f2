from django.urls import path

from relais.web.person_space import pages, signin_views

app_name = "space"

urlpatterns = [
    path("", pages.home, name="home"),
    path("connexion/", signin_views.login, name="login"),
    path("connexion/code/", signin_views.code, name="code"),
    path("connexion/papier/", signin_views.paper, name="paper"),
    path("connexion/lien/<str:token>/", signin_views.link, name="link"),
    path("deconnexion/", signin_views.logout, name="logout"),
    path("parcours/", pages.pathway, name="pathway"),
    path("rendez-vous/", pages.appointments, name="appointments"),
    path("rendez-vous/<int:appointment_id>.ics", pages.appointment_ics, name="appointment_ics"),
    path("contrat/", pages.contract_list, name="contracts"),
    path("contrat/<int:contract_id>/", pages.contract_detail, name="contract"),
    path("contrat/<int:contract_id>/code/", pages.contract_code, name="contract_code"),
    path("contrat/<int:contract_id>/signer/", pages.contract_sign, name="contract_sign"),
    path("contrat/<int:contract_id>/imprimer/", pages.contract_pdf, name="contract_pdf"),
    path("consentements/", pages.consents, name="consents"),
    path("documents/", pages.documents, name="documents"),
    path("documents/<int:document_id>/", pages.document_download, name="document_download"),
    path("documents/demande/<int:request_id>/", pages.document_upload, name="document_upload"),
    path("diagnostic/", pages.diagnostic, name="diagnostic"),
    path("ecrits/", pages.notes, name="notes"),
    path("messages/", pages.messages_page, name="messages"),
    path("mes-droits/", pages.rights, name="rights"),
    path("mes-droits/mon-dossier.json", pages.export_json, name="export_json"),
    path("mes-droits/mon-dossier.pdf", pages.export_pdf, name="export_pdf"),
]
