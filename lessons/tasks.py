"""Background tasks (Django's tasks framework). TASKS in settings picks the
backend: immediate in tests and local runs, a database worker in production."""

from django.tasks import task

from lessons.derive import services


@task
def derivation_run(derivation_id: int) -> int:
    """Derive lessons and drafts for a requested derivation; returns its status."""
    record = services.derivation_execute(derivation_id=derivation_id)
    return record.pk
