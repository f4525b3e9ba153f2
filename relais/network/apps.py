from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "relais.network"
    label = "network"
    verbose_name = "Coordination et réseau partenarial"
