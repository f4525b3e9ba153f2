from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "relais.projects"
    label = "projects"
    verbose_name = "Projets collectifs et ateliers"

    def ready(self) -> None:
        # The caseload (relais.pathways, a layer below) flags persons who missed a
        # workshop session: it asks through its seam, filled here.
        from relais.pathways import no_shows
        from relais.projects import absences

        no_shows.register(absences)
