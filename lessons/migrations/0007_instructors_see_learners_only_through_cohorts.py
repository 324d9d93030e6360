"""Instructors no longer read attempts and responses in the admin.

The admin lists every learner on the site, and an instructor may see only the
learners of their own cohorts; their own pages (/instructor/) show the same
attempts and answers, scoped by cohort. Superusers keep the admin pages."""

from django.db import migrations

LEARNER_DATA = ["view_attempt", "view_response"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="lessons", codename__in=LEARNER_DATA
    )
    for group in Group.objects.filter(name="Instructors"):
        group.permissions.remove(*permissions)


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="lessons", codename__in=LEARNER_DATA
    )
    for group in Group.objects.filter(name="Instructors"):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [("lessons", "0006_instructor_reports_data")]

    operations = [migrations.RunPython(forwards, backwards)]
