from django.urls import path

from relais.web.people import merge_views, views

app_name = "people"

urlpatterns = [
    path("nouvelle/", views.person_create, name="create"),
    path("nouvelle/equipe-partenaire/", views.partner_join_request, name="partner_join"),
    path("doublons/", merge_views.duplicates, name="duplicates"),
    path(
        "doublons/recherche/<int:search_id>/",
        merge_views.duplicates_progress,
        name="duplicates_progress",
    ),
    path(
        "doublons/<int:first>/<int:second>/",
        merge_views.duplicate_compare,
        name="duplicate_compare",
    ),
    path("fusions/<int:merge_id>/annuler/", merge_views.merge_undo, name="merge_undo"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/sections/<slug:key>/", views.person_section, name="section"),
    path("<int:pk>/modifier/", views.person_update, name="update"),
    path("<int:pk>/referent/", views.person_reassign, name="reassign"),
    path("<int:pk>/consentements/nouveau/", views.consent_create, name="consent_create"),
    path(
        "<int:pk>/consentements/<int:consent_pk>/retirer/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<int:pk>/evenements/nouveau/", views.life_event_create, name="life_event_create"),
    path("<int:pk>/documents/nouveau/", views.document_create, name="document_create"),
    path(
        "<int:pk>/documents/<int:document_pk>/telecharger/",
        views.document_download,
        name="document_download",
    ),
    path("<int:pk>/export.json", views.person_export_json, name="export_json"),
    path("<int:pk>/export.pdf", views.person_export_pdf, name="export_pdf"),
]
