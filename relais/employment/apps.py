from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "relais.employment"
    label = "employment"
    verbose_name = "Emploi et entreprises"

    def ready(self) -> None:
        # The caseload (relais.pathways, below) reminds of placements' checkpoints through
        # its seam: see relais.pathways.reminders.
        from relais.employment.reminders import CheckpointReminders
        from relais.pathways import reminders

        reminders.register(CheckpointReminders())
