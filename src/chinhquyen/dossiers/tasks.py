"""Background tasks of the dossiers app (django-tasks, run by ``manage.py db_worker``)."""

from django_tasks import task

from .services import dossier_events_dispatch, register_export_render


@task()
def dossier_events_dispatch_queued() -> dict[str, int]:
    """Run the event hooks of the dossier events waiting for them; safe to run twice or at once."""
    report = dossier_events_dispatch()
    return {"dispatched": report.dispatched, "failed": report.failed}


@task()
def register_export_render_queued(export_id: int) -> str:
    """Typeset one tracking register asked for in the background; safe to run twice or at once."""
    return register_export_render(export_id=export_id)
