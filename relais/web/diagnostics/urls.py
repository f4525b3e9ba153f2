from django.urls import path

from relais.web.diagnostics import views

app_name = "diagnostics"

urlpatterns = [
    path("<int:pk>/diagnostics/nouveau/", views.diagnostic_create, name="create"),
    path("<int:pk>/diagnostics/<int:diagnostic_pk>/", views.diagnostic_detail, name="detail"),
    path("<int:pk>/diagnostics/<int:diagnostic_pk>/modifier/", views.diagnostic_edit, name="edit"),
    path("<int:pk>/diagnostics/<int:diagnostic_pk>/pdf/", views.diagnostic_pdf, name="pdf"),
    path(
        "<int:pk>/diagnostics/<int:diagnostic_pk>/valider/",
        views.diagnostic_validate,
        name="validate",
    ),
    path("diagnostics/urgence/", views.urgency_preview, name="urgency_preview"),
]
