from django.apps import AppConfig
from django.db.backends.signals import connection_created


class LessonsConfig(AppConfig):
    name = "lessons"

    def ready(self) -> None:
        from lessons import catalogue, item_tallies
        from lessons.aggregates import register_sqlite_median

        item_tallies.connect_signals()
        catalogue.connect_signals()

        connection_created.connect(register_sqlite_median, dispatch_uid="lessons-sqlite-median")
