import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0016_review_card_recall_by_due"),
    ]

    operations = [
        migrations.CreateModel(
            name="QuestionVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "digest",
                    models.CharField(
                        editable=False,
                        help_text="SHA-256 of the content (digest_of).",
                        max_length=64,
                    ),
                ),
                (
                    "content",
                    models.JSONField(
                        editable=False,
                        help_text="The question as the learner saw it; empty for answers stored "
                        "before questions were kept as they stood.",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                (
                    "question",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="lessons.question",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("question", "digest"), name="question_version_once"
                    )
                ],
            },
        ),
        # Nullable until 0018 has pointed every response at its version.
        migrations.AddField(
            model_name="response",
            name="question_version",
            field=models.ForeignKey(
                null=True,
                help_text="The question as the learner saw it (prompt, choices, answers), so a "
                "later edit never rewrites what was answered.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="responses",
                to="lessons.questionversion",
            ),
        ),
    ]
