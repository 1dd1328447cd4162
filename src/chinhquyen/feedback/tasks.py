"""Background tasks of the feedback app (django-tasks, run by ``manage.py db_worker``)."""

from django_tasks import task

from .dispatch import petition_events_dispatch


@task()
def petition_events_dispatch_queued() -> dict[str, int]:
    """Run the hooks of the petition events waiting for them; safe to run twice or at once."""
    report = petition_events_dispatch()
    return {"dispatched": report.dispatched, "failed": report.failed}
