from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "relais.people"
    label = "people"
    verbose_name = "Personnes accompagnées"

    def ready(self) -> None:
        # An archived record is read-only, whichever domain's service writes to it.
        from relais.people.archive import connect_archive_guard

        connect_archive_guard()
