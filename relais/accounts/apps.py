from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "relais.accounts"
    label = "accounts"
    verbose_name = "Structures et comptes"

    def ready(self) -> None:
        from relais.accounts import signals  # noqa: F401
