from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "panels"
    verbose_name = "Neighbourhood panels"

    def ready(self) -> None:
        from panels import sections  # noqa: F401  (registers the ward-page section)
        from panels.models import Panel, PanelMembership
        from panels.scoping import grants_for
        from snt_portal.permissions import register_grant_source

        register_grant_source(grants_for, depends_on=(Panel, PanelMembership))
