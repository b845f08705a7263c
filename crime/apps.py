from django.apps import AppConfig


class CrimeConfig(AppConfig):
    name = "crime"
    verbose_name = "Crime and anti-social behaviour (police.uk)"

    def ready(self) -> None:
        from crime import sections  # noqa: F401  (registers the ward-page section)
