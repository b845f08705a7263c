from django.apps import AppConfig


class SntPortalConfig(AppConfig):
    name = "snt_portal"
    verbose_name = "SNT Portal"
