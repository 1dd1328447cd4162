"""Time procedure_search on the whole catalog: median and p95 per query, against a primary-key lookup.

    .venv/bin/python bench/catalog_search.py [--source ../shared/data] [--repeat 100] [--database-url URL]

Builds a throw-away SQLite database (or uses --database-url, whose catalog must be empty), imports the
2,627 national procedures from --source when the files are there (else loads the shipped demo fixture of
1,586), then runs each query --repeat times after a warm-up. Prints a Markdown table.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "dang ky khai sinh",
    "đăng ký khai sinh",
    "cấp giấy phép xây dựng",
    "cap giay phep xay dung",
    "chung thuc",
    "chứng thực bản sao",
    "dang ky ket hon",
    "đăng ký thường trú",
    "cap doi can cuoc",
    "giấy chứng nhận quyền sử dụng đất",
    "dang ky bien dong dat dai",
    "thành lập doanh nghiệp",
    "ho kinh doanh",
    "hai quan",
    "cấp lại",
    "thu hoi giay phep",
    "lý lịch tư pháp",
    "khoang san",
    "1.001193",
    "xe co gioi dang kiem",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--database-url", help="Default: a temporary SQLite file.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        # Settings read DATABASE_URL once, at import: set it before Django starts.
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyen.config.settings")
        run(args)


def run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from chinhquyen.catalog import selectors
    from chinhquyen.catalog.models import Procedure
    from chinhquyen.catalog.services import catalog_import, catalog_load_demo

    call_command("migrate", verbosity=0)
    if Procedure.objects.exists():
        sys.exit("The catalog of this database is not empty; give an empty one.")
    main_file = args.source / "tthc_procedures.json"
    started = time.perf_counter()
    if main_file.exists():
        details = args.source / "tthc_procedures_details.json"
        report = catalog_import(
            data=main_file.read_text(encoding="utf-8"),
            details=details.read_text(encoding="utf-8") if details.exists() else None,
        )
        loaded = f"imported {report.created:,} procedures from {args.source}"
    else:
        loaded = f"loaded the demo fixture ({catalog_load_demo():,} procedures; {main_file} not found)"
    load_seconds = time.perf_counter() - started

    pks = list(Procedure.objects.values_list("pk", flat=True))
    pk = pks[len(pks) // 2]
    baseline = _time(lambda: Procedure.objects.get(pk=pk), args.repeat)
    rows = []
    for query in QUERIES:
        found = len(selectors.procedure_search(query=query))
        rows.append((query, found, _time(lambda q=query: selectors.procedure_search(query=q), args.repeat)))

    vendor = connection.vendor
    version = ".".join(map(str, connection.Database.sqlite_version_info)) if vendor == "sqlite" else ""
    print(f"Catalog search benchmark: {vendor} {version}, {loaded} in {load_seconds:.1f} s;")
    print(f"{args.repeat} runs per query after a warm-up, limit 50 results; times in ms.\n")
    print("| query | results | median | p95 | median / baseline |")
    print("|---|---:|---:|---:|---:|")
    base_median = statistics.median(baseline)
    print(f"| *baseline: primary-key lookup* | 1 | {base_median:.3f} | {_p95(baseline):.3f} | 1.0 |")
    for query, found, times in rows:
        median = statistics.median(times)
        print(f"| {query} | {found} | {median:.3f} | {_p95(times):.3f} | {median / base_median:.1f} |")
    every = [t for _q, _n, times in rows for t in times]
    print(f"| *all queries* | | {statistics.median(every):.3f} | {_p95(every):.3f} | |")


def _time(call: Callable[[], object], repeat: int) -> list[float]:
    for _ in range(5):
        call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


if __name__ == "__main__":
    main()
