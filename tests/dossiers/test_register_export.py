"""The tracking register (form 07) over a long period, typeset by a task: asked for, rendered, listed, kept."""

import io
import re
import unicodedata
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from chinhquyen.core.errors import DomainError
from chinhquyen.directory.models import StaffRole
from chinhquyen.dossiers import documents, selectors, services
from chinhquyen.dossiers.models import RegisterExport
from tests.dossiers.factories import World, officer, vn
from tests.dossiers.outbox import tasks_run

pytestmark = pytest.mark.django_db

TASK = "chinhquyen.dossiers.tasks.register_export_render_queued"
MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}


def text_of(pdf: bytes) -> str:
    raw = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", raw))


def request(world: World, django_capture_on_commit_callbacks, **period) -> RegisterExport:
    with django_capture_on_commit_callbacks(execute=True):
        return services.register_export_request(officer=world.front_desk, agency=world.agency, **(period or MARCH))


def test_a_register_asked_for_is_queued_then_typeset_by_the_task(django_capture_on_commit_callbacks):
    world = World()
    first = world.received(at=vn(2026, 3, 2, 8, 0))
    second = world.received(at=vn(2026, 3, 30, 15, 0))
    world.received(at=vn(2026, 4, 1, 8, 0))  # after the period

    export = request(world, django_capture_on_commit_callbacks)

    assert (export.state, export.file.name, export.requested_by, export.agency) == (
        "queued",
        "",
        world.front_desk,
        world.agency,
    )
    assert list(DBTaskResult.objects.values_list("task_path", "args_kwargs")) == [
        (TASK, {"args": [], "kwargs": {"export_id": export.pk}})
    ]

    assert tasks_run(task_path=TASK) == [(TASK, "ready")]

    export.refresh_from_db()
    assert (export.state, export.rows, export.error) == ("ready", 2, "")
    assert export.file.name.startswith(f"registers/{world.agency.pk}/")
    assert export.finished_at is not None
    with export.file.open("rb") as f:
        text = text_of(f.read())
    assert "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert f"1 {first.code} " in text
    assert f"2 {second.code} " in text


def test_the_register_typeset_is_the_one_printed_while_waiting(django_capture_on_commit_callbacks):
    world = World()
    world.received(at=vn(2026, 3, 2, 8, 0))
    export = request(world, django_capture_on_commit_callbacks)
    tasks_run(task_path=TASK)
    export.refresh_from_db()

    rows = selectors.dossier_register(officer=world.front_desk, agency=world.agency, **MARCH)
    data = documents.register_data_for(agency=world.agency, dossiers=rows, **MARCH)
    with export.file.open("rb") as f:
        background = text_of(f.read())

    # Only the time of printing ("ngày … tháng … năm …" of the header) may differ.
    header = re.compile(r"ngày \d\d tháng \d+ năm \d{4}")
    assert header.sub("", background) == header.sub("", text_of(documents.render_slip(kind="07", data=data)))


def test_the_same_register_asked_for_twice_while_prepared_queues_one_task(django_capture_on_commit_callbacks):
    world = World()

    first = request(world, django_capture_on_commit_callbacks)
    again = request(world, django_capture_on_commit_callbacks)
    other_period = request(
        world, django_capture_on_commit_callbacks, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30)
    )

    assert again == first
    assert other_period != first
    assert DBTaskResult.objects.filter(task_path=TASK).count() == 2


def test_a_register_left_waiting_longer_than_the_lease_is_queued_again_when_asked_again(
    django_capture_on_commit_callbacks,
):
    world = World()
    first = request(world, django_capture_on_commit_callbacks)
    late = timezone.now() - services.register.REGISTER_EXPORT_LEASE - timedelta(seconds=1)
    RegisterExport.objects.filter(pk=first.pk).update(requested_at=late)
    DBTaskResult.objects.all().delete()  # the task was lost

    again = request(world, django_capture_on_commit_callbacks)

    assert again == first
    assert tasks_run(task_path=TASK) == [(TASK, "ready")]


def test_a_register_ready_is_asked_for_again_as_a_new_export(django_capture_on_commit_callbacks):
    world = World()
    first = request(world, django_capture_on_commit_callbacks)
    tasks_run(task_path=TASK)

    again = request(world, django_capture_on_commit_callbacks)

    assert again != first
    assert again.state == "queued"


@pytest.mark.parametrize(
    "period",
    [
        pytest.param({"date_from": date(2026, 3, 2), "date_to": date(2026, 3, 1)}, id="backwards"),
        pytest.param({"date_from": date(2028, 1, 1), "date_to": date(2029, 1, 1)}, id="367-days"),
    ],
)
def test_a_period_backwards_or_longer_than_a_book_is_refused(period):
    world = World()

    with pytest.raises(DomainError) as refused:
        services.register_export_request(officer=world.front_desk, agency=world.agency, **period)

    assert refused.value.code == "register_period_invalid"
    assert not RegisterExport.objects.exists()


def test_a_year_of_366_days_is_accepted():
    world = World()

    export = services.register_export_request(
        officer=world.front_desk, agency=world.agency, date_from=date(2028, 1, 1), date_to=date(2028, 12, 31)
    )

    assert (export.date_from, export.date_to) == (date(2028, 1, 1), date(2028, 12, 31))


def test_an_officer_of_another_agency_may_not_ask_for_its_register():
    world, other = World(), World()

    with pytest.raises(DomainError) as refused:
        services.register_export_request(officer=other.front_desk, agency=world.agency, **MARCH)

    assert refused.value.code == "not_allowed"
    assert not RegisterExport.objects.exists()


