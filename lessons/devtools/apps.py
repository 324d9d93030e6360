from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "lessons.devtools"
    label = "devtools"
    verbose_name = "Developer tools"
