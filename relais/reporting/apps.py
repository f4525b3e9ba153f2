from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """Indicators of activity, outcomes and coordination, their dashboards and exports
    (reads every domain; writes only its own export jobs)."""

    name = "relais.reporting"
    label = "reporting"
    verbose_name = "Rapports et indicateurs"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from relais.people.models import Person

        # Each indicator module registers its indicators when imported.
        from relais.reporting import indicators  # noqa: F401

        # An erased person must not survive in an export file. Erasure (relais.records)
        # sits below reporting and may not call it: reporting listens to the deletion.
        post_delete.connect(_person_deleted, sender=Person, dispatch_uid="reporting-exports")


def _person_deleted(sender, instance, **kwargs) -> None:
    from relais.reporting.services import exports_forget_person

    exports_forget_person(organisation_id=instance.organisation_id)
