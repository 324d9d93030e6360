"""A cohort follows courses: its reports show those courses' lessons. Every
existing cohort follows every published course, so nothing an instructor saw
before the migration disappears from their reports."""

from django.db import migrations, models


def follow_published_courses(apps, schema_editor):
    Cohort = apps.get_model("lessons", "Cohort")
    Course = apps.get_model("lessons", "Course")
    Following = Cohort.courses.through
    published = list(Course.objects.filter(status="published").values_list("pk", flat=True))
    Following.objects.bulk_create(
        [
            Following(cohort_id=cohort_id, course_id=course_id)
            for cohort_id in Cohort.objects.values_list("pk", flat=True)
            for course_id in published
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("lessons", "0010_courses"),
    ]

    operations = [
        migrations.AddField(
            model_name="cohort",
            name="courses",
            field=models.ManyToManyField(
                blank=True,
                help_text="The courses the cohort follows: its reports show these courses' "
                "lessons (a draft course once it is published).",
                related_name="cohorts",
                to="lessons.course",
            ),
        ),
        # Backwards the field goes, and the rows with it.
        migrations.RunPython(follow_published_courses, migrations.RunPython.noop),
    ]
