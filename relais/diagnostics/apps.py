from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "relais.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostics partagés"

    def ready(self) -> None:
        # Registers the merge hook that keeps each person's sequence of diagnostics.
        from relais.diagnostics import sequence  # noqa: F401
