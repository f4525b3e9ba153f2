from django.apps import AppConfig


class CertificationConfig(AppConfig):
    name = "relais.certification"
    label = "certification"
    verbose_name = "Certification"
