from django.urls import path

from relais.web.person_space import manage

app_name = "space_admin"

urlpatterns = [
    path("<int:pk>/espace-personnel/", manage.manage, name="manage"),
    path("<int:pk>/espace-personnel/inviter/", manage.invite, name="invite"),
    path("<int:pk>/espace-personnel/fermer/", manage.revoke, name="revoke"),
    path("<int:pk>/espace-personnel/demandes/", manage.request_create, name="request_create"),
    path(
        "<int:pk>/espace-personnel/demandes/<int:request_id>/annuler/",
        manage.request_cancel,
        name="request_cancel",
    ),
    path("<int:pk>/espace-personnel/messages/", manage.message, name="message"),
]
