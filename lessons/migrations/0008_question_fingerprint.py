"""Questions keep their current fingerprint, written with their content.

The derivation quality figures compared every derived question's content,
read back with its choices and accepted answers, with its fingerprint from
derivation time on each admin page; with the current fingerprint stored, they
are one aggregate. This fills it for the questions that exist."""

import hashlib
import json

from django.db import migrations, models

BATCH = 500


# Frozen copy of lessons.services.question_fingerprint as of this migration:
# a migration must not change with the app's code.
def question_fingerprint(*, kind, prompt, explanation, choices, accepted):
    content = {
        "kind": kind,
        "prompt": prompt.strip(),
        "explanation": explanation.strip(),
        "choices": sorted((c[0].strip(), bool(c[1])) for c in choices),
        "accepted": sorted(a.strip() for a in accepted),
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()


def fill_fingerprints(apps, schema_editor):
    Question = apps.get_model("lessons", "Question")
    questions = (
        Question.objects.only("kind", "prompt", "explanation", "fingerprint")
        .prefetch_related("choices", "accepted_answers")
        .order_by("pk")
    )
    batch = []
    for question in questions.iterator(chunk_size=BATCH):
        question.fingerprint = question_fingerprint(
            kind=question.kind,
            prompt=question.prompt,
            explanation=question.explanation,
            choices=[(c.text, c.is_correct) for c in question.choices.all()],
            accepted=[a.text for a in question.accepted_answers.all()],
        )
        batch.append(question)
        if len(batch) == BATCH:
            Question.objects.bulk_update(batch, ["fingerprint"])
            batch = []
    Question.objects.bulk_update(batch, ["fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0007_instructors_see_learners_only_through_cohorts"),
    ]

    operations = [
        migrations.AddField(
            model_name="question",
            name="fingerprint",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The question's content as it is now, kept by every write: equal to "
                "the derived fingerprint while a derived draft is unedited.",
                max_length=64,
            ),
        ),
        migrations.RunPython(fill_fingerprints, migrations.RunPython.noop),
    ]
