"""Courses: every existing source with lessons becomes a course of its own, and
its lessons and sources point at it. Nothing else changes: attempts, responses,
review cards and lesson scores hang on lessons and questions, which stay.

Until now the "educational content, not medical advice" notice was on every
page of the site, so every existing course keeps it as its own notice (the
educator may clear it); a course is published when any of its lessons was, so
students see the same lessons after the migration as before it."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

MEDICAL_NOTICE = (
    "**Educational content, not medical advice.** This course helps you study a text about a "
    "rare cancer. It cannot diagnose or treat anyone and is not a substitute for professional "
    "medical advice, diagnosis or treatment: for questions about your health, talk to a doctor."
)


def _check_constraints_now(schema_editor):
    # Row updates leave deferred foreign-key checks pending, and PostgreSQL
    # refuses to alter a table with pending checks (the schema changes that
    # follow in the same transaction): run them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def courses_from_sources(apps, schema_editor):
    Course = apps.get_model("lessons", "Course")
    Source = apps.get_model("lessons", "Source")
    Lesson = apps.get_model("lessons", "Lesson")
    Derivation = apps.get_model("lessons", "Derivation")
    for source in Source.objects.filter(lessons__isnull=False).distinct().order_by("pk"):
        lessons = Lesson.objects.filter(source=source)
        live = lessons.filter(published=True).exists()
        course = Course.objects.create(
            title=source.title,
            slug=source.slug,
            notice=MEDICAL_NOTICE,
            status="published" if live else "draft",
        )
        lessons.update(course=course)
        Source.objects.filter(pk=source.pk).update(course=course)
        Derivation.objects.filter(source=source).update(course=course)
    _check_constraints_now(schema_editor)


def sources_without_courses(apps, schema_editor):
    apps.get_model("lessons", "Lesson").objects.update(course=None)
    apps.get_model("lessons", "Source").objects.update(course=None)
    apps.get_model("lessons", "Derivation").objects.update(course=None)
    apps.get_model("lessons", "Course").objects.all().delete()
    _check_constraints_now(schema_editor)


def grant_roles(apps, schema_editor):
    """Educators author courses, as they author lessons; instructors may look at them."""
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    grants = {
        "Educators": [f"{a}_course" for a in ("add", "change", "delete", "view")],
        "Instructors": ["view_course"],
    }
    for name, codenames in grants.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="lessons", codename__in=codenames)
        )


class Migration(migrations.Migration):

    dependencies = [
        ('lessons', '0009_started_and_answered_at_default'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='lesson',
            options={'ordering': ['course', 'position', 'title']},
        ),
        migrations.AlterField(
            model_name='lesson',
            name='position',
            field=models.PositiveIntegerField(default=0, help_text="The lesson's place in its course."),
        ),
        migrations.CreateModel(
            name='Course',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200)),
                ('slug', models.SlugField(max_length=200, unique=True)),
                ('description', models.TextField(blank=True)),
                ('notice', models.TextField(blank=True, help_text='Markdown shown on every page of the course (for example that it is educational content, not medical advice). Blank: none.')),
                ('status', models.CharField(choices=[('draft', 'Draft'), ('published', 'Published')], default='draft', max_length=16)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('authors', models.ManyToManyField(blank=True, related_name='authored_courses', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['title', 'pk'],
            },
        ),
        migrations.AddField(
            model_name='derivation',
            name='course',
            field=models.ForeignKey(blank=True, help_text='The draft course its lessons go into: the one picked, else a new one.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='derivations', to='lessons.course'),
        ),
        migrations.AddField(
            model_name='lesson',
            name='course',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='lessons', to='lessons.course'),
        ),
        migrations.AddField(
            model_name='source',
            name='course',
            field=models.ForeignKey(blank=True, help_text='The course this text is taught in.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sources', to='lessons.course'),
        ),
        migrations.RunPython(courses_from_sources, sources_without_courses),
        migrations.AlterField(
            model_name='lesson',
            name='course',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lessons', to='lessons.course'),
        ),
        migrations.RunPython(grant_roles, migrations.RunPython.noop),
    ]
