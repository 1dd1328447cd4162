"""Time the tracking register (form 07) over many dossiers: its data from the database, then its PDF.

    .venv/bin/python bench/register_pdf.py [--rows 500 2000 8000] [--per-day 22] [--database-url URL]
        [--worker-memory [--exports 3]]

Builds a throw-away SQLite database (or uses --database-url, which must be empty of dossiers), runs one
dossier through its whole life with the services (create, receive, forward, approve, issue, return), then
copies it in bulk: --per-day dossiers received on each day of 2026 (22 a day is 8,030 over the year, a
busy commune's one-stop desk), with their steps, receive events and code sequences, a third of them not
yet returned. For each size the register's period is the first days of the year that hold about that many
rows. Each size is timed in a process of its own (typst keeps what it laid out for the next documents, and
the peak memory is the process's), after a warm-up on a day outside every period:

- the selector (``dossier_register``: two queries) and the data builder (``register_data_for``);
- the PDF (``render_slip(kind="07")``, PDF/A-2b and PDF/UA-1), and within it its Python part (dates
  formatted, text made printable, JSON), the rest being typst's (layout and PDF export);

next to a baseline measured in the same process: the same register over one other day. Prints a Markdown
table: wall and CPU seconds, rows per second, the size of the PDF and the process's peak memory.

With --worker-memory, times instead what the task's worker keeps: a process of its own runs the task's service
(``register_export_render``) on a one-day register, then on --exports registers of about the longest size, each
over a period a day shorter than the one before (so typst lays each one out anew), once with typst in a child
process (as shipped) and once in the worker's own process (as before); the worker's memory (RSS) after each, its
peak, the child's peak, and the time each export took.
"""

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
YEAR = 2026
DAYS = 363  # the longest period timed: two days of the year stay for the warm-up and the baseline
AGENCY_CODE = "000.00.01.H37"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[500, 2000, 8000], help="register sizes to time")
    parser.add_argument("--per-day", type=int, default=22, help="dossiers received a day")
    parser.add_argument("--database-url", help="Default: a temporary SQLite file.")
    parser.add_argument("--worker-memory", action="store_true", help="the task worker's memory, child or not")
    parser.add_argument("--exports", type=int, default=3, help="registers the worker typesets (--worker-memory)")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)  # days of the register a child times
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)  # typst in the worker itself
    args = parser.parse_args()
    if args.worker:
        setup(os.environ["DATABASE_URL"])
        if args.worker_memory:
            print(json.dumps(task_worker(days=args.worker, exports=args.exports, in_process=args.in_process)))
        else:
            print(json.dumps(worker(days=args.worker)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("MEDIA_ROOT", tmp)
        setup(url)
        from django.core.management import call_command

        from chinhquyen.dossiers.models import Dossier

        call_command("migrate", verbosity=0)
        if Dossier.objects.exists():
            sys.exit("This database already holds dossiers; give an empty one.")
        sizes = [min(DAYS, -(-n // args.per_day)) for n in sorted(args.rows)]
        started = time.perf_counter()
        # Two more days than the longest period: the warm-up's and the baseline's, outside every period.
        build(per_day=args.per_day, days=max(sizes) + 2)
        built = (max(sizes) + 2) * args.per_day
        print(f"{built:,} dossiers built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        if args.worker_memory:
            days = max(sizes)
            runs = {
                "child": child(url, days, "--worker-memory", "--exports", str(args.exports)),
                "in-process": child(url, days, "--worker-memory", "--exports", str(args.exports), "--in-process"),
            }
            report_worker_memory(runs, args.per_day)
            return
        results = [child(url, days) for days in sizes]
    report(results, args.per_day)


def setup(url: str) -> None:
    # Settings read DATABASE_URL once, at import: set it before Django starts. DEBUG off, as in production.
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.config.settings")
    os.environ["DEBUG"] = "False"
    import django

    django.setup()


def child(url: str, days: int, *extra: str) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--worker", str(days), *extra],
        env={**os.environ, "DATABASE_URL": url},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def worker(*, days: int) -> dict[str, Any]:
    from chinhquyen.directory.models import Agency, User

    world = {"agency": Agency.objects.get(code=AGENCY_CODE), "officer": User.objects.get(username="bench-front_desk")}
    last = date(YEAR, 1, 1) + timedelta(days=days)  # the day after the period, and the one after it
    measure(world, last, 1)  # warm-up: the typst compiler and its fonts, the fonts' coverage of the text
    baseline = measure(world, last + timedelta(days=1), 1)
    return {"baseline": baseline, "result": measure(world, date(YEAR, 1, 1), days)}


def task_worker(*, days: int, exports: int, in_process: bool) -> dict[str, Any]:
    """Run the task's service on one small register, then on ``exports`` long ones; the memory after each."""
    import logging

    from django.utils import timezone

    from chinhquyen.directory.models import Agency, User
    from chinhquyen.dossiers import documents, services
    from chinhquyen.dossiers.documents import slips
    from chinhquyen.dossiers.models import RegisterExport

    if in_process:  # as before: typst in the worker's own process

        def render_slip(*, kind: str, data: dict[str, Any], isolated: bool = False) -> bytes:
            return slips.render_slip(kind=kind, data=data)

        documents.render_slip = render_slip
    started_children: list[float] = []

    class ChildStart(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            started_children.append(float(record.args[2]))  # type: ignore[index]

    isolated = logging.getLogger("chinhquyen.dossiers.documents.isolated")
    isolated.addHandler(ChildStart())
    isolated.setLevel(logging.INFO)
    agency, officer = Agency.objects.get(code=AGENCY_CODE), User.objects.get(username="bench-front_desk")

    def export(date_from: date, date_to: date) -> dict[str, Any]:
        e = RegisterExport.objects.create(
            agency=agency, date_from=date_from, date_to=date_to, requested_by=officer, requested_at=timezone.now()
        )
        started = time.perf_counter()
        state = services.register_export_render(export_id=e.pk)
        seconds = time.perf_counter() - started
        e.refresh_from_db()
        assert state == "ready", state
        return {"rows": e.rows, "seconds": seconds, "rss_mib": memory("VmRSS"), "hwm_mib": memory("VmHWM")}

    r: dict[str, Any] = {"start_mib": memory("VmRSS")}
    last = date(YEAR, 1, 1) + timedelta(days=days)  # the day after the longest period: outside all of them
    r["small"] = export(last, last)
    first = date(YEAR, 1, 1)
    r["exports"] = [export(first, first + timedelta(days=days - 1 - i)) for i in range(exports)]
    r["child_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    r["child_start_s"] = started_children
    return r


def memory(field: str) -> float:
    """This process's ``VmRSS`` (now) or ``VmHWM`` (peak) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def build(*, per_day: int, days: int) -> dict[str, Any]:
    """One dossier through the services, copied ``per_day`` times for each of ``days`` days of ``YEAR``."""
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from chinhquyen.catalog.models import Procedure
    from chinhquyen.catalog.services import procedure_save
    from chinhquyen.directory.models import Agency, Applicant, StaffRole, User
    from chinhquyen.dossiers import services
    from chinhquyen.dossiers.models import Dossier, DossierCodeSequence, DossierEvent, DossierStatus, DossierStep

    agency = Agency.objects.create(code=AGENCY_CODE, name="Ủy ban nhân dân xã Đông Sơn", kind="commune_committee")
    users = {}
    for role in ("front_desk", "specialist", "leader"):
        user = User.objects.create(username=f"bench-{role}", is_staff=True)
        StaffRole.objects.create(user=user, agency=agency, role=role)
        users[role] = user
    procedure = procedure_save(
        procedure=Procedure(
            code="1.001193",
            name="Cấp giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
            time_limit_value=Decimal(5),
            time_limit_unit="working_days",
        )
    )
    procedure.agencies.add(agency)
    applicant = Applicant.objects.create(
        kind="citizen", name="Trần Thị Bình", personal_id="037190012345", address="Thôn 3, xã Đông Sơn"
    )
    d = services.dossier_create_at_counter(by=users["front_desk"], procedure=procedure, applicant=applicant)
    d = services.dossier_receive(by=users["front_desk"], dossier=d)
    d = services.dossier_forward(by=users["specialist"], dossier=d)
    d = services.dossier_approve(by=users["leader"], dossier=d)
    d = services.dossier_issue_result(by=users["front_desk"], dossier=d)
    d = services.dossier_return(by=users["front_desk"], dossier=d, method="counter")
    steps = list(DossierStep.objects.filter(dossier=d))
    receive = DossierEvent.objects.get(dossier=d, action="receive")
    # The original keeps out of the periods timed (and of the copies' codes): received the day before.
    eve = timezone.make_aware(datetime(YEAR - 1, 12, 31, 9, 0))
    Dossier.objects.filter(pk=d.pk).update(received_at=eve, code=f"{agency.code}-{eve:%y%m%d}-0001")

    start = timezone.make_aware(datetime(YEAR, 1, 1, 7, 30))
    names = ["Trần Thị Bình", "Nguyễn Văn An", "Công ty TNHH Thương mại và Dịch vụ Hoàng Long", "Lê Thị Ánh"]
    with transaction.atomic():
        DossierCodeSequence.objects.filter(agency=agency).delete()
        clones = []
        for day in range(days):
            received_day = start + timedelta(days=day)
            for number in range(1, per_day + 1):
                c = copy.copy(d)
                c.pk = c.id = None
                c.received_at = received_day + timedelta(minutes=20 * number)
                c.code = f"{agency.code}-{c.received_at:%y%m%d}-{number:04d}"
                c.due_at = c.received_at + timedelta(days=7)
                c.applicant_snapshot = {
                    **d.applicant_snapshot,
                    "name": names[number % len(names)],
                    "address": f"Thôn {number}, xã Đông Sơn, tỉnh Thanh Hóa",
                    "phone": f"09123{number:05d}",
                }
                if number % 3 == 0:  # still in processing: no return printed
                    c.status, c.returned_at, c.return_method = DossierStatus.PROCESSING, None, ""
                else:
                    c.returned_at = c.received_at + timedelta(days=5, hours=2)
                clones.append(c)
            DossierCodeSequence.objects.create(agency=agency, day=received_day.date(), last=per_day)
        clones = Dossier.objects.bulk_create(clones, batch_size=500)
        new_steps, events = [], []
        for c in clones:
            for s in steps:
                s2 = copy.copy(s)
                s2.pk = s2.id = None
                s2.dossier_id = c.pk
                new_steps.append(s2)
            e = copy.copy(receive)
            e.pk = e.id = None
            e.dossier_id, e.at = c.pk, c.received_at
            events.append(e)
        DossierStep.objects.bulk_create(new_steps, batch_size=1000)
        DossierEvent.objects.bulk_create(events, batch_size=1000)
    return {"agency": agency, "officer": users["front_desk"], "original": d}


def measure(world: dict[str, Any], date_from: date, days: int) -> dict[str, Any]:
    """Time the register of the ``days`` days from ``date_from``."""
    from chinhquyen.dossiers import documents, selectors
    from chinhquyen.dossiers.documents import slips

    date_to = date_from + timedelta(days=days - 1)
    r: dict[str, Any] = {}
    dossiers = timed(
        r,
        "select",
        lambda: selectors.dossier_register(
            officer=world["officer"], agency=world["agency"], date_from=date_from, date_to=date_to
        ),
    )
    data = timed(
        r,
        "data",
        lambda: documents.register_data_for(
            agency=world["agency"], dossiers=dossiers, date_from=date_from, date_to=date_to
        ),
    )
    timed(r, "python", lambda: json.dumps(slips.printable(slips.prepare_data(data)), ensure_ascii=False))
    pdf = timed(r, "render", lambda: documents.render_slip(kind="07", data=data))
    r["rows"] = len(dossiers)
    r["kib"] = len(pdf) / 1024
    r["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return r


def timed(into: dict[str, Any], name: str, call: Callable[[], Any]) -> Any:
    """Call ``call``, keeping its wall and CPU seconds (this process's, all threads) under ``name``."""
    started, started_cpu = time.perf_counter(), time.process_time()
    result = call()
    into[name] = (time.perf_counter() - started, time.process_time() - started_cpu)
    return result


def report(results: list[dict[str, Any]], per_day: int) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Tracking register (form 07), {per_day} dossiers a day; load average {load}\n")
    print(
        "| rows | select + data (s) | PDF (s) | of which Python (s) | PDF CPU (s) | rows/s (PDF) | request (s) "
        "| rows/s (request) | time a row vs a one-day register | PDF size | peak memory |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for pair in results:
        base, r = pair["baseline"], pair["result"]
        base_per_row = total(base) / base["rows"]
        wall, cpu = r["render"]
        print(
            f"| {r['rows']:,} | {r['select'][0] + r['data'][0]:.2f} | {wall:.2f} | {r['python'][0]:.2f} | {cpu:.2f} "
            f"| {r['rows'] / wall:,.0f} | {total(r):.2f} | {r['rows'] / total(r):,.0f} "
            f"| {total(r) / r['rows'] / base_per_row:.2f}× | {r['kib'] / 1024:.1f} MiB | {r['peak_mib']:,.0f} MiB |"
        )
    base = results[0]["baseline"]
    print(
        f"\nBaseline: a one-day register of {base['rows']} rows, {total(base) * 1000:.0f} ms in all "
        f"({base['rows'] / total(base):,.0f} rows/s). The Python part (dates formatted, text made printable, JSON) "
        "is inside the PDF's time; the request is select + data + PDF, what a GET of /office/register.pdf spends "
        "besides its own few queries."
    )


def report_worker_memory(runs: dict[str, dict[str, Any]], per_day: int) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"The task worker's memory, {per_day} dossiers a day; load average {load}\n")
    print(
        "| typst | after start-up | after a one-day register | "
        + " | ".join(f"after register {i + 1} ({e['rows']:,} rows)" for i, e in enumerate(runs["child"]["exports"]))
        + " | worker peak | child peak | seconds a register |"
    )
    print("|---|---:|---:|" + "---:|" * len(runs["child"]["exports"]) + "---:|---:|---|")
    for name, r in runs.items():
        after = " | ".join(f"{e['rss_mib']:,.0f} MiB" for e in r["exports"])
        seconds = ", ".join(f"{e['seconds']:.2f}" for e in r["exports"])
        child_peak = f"{r['child_peak_mib']:,.0f} MiB" if r["child_start_s"] else "–"
        print(
            f"| {name} | {r['start_mib']:,.0f} MiB | {r['small']['rss_mib']:,.0f} MiB | {after} "
            f"| {r['exports'][-1]['hwm_mib']:,.0f} MiB | {child_peak} | {seconds} |"
        )
    starts = runs["child"]["child_start_s"]
    print(
        f"\nChild start-up (spawn, until it answers): {', '.join(f'{s:.2f}' for s in starts)} s "
        f"(one-day register first). The one-day register took {runs['child']['small']['seconds']:.2f} s with a child, "
        f"{runs['in-process']['small']['seconds']:.2f} s without."
    )


def total(r: dict[str, Any]) -> float:
    return float(r["select"][0] + r["data"][0] + r["render"][0])


if __name__ == "__main__":
    main()
