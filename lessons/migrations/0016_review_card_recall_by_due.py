"""A question due for review is not mastered: a card's recall ends by its due
time. Before this, a right answer in a learning step made a card due again in
minutes but "recalled" for days, so the progress page counted as mastered
questions it also counted as due. Existing cards are clamped, then a check
constraint keeps every later write to the rule (lessons.scheduling.review)."""

from django.db import migrations, models


def recall_ends_by_due(apps, schema_editor):
    ReviewCard = apps.get_model("lessons", "ReviewCard")
    ReviewCard.objects.filter(recall_until__gt=models.F("due")).update(
        recall_until=models.F("due")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0015_review_card_recalled"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reviewcard",
            name="recall_until",
            field=models.DateTimeField(
                blank=True,
                help_text="While the last answer was right: when the expected recall falls "
                "below the desired retention, or the card's due time if that is sooner. A "
                "question counts as mastered until then.",
                null=True,
            ),
        ),
        # Backwards there is nothing to undo: a clamped recall is the true one.
        migrations.RunPython(recall_ends_by_due, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="reviewcard",
            constraint=models.CheckConstraint(
                condition=models.Q(recall_until__isnull=True)
                | models.Q(recall_until__lte=models.F("due")),
                name="recall_by_due",
            ),
        ),
    ]
