"""Every response's copy of its question becomes a shared QuestionVersion: the
responses of one question with equal copies (the same digest) share one, so
a question edited twice has three versions, each still what its learners saw.

In batches of responses by id, so memory stays flat at millions of rows; each
batch points its responses at their versions with one UPDATE per question
(by id range) and by id only where a question changed within the batch."""

import hashlib
import json
from collections import defaultdict

from django.db import migrations

BATCH = 5000
# A statement's bound parameters stay well under SQLite's limit.
IDS_PER_UPDATE = 900


def digest_of(content: dict) -> str:
    # A copy of QuestionVersion.digest_of as it stood: keep the two equal, so
    # that the first answer after this migration finds the version it made.
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def versions_from_snapshots(apps, schema_editor):
    Response = apps.get_model("lessons", "Response")
    QuestionVersion = apps.get_model("lessons", "QuestionVersion")
    known = {
        (question_id, digest): pk
        for question_id, digest, pk in QuestionVersion.objects.values_list(
            "question_id", "digest", "pk"
        )
    }
    last = 0
    while True:
        rows = list(
            Response.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "question_id", "answered_at", "question_snapshot")[:BATCH]
        )
        if not rows:
            break
        first, last = rows[0][0], rows[-1][0]
        ids = defaultdict(list)  # (question, digest) -> response ids
        new = {}
        for pk, question_id, answered_at, snapshot in rows:
            content = snapshot or {}
            key = (question_id, digest_of(content))
            ids[key].append(pk)
            if key in known:
                continue
            if key not in new:
                new[key] = QuestionVersion(
                    question_id=question_id, digest=key[1], content=content, created_at=answered_at
                )
            else:
                # Made when first answered.
                new[key].created_at = min(new[key].created_at, answered_at)
        if new:
            QuestionVersion.objects.bulk_create(new.values())
            known.update(
                ((question_id, digest), pk)
                for question_id, digest, pk in QuestionVersion.objects.filter(
                    digest__in={digest for _, digest in new}
                ).values_list("question_id", "digest", "pk")
            )
        keys_of = defaultdict(list)
        for key in ids:
            keys_of[key[0]].append(key)
        for question_id, keys in keys_of.items():
            if len(keys) == 1:
                Response.objects.filter(
                    pk__gte=first, pk__lte=last, question_id=question_id
                ).update(question_version_id=known[keys[0]])
                continue
            for key in keys:
                for start in range(0, len(ids[key]), IDS_PER_UPDATE):
                    Response.objects.filter(
                        pk__in=ids[key][start : start + IDS_PER_UPDATE]
                    ).update(question_version_id=known[key])


def snapshots_from_versions(apps, schema_editor):
    Response = apps.get_model("lessons", "Response")
    QuestionVersion = apps.get_model("lessons", "QuestionVersion")
    for pk, content in QuestionVersion.objects.values_list("pk", "content").iterator():
        Response.objects.filter(question_version_id=pk).update(question_snapshot=content)


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0017_question_versions"),
    ]

    operations = [
        migrations.RunPython(versions_from_snapshots, snapshots_from_versions),
    ]
