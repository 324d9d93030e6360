import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0018_question_versions_from_snapshots"),
    ]

    operations = [
        # Backwards, the column comes back empty and 0018 fills it from the versions.
        migrations.RemoveField(
            model_name="response",
            name="question_snapshot",
        ),
        migrations.AlterField(
            model_name="response",
            name="question_version",
            field=models.ForeignKey(
                help_text="The question as the learner saw it (prompt, choices, answers), so a "
                "later edit never rewrites what was answered.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="lessons.questionversion",
            ),
        ),
    ]
