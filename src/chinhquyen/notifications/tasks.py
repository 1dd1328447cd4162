"""Tasks of the notifications app (django-tasks, run by ``manage.py db_worker``)."""

from django_tasks import task

from .services import notification_send


@task()
def notification_deliver(notification_id: int) -> str:
    """Send one notification; safe to run twice (a notification is sent at most once per (re)send)."""
    return notification_send(notification_id=notification_id)
