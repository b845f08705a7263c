from django.apps import AppConfig
from django.db.backends.signals import connection_created


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data (police.uk shape)"

    def ready(self) -> None:
        from opendata import invalidation

        # Every database connection reports the writes that retire cached answers.
        connection_created.connect(invalidation.watch, dispatch_uid="opendata.invalidation")
