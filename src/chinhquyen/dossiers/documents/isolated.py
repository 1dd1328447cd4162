"""Typeset a document in a short-lived child process, so that the memory typst takes leaves with it.

Typst keeps what it laid out (its memoization cache) and the allocator keeps the pages: a year's register of some
8,000 rows leaves a process 2 GB large, and the next one different from it adds as much again
(docs/performance.md, tracking register). ``compile_in_child`` runs ``typst.compile`` in a process started for that
one document ("spawn": a fresh interpreter that imports typst, no Django, no database; and the main script, as spawn
does, which for ``manage.py`` imports nothing more) and returns the PDF; the process ends with the call. The data is
prepared by the caller (``slips.render_slip(..., isolated=True)``): the child receives only the template's path and
typst's inputs (strings).
"""

import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path

import typst

logger = logging.getLogger(__name__)

# The child holds back the signals that ask a worker to stop (blocked, they never reach it): a worker stopped
# gracefully (db_worker finishes its task on the first SIGINT or SIGTERM, and systemd sends SIGTERM to every process
# of the service) gets its document, not a child killed under it.
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def compile_in_child(*, template: Path, root: Path, inputs: dict[str, str], pdf_standards: Sequence[str]) -> bytes:
    """Compile ``template`` (within ``root``, typst's own fonts only) with ``inputs`` in a child process to PDF.

    An error of typst's is raised here as it was in the child (with the child's traceback as its cause); a child
    that dies (killed for lack of memory, say) raises ``RuntimeError``.
    """
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=context,
        initializer=partial(signal.pthread_sigmask, signal.SIG_BLOCK, _STOP_SIGNALS),
    ) as pool:
        # One worker: the process that answers is the one that typesets.
        pid = pool.submit(os.getpid).result()
        up = time.perf_counter()
        # Looked up now, and pickled by name: the child imports typst and runs its ``compile``.
        compile_pdf: Callable[..., object] = typst.compile
        try:
            pdf = pool.submit(
                compile_pdf,
                str(template),
                root=str(root),
                ignore_system_fonts=True,
                sys_inputs=inputs,
                pdf_standards=list(pdf_standards),
            ).result()
        except BrokenProcessPool as exc:
            raise RuntimeError(f"The typesetting process {pid} ended before returning the PDF.") from exc
        except (KeyboardInterrupt, SystemExit):
            # The worker stopped by force while waiting: leaving the pool would wait for the child.
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            raise
    if not isinstance(pdf, bytes):  # only PNG/SVG output comes as a list of pages
        raise TypeError(f"typst returned {type(pdf).__name__} for a PDF")
    logger.info(
        "%s typeset in child process %d: %.2f s to start it, %.2f s to typeset, %.2f s in all.",
        template.name,
        pid,
        up - started,
        time.perf_counter() - up,
        time.perf_counter() - started,
    )
    return pdf
