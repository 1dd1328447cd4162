"""The register typeset by the task is typeset in a child process of its own, which takes typst's memory with it."""

import logging
import os
from datetime import date

import pytest
import typst

from chinhquyen.dossiers import documents, services
from chinhquyen.dossiers.documents import slips
from chinhquyen.dossiers.models import RegisterExport
from tests.dossiers.factories import World, vn
from tests.dossiers.outbox import tasks_run
from tests.dossiers.typesetting_child import STAND_IN_PDF, asked_to_stop, killed

pytestmark = pytest.mark.django_db

TASK = "chinhquyen.dossiers.tasks.register_export_render_queued"
MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}
CHILD_LOG = "chinhquyen.dossiers.documents.isolated"


def request(world: World, django_capture_on_commit_callbacks) -> RegisterExport:
    with django_capture_on_commit_callbacks(execute=True):
        return services.register_export_request(officer=world.front_desk, agency=world.agency, **MARCH)


def test_the_task_typesets_the_register_in_a_child_process_that_has_ended(django_capture_on_commit_callbacks, caplog):
    world = World()
    world.received(at=vn(2026, 3, 2, 8, 0))
    export = request(world, django_capture_on_commit_callbacks)
    caplog.set_level(logging.INFO, logger=CHILD_LOG)

    assert tasks_run(task_path=TASK) == [(TASK, "ready")]

    typeset = [r for r in caplog.records if r.name == CHILD_LOG]
    assert len(typeset) == 1
    template, pid = typeset[0].args[:2]
    assert template == "slip-07.typ"
    assert pid != os.getpid()
    with pytest.raises(ProcessLookupError):  # gone, with its memory
        os.kill(pid, 0)
    export.refresh_from_db()
    assert (export.state, export.rows) == ("ready", 1)


def test_a_register_printed_while_waiting_is_typeset_in_the_process_that_asks(monkeypatch):
    world = World()

    def no_child(**_kwargs):
        raise AssertionError("typeset in a child")

    monkeypatch.setattr(slips, "compile_in_child", no_child)
    data = documents.register_data_for(agency=world.agency, dossiers=[], **MARCH)

    assert documents.render_slip(kind="07", data=data).startswith(b"%PDF-")


def test_a_child_that_dies_fails_the_export_with_render_failed_and_the_cause_logged(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    world = World()
    world.received(at=vn(2026, 3, 2, 8, 0))
    export = request(world, django_capture_on_commit_callbacks)
    # Pickled by name, the stand-in is what the child runs.
    monkeypatch.setattr(typst, "compile", killed)

    assert tasks_run(task_path=TASK) == [(TASK, "failed")]

    export.refresh_from_db()
    assert (export.state, export.error, export.file.name, export.rows) == ("failed", "render_failed", "", 0)
    assert f"Register export {export.pk} could not be typeset." in caplog.text
    assert "ended before returning the PDF" in caplog.text
    assert "BrokenProcessPool" in caplog.text


def test_a_child_asked_to_stop_finishes_its_document_as_the_worker_finishes_its_task(monkeypatch):
    # The worker stops gracefully on the first SIGTERM or SIGINT, which reach the child too.
    monkeypatch.setattr(typst, "compile", asked_to_stop)

    assert documents.render_slip(kind="07", data={}, isolated=True) == STAND_IN_PDF
