from django.apps import AppConfig
from django.db.backends.signals import connection_created


class LessonsConfig(AppConfig):
    name = "lessons"

    def ready(self) -> None:
        from lessons.aggregates import register_sqlite_median

        connection_created.connect(register_sqlite_median, dispatch_uid="lessons-sqlite-median")
