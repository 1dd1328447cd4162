"""Notifications to applicants (thông báo): e-mail and SMS per dossier event, sent by the task queue."""
