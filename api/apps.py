from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Authenticated REST API"

    def ready(self) -> None:
        # drf-spectacular finds schema extensions by their import.
        from api import errors  # noqa: F401
