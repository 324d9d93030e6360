"""Give Instructors the cohort-report permission, and fill what the reports read
(stored recall, chosen options, lesson scores) from data recorded before them."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations


def forwards(apps, schema_editor):
    app_config = apps.get_app_config("lessons")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(
        content_type__app_label="lessons", codename="view_cohort_reports"
    )
    for group in Group.objects.filter(name="Instructors"):
        group.permissions.add(permission)

    import fsrs

    decay = -fsrs.Scheduler().parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    scale = (settings.FSRS_DESIRED_RETENTION ** (1 / decay) - 1) / factor
    ReviewCard = apps.get_model("lessons", "ReviewCard")
    for card in ReviewCard.objects.filter(last_correct=True, stability__isnull=False).iterator():
        if card.last_review:
            card.recall_until = card.last_review + timedelta(days=card.stability * scale)
            card.save(update_fields=["recall_until"])

    Response = apps.get_model("lessons", "Response")
    Chosen = apps.get_model("lessons", "ResponseChoice")
    Choice = apps.get_model("lessons", "Choice")
    known = set(Choice.objects.values_list("pk", flat=True))
    for response in Response.objects.iterator():
        ids = [i for i in response.answer.get("choices", []) if i in known]
        Chosen.objects.bulk_create(
            [Chosen(response_id=response.pk, choice_id=i, attempt_id=response.attempt_id)
             for i in ids],
            ignore_conflicts=True,
        )

    Attempt = apps.get_model("lessons", "Attempt")
    LessonScore = apps.get_model("lessons", "LessonScore")
    scores = {}
    finished = Attempt.objects.filter(finished_at__isnull=False, is_retry=False)
    for attempt in finished.order_by("finished_at").iterator():
        row = scores.setdefault(
            (attempt.learner_id, attempt.lesson_id),
            LessonScore(learner_id=attempt.learner_id, lesson_id=attempt.lesson_id),
        )
        row.attempts += 1
        row.first_attempt_id = row.first_attempt_id or attempt.pk
        if row.best_score is None or attempt.score > row.best_score:
            row.best_score, row.best_attempt_id = attempt.score, attempt.pk
        row.latest_score, row.latest_attempt_id = attempt.score, attempt.pk
        row.last_activity = attempt.finished_at
    LessonScore.objects.bulk_create(scores.values())


class Migration(migrations.Migration):
    dependencies = [("lessons", "0005_cohorts_and_lesson_scores")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
