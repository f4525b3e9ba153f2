from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "relais.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostics partagés"
