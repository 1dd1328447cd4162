"""One router per domain; each operation declares its callers (``auth.declare``) and error responses."""
