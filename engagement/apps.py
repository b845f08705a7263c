from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement and the seven-stage cycle"

    def ready(self) -> None:
        from engagement import sections  # noqa: F401  (registers the ward-page sections)
