from django.apps import AppConfig


class WardsConfig(AppConfig):
    name = "wards"
    verbose_name = "Wards, teams and people"

    def ready(self) -> None:
        from snt_portal.permissions import register_grant_source
        from wards.models import Posting, RoleAssignment, Team, Ward
        from wards.scoping import grants_for

        register_grant_source(grants_for, depends_on=(Posting, RoleAssignment, Team, Ward))
