from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "relais.core"
    label = "core"
    verbose_name = "Socle"

    def ready(self) -> None:
        from relais.core import journal

        journal.connect_read_tracking()
