"""Stand-ins for ``typst.compile`` in the typesetting child, which imports this module: the standard library only."""

import os
import signal


def killed(*_args: object, **_kwargs: object) -> bytes:
    """Die as a child killed for lack of memory does."""
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


STAND_IN_PDF = b"%PDF-1.7 stand-in"


def asked_to_stop(*_args: object, **_kwargs: object) -> bytes:
    """Be asked to stop, as every process of a worker stopped by systemd or Ctrl+C is, then finish the document."""
    os.kill(os.getpid(), signal.SIGTERM)
    os.kill(os.getpid(), signal.SIGINT)
    return STAND_IN_PDF
