from django.apps import AppConfig


class CrimeConfig(AppConfig):
    name = "crime"
    verbose_name = "Crime and anti-social behaviour (police.uk)"
