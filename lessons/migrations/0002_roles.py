"""Create the Educators and Instructors groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = [
    "source", "passage", "sentence", "lesson", "lessonsentence", "question", "choice",
    "acceptedanswer",
]
ROLE_PERMISSIONS = {
    # Educators author content; they never see learners' attempts or manage users.
    "Educators": [
        f"{action}_{model}"
        for model in CONTENT_MODELS
        for action in ("add", "change", "delete", "view")
    ],
    # Instructors read learners' scores and the content the scores are about.
    "Instructors": [
        "view_attempt", "view_response", "view_lesson", "view_question", "view_source",
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create them
    # now so the groups can be given them in the same migrate.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="lessons", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions not found for {name}: {sorted(missing)}")
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lessons", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
