from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Indicators of activity, outcomes and coordination, their dashboards and exports
    (reads every domain; writes only its own export jobs)."""

    name = "relais.reporting"
    label = "reporting"
    verbose_name = "Rapports et indicateurs"

    def ready(self) -> None:
        # Each indicator module registers its indicators when imported.
        from relais.reporting import indicators  # noqa: F401
