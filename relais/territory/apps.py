from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "relais.territory"
    label = "territory"
    verbose_name = "Territoire"

    def ready(self) -> None:
        # Registers the hook that marks the stored observed needs out of date at each
        # diagnostic write, and their refresh task.
        from relais.territory import needs_summary  # noqa: F401
