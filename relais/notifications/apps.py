from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app notices to an organisation's members, and the e-mails that go with them."""

    name = "relais.notifications"
    label = "notifications"
    verbose_name = "Notifications"
