"""Watching PostgreSQL's row locks from a test: let one thread go on only once another waits on a lock."""

from django.db import connection


def backend_pid() -> int:
    """This thread's connection's server process, as ``pg_locks`` names it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def waiting_on_a_lock(pid: int) -> bool:
    """Whether the server process ``pid`` waits for a lock another transaction holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        return int(cursor.fetchone()[0]) > 0
