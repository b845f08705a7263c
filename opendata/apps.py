from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data (police.uk shape)"

    def ready(self) -> None:
        from opendata import invalidation

        # Writes to the wards, teams, people, events and priorities retire cached answers.
        invalidation.watch()
