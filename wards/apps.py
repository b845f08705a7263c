from django.apps import AppConfig


class WardsConfig(AppConfig):
    name = "wards"
    verbose_name = "Wards, teams and people"

    def ready(self) -> None:
        from snt_portal.permissions import register_grant_source
        from wards.scoping import grants_for

        register_grant_source(grants_for)
