from django.apps import AppConfig


class PersonSpaceConfig(AppConfig):
    name = "relais.person_space"
    label = "person_space"
    verbose_name = "Espace personnel"

    def ready(self) -> None:
        from relais.person_space import export, timeline

        timeline.register()
        export.register()
