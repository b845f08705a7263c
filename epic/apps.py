from django.apps import AppConfig


class EpicConfig(AppConfig):
    name = "epic"

    def ready(self) -> None:
        from epic import sections  # noqa: F401  (registers the ward-page section)
        from epic.dashboards import PLACES
        from wards.models import Borough, Ward

        PLACES.watch(Borough, Ward)
