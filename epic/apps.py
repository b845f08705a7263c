from django.apps import AppConfig


class EpicConfig(AppConfig):
    name = "epic"
