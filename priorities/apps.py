from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    name = "priorities"
    verbose_name = "Priorities, plans and reviews"

    def ready(self) -> None:
        from engagement.tracker import register_panel_stages
        from priorities import sections  # noqa: F401  (registers the ward-page section)
        from priorities.rules import panel_stages

        register_panel_stages(panel_stages)