def test_the_task_run_twice_typesets_once(django_capture_on_commit_callbacks):
    world = World()
    world.received(at=vn(2026, 3, 2, 8, 0))
    export = request(world, django_capture_on_commit_callbacks)
    assert services.register_export_render(export_id=export.pk) == "ready"
    export.refresh_from_db()
    name, finished = export.file.name, export.finished_at

    assert services.register_export_render(export_id=export.pk) == "ready"

    export.refresh_from_db()
    assert (export.file.name, export.finished_at) == (name, finished)
    assert services.register_export_render(export_id=export.pk + 1000) == "missing"


def test_a_run_taken_by_another_is_left_to_it_until_its_lease_ends(django_capture_on_commit_callbacks):
    world = World()
    export = request(world, django_capture_on_commit_callbacks)
    RegisterExport.objects.filter(pk=export.pk).update(started_at=timezone.now())

    assert services.register_export_render(export_id=export.pk) == "queued"

    died = timezone.now() - services.register.REGISTER_EXPORT_LEASE - timedelta(seconds=1)
    RegisterExport.objects.filter(pk=export.pk).update(started_at=died)
    assert services.register_export_render(export_id=export.pk) == "ready"


def test_an_officer_who_left_the_agency_before_the_task_ran_gets_no_register(django_capture_on_commit_callbacks):
    world = World()
    world.received(at=vn(2026, 3, 2, 8, 0))
    export = request(world, django_capture_on_commit_callbacks)
    StaffRole.objects.filter(user=world.front_desk).delete()

    assert tasks_run(task_path=TASK) == [(TASK, "failed")]

    export.refresh_from_db()
    assert (export.state, export.error, export.file.name, export.rows) == ("failed", "not_allowed", "", 0)


def test_a_register_that_cannot_be_typeset_fails_with_its_cause_logged(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    world = World()
    export = request(world, django_capture_on_commit_callbacks)

    def broken(**_kwargs):
        raise RuntimeError("typst broke")

    monkeypatch.setattr(documents, "render_slip", broken)

    assert tasks_run(task_path=TASK) == [(TASK, "failed")]

    export.refresh_from_db()
    assert (export.state, export.error, export.file.name) == ("failed", "render_failed", "")
    assert f"Register export {export.pk} could not be typeset." in caplog.text
    assert "typst broke" in caplog.text


def test_asking_deletes_every_export_older_than_a_week_with_its_file(django_capture_on_commit_callbacks):
    world = World()
    old = request(world, django_capture_on_commit_callbacks)
    tasks_run(task_path=TASK)
    old.refresh_from_db()
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    colleague = officer(world.agency, "specialist")
    theirs = services.register_export_request(officer=colleague, agency=world.agency, **MARCH)
    recent = services.register_export_request(
        officer=colleague, agency=world.agency, date_from=date(2026, 5, 1), date_to=date(2026, 5, 31)
    )
    week_ago = timezone.now() - timedelta(days=services.REGISTER_EXPORT_KEEP_DAYS, seconds=1)
    RegisterExport.objects.filter(pk__in=[old.pk, theirs.pk]).update(requested_at=week_ago)

    new = request(world, django_capture_on_commit_callbacks, date_from=date(2026, 4, 1), date_to=date(2026, 4, 30))

    # A colleague's old export goes too (they may never ask again); their recent one stays.
    assert set(RegisterExport.objects.values_list("pk", flat=True)) == {recent.pk, new.pk}
    assert not storage.exists(name)


def test_an_officer_lists_their_own_exports_of_the_agencies_they_work_for_newest_first():
    world, other = World(), World()
    both = officer(world.agency, "specialist")
    StaffRole.objects.create(user=both, agency=other.agency, role="specialist")
    mine_here = services.register_export_request(officer=both, agency=world.agency, **MARCH)
    mine_there = services.register_export_request(officer=both, agency=other.agency, **MARCH)
    services.register_export_request(officer=world.front_desk, agency=world.agency, **MARCH)  # a colleague's

    assert selectors.register_exports_of(officer=both) == [mine_there, mine_here]

    StaffRole.objects.filter(user=both, agency=other.agency).delete()
    assert selectors.register_exports_of(officer=both) == [mine_here]


def test_an_export_is_downloaded_only_ready_by_whoever_asked_while_they_work_for_the_agency(
    django_capture_on_commit_callbacks,
):
    world = World()
    export = request(world, django_capture_on_commit_callbacks)
    colleague = officer(world.agency, "front_desk")

    assert selectors.register_export_of(officer=world.front_desk, pk=export.pk) is None  # not ready yet
    tasks_run(task_path=TASK)
    assert selectors.register_export_of(officer=world.front_desk, pk=export.pk) == export
    assert selectors.register_export_of(officer=colleague, pk=export.pk) is None

    StaffRole.objects.filter(user=world.front_desk).delete()
    assert selectors.register_export_of(officer=world.front_desk, pk=export.pk) is None


def test_the_register_is_counted_as_it_is_listed():
    world, other = World(), World()
    world.received(at=vn(2026, 3, 2, 8, 0))
    world.received(at=vn(2026, 3, 31, 23, 0))
    world.received(at=vn(2026, 4, 1, 0, 0))
    world.draft()

    args = {"agency": world.agency, **MARCH}
    assert selectors.dossier_register_count(officer=world.front_desk, **args) == 2
    assert len(selectors.dossier_register(officer=world.front_desk, **args)) == 2
    assert selectors.dossier_register_count(officer=other.front_desk, **args) == 0
