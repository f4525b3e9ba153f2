from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "relais.web"
    label = "web"
    verbose_name = "Interface web"

    def ready(self) -> None:
        # Domain code links to pages by kind; the URLs are the web layer's.
        from relais.core import links
        from relais.web.links import resolve

        links.register(resolve)
