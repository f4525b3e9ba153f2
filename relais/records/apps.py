from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """A whole person record across the domains: its readers (timeline, right-of-access
    export) and its lifecycle (archive, retention, erasure, the person's requests)."""

    name = "relais.records"
    label = "records"
    verbose_name = "Dossiers"
