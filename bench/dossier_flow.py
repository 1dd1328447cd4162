"""Drive complete dossier lifecycles through the services and compare with raw single-row inserts.

    .venv/bin/python bench/dossier_flow.py [--n 300] [--postgres-url postgres://postgres@127.0.0.1:5432/postgres]

A lifecycle is: create at the counter -> receive -> forward (specialist) -> approve (leader) -> issue the
result -> return, each one transaction through ``chinhquyen.dossiers.services``. The baseline, measured in
the same run on the same connection, is N x 6 single-row INSERTs in autocommit (one transaction each, as each
transition is). Runs on a temporary SQLite file and, when PostgreSQL answers, on a temporary database that is
dropped afterwards. Each database is benchmarked in a child process, because settings read DATABASE_URL once.
Prints a Markdown table.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TRANSITIONS = ("create", "receive", "forward", "approve", "issue_result", "return")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="lifecycles per database")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.n)))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(("SQLite", child(f"sqlite:///{tmp}/bench.sqlite3", args.n)))
    if postgres_reachable():
        name = f"bench_dossiers_{os.getpid()}"
        admin_url = args.postgres_url
        postgres_db(admin_url, f"CREATE DATABASE {name}")
        try:
            results.append(("PostgreSQL", child(admin_url.rsplit("/", 1)[0] + f"/{name}", args.n)))
        finally:
            postgres_db(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    report(results, args.n)


def postgres_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), 1).close()
    except OSError:
        return False
    return True


def postgres_db(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)  # the name is ours (pid-based), never user input


def child(url: str, n: int) -> dict[str, Any]:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "chinhquyen.config.settings"}
    env.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="bench-media-"))
    out = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--worker", url, "--n", str(n)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def worker(url: str, n: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    world = setup_world()

    # Warm up caches (working calendar, content types) outside the measurement.
    lifecycle(world)
    counts = dict.fromkeys(TRANSITIONS, 0)
    lifecycle(world, counts=counts)

    start = time.perf_counter()
    for _ in range(n):
        lifecycle(world)
    elapsed = time.perf_counter() - start

    inserts = n * len(TRANSITIONS)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_scratch (id integer PRIMARY KEY, a integer, b varchar(40))")
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for i in range(inserts):
            # Autocommit: one transaction per insert, as one per transition.
            cursor.execute("INSERT INTO bench_scratch (id, a, b) VALUES (%s, %s, %s)", [i, i, f"row {i}"])
    baseline = time.perf_counter() - start
    return {
        "vendor": connection.vendor,
        "lifecycles_per_s": n / elapsed,
        "inserts_per_s": inserts / baseline,
        "queries": counts,
    }


def setup_world() -> dict[str, Any]:
    from decimal import Decimal

    from chinhquyen.catalog.models import Procedure
    from chinhquyen.catalog.services import procedure_save
    from chinhquyen.directory.models import Agency, Applicant, StaffRole, User

    agency = Agency.objects.create(code="000.00.01.H37", name="UBND xã thử nghiệm", kind="commune_committee")
    users = {}
    for role in ("front_desk", "specialist", "leader"):
        user = User.objects.create(username=f"bench-{role}", is_staff=True)
        StaffRole.objects.create(user=user, agency=agency, role=role)
        users[role] = user
    procedure = procedure_save(
        procedure=Procedure(
            code="9.000001", name="Thủ tục đo hiệu năng", time_limit_value=Decimal(5), time_limit_unit="working_days"
        )
    )
    applicant = Applicant.objects.create(kind="citizen", name="Trần Thị Bình", personal_id="037190012345")
    return {"users": users, "procedure": procedure, "applicant": applicant}


def lifecycle(world: dict[str, Any], counts: dict[str, int] | None = None) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chinhquyen.dossiers import services

    users = world["users"]

    def step(name: str, call: Any) -> Any:
        if counts is None:
            return call()
        with CaptureQueriesContext(connection) as captured:
            result = call()
        counts[name] = len(captured.captured_queries)
        return result

    d = step(
        "create",
        lambda: services.dossier_create_at_counter(
            by=users["front_desk"], procedure=world["procedure"], applicant=world["applicant"]
        ),
    )
    d = step("receive", lambda: services.dossier_receive(by=users["front_desk"], dossier=d))
    d = step("forward", lambda: services.dossier_forward(by=users["specialist"], dossier=d))
    d = step("approve", lambda: services.dossier_approve(by=users["leader"], dossier=d))
    d = step("issue_result", lambda: services.dossier_issue_result(by=users["front_desk"], dossier=d))
    step("return", lambda: services.dossier_return(by=users["front_desk"], dossier=d, method="counter"))


def report(results: list[tuple[str, dict[str, Any]]], n: int) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Dossier lifecycles ({' → '.join(TRANSITIONS)}), N = {n} per database; load average {load}\n")
    print("| database | lifecycles/s | baseline single-row inserts/s | ratio | transitions/s |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results:
        ratio = r["lifecycles_per_s"] / r["inserts_per_s"]
        transitions = r["lifecycles_per_s"] * len(TRANSITIONS)
        print(f"| {name} | {r['lifecycles_per_s']:.1f} | {r['inserts_per_s']:.0f} | {ratio:.1%} | {transitions:.0f} |")
    print("\nSQL queries per transition (one lifecycle, after warm-up)\n")
    print("| database | " + " | ".join(TRANSITIONS) + " | total |")
    print("|---|" + "---:|" * (len(TRANSITIONS) + 1))
    for name, r in results:
        q = r["queries"]
        print(f"| {name} | " + " | ".join(str(q[t]) for t in TRANSITIONS) + f" | {sum(q.values())} |")


if __name__ == "__main__":
    main()
