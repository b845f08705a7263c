from django.apps import AppConfig


class EpicConfig(AppConfig):
    name = "epic"

    def ready(self) -> None:
        from epic import sections  # noqa: F401  (registers the ward-page section)
