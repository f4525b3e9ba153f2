from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Readers of a whole person record across the domains (timeline, right-of-access export).
    No models: it only reads."""

    name = "relais.records"
    label = "records"
    verbose_name = "Dossiers"
