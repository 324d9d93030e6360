"""Background tasks (Django's tasks framework). TASKS in settings picks the
backend: immediate in tests and local runs, a database worker in production."""

from django.tasks import task


@task
def derivation_run(derivation_id: int) -> int:
    """Derive lessons and drafts for a requested derivation; returns its status."""
    # Imported here: the services enqueue this task, so a module-level import
    # would make the two modules import each other.
    from lessons.derive.services import derivation_execute

    record = derivation_execute(derivation_id=derivation_id)
    return record.pk
