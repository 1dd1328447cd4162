"""Load test of the REST API on PostgreSQL, with gunicorn started as production runs it.

    .venv/bin/python bench/api_load.py [--database-url postgres://postgres@127.0.0.1:5432/chinhquyen_bench_api]
                                       [--workers 3] [--clients 16] [--seconds 15] [--rounds 1]

The script (re)creates the database, migrates it, seeds one agency with its officers, a procedure,
applicants and dossiers, a system key and an officer token, then starts
``gunicorn chinhquyen.config.wsgi --workers N`` (docs/operations.md) with ``DJANGO_ENV=production``
and drives it with ``--clients`` concurrent clients from this machine, one scenario after another:

* ``minimal``: ``GET /api/v1/meta/health`` (no database): the ceiling of the stack;
* ``one query``: ``GET /api/v1/directory/agencies/{code}`` (anonymous, one query);
* ``dossier read``: ``GET /api/v1/dossiers/{id}`` with a system key (dossier, documents, steps, actions);
* ``submission``: ``POST /api/v1/dossiers`` (multipart, one 1 kB PDF, an Idempotency-Key) with a system key.

The load generator is threads with the standard library's ``http.client``: no dependency, a few
microseconds of client work per request, so on a 2-core machine most of the CPU goes to the server.
(locust was considered: with gevent and its web UI it costs more CPU per request than the server
pages it measures, on the same two cores.) Each request opens a connection, as gunicorn's sync workers
close it after each response. Rates are requests a second over the whole run; latencies are per request.
It also counts the SQL queries of one submission and one read, in-process, through the same code.
Rate limits are turned off for the run (API_RATE_LIMIT_PER_KEY=0, API_RATE_LIMIT_PER_IP=0).
"""

import argparse
import http.client
import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
HOST = "127.0.0.1"


@dataclass
class Result:
    name: str
    count: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.count / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p))] * 1000 if ordered else 0.0


def server_env(database_url: str, var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "API_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "chinhquyen.config.settings",
            "DJANGO_ENV": "production",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": HOST,
            "DATABASE_URL": database_url,
            "DB_CONN_MAX_AGE": "60",
            "VAR_DIR": str(var_dir),
            "MEDIA_ROOT": str(var_dir / "media"),
            "LOG_LEVEL": "WARNING",
            "API_RATE_LIMIT_PER_KEY": "0",
            "API_RATE_LIMIT_PER_IP": "0",
            "PYTHONPATH": str(ROOT / "src"),
        }
    )
    return env


def database_recreate(database_url: str) -> None:
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def seed(dossiers: int) -> dict[str, object]:
    """Create the data in-process (Django set up from this process's environment); count queries."""
    import django

    django.setup()
    from decimal import Decimal

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chinhquyen.catalog.models import Field, Procedure
    from chinhquyen.catalog.services import procedure_save, process_template_set
    from chinhquyen.directory.models import Agency, AgencyKind, Applicant, ApplicantKind, User
    from chinhquyen.directory.services import staff_role_grant
    from chinhquyen.dossiers import services
    from chinhquyen.integrations.services import api_key_issue, officer_token_issue, system_create

    agency = Agency.objects.create(
        code="000.00.01.H37", name="Trung tâm Phục vụ hành chính công", kind=AgencyKind.SERVICE_CENTRE
    )
    users = {}
    for role in ("front_desk", "specialist", "leader"):
        user = User.objects.create_user(username=f"bench.{role}", password=secrets.token_urlsafe(16), is_staff=True)
        staff_role_grant(user=user, agency=agency, role=role)
        users[role] = user
    admin = User.objects.create_superuser(username="bench.admin", password=secrets.token_urlsafe(16))
    field, _ = Field.objects.get_or_create(code="ho-tich", defaults={"name": "Hộ tịch"})
    procedure = procedure_save(
        procedure=Procedure(
            code="1.001193",
            name="Đăng ký khai sinh",
            field=field,
            level_commune=True,
            time_limit_text="5 Ngày làm việc",
            time_limit_value=Decimal(5),
            time_limit_unit="working_days",
        )
    )
    procedure.agencies.set([agency])
    process_template_set(
        procedure=procedure,
        steps=[
            {"name": "Thụ lý", "role": "specialist", "share_hours": Decimal(32), "agency": None},
            {"name": "Phê duyệt", "role": "leader", "share_hours": Decimal(8), "agency": None},
        ],
    )
    applicant = Applicant.objects.create(kind=ApplicantKind.CITIZEN, name="Trần Thị Bình", personal_id="037190000001")
    system = system_create(by=admin, code="bench", name="Bench")
    staff_role_grant(user=system.account, agency=agency, role="front_desk")
    key = api_key_issue(by=admin, system=system, name="bench", scopes=["dossiers:read", "dossiers:submit"]).secret
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = pdf_bytes()
    ids = []
    for _n in range(dossiers):
        draft = services.dossier_create_at_counter(by=users["front_desk"], procedure=procedure, applicant=applicant)
        services.dossier_document_add(
            by=users["front_desk"], dossier=draft, upload=SimpleUploadedFile("a.pdf", pdf), name="Tờ khai"
        )
        ids.append(services.dossier_receive(by=users["front_desk"], dossier=draft).pk)
    officer_token_issue(by=admin, user=users["front_desk"], name="bench")

    # Queries of one submission and one read, through the same stack (test client, same settings).
    client = Client(headers={"Authorization": f"Bearer {key}", "X-Forwarded-Proto": "https"}, SERVER_NAME=HOST)
    with CaptureQueriesContext(connection) as submit_queries:
        response = client.post(
            "/api/v1/dossiers",
            {
                "procedure": procedure.code,
                "agency": agency.code,
                "applicant": applicant.personal_id,
                "documents": [SimpleUploadedFile("a.pdf", pdf)],
            },
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
    assert response.status_code == 201, response.content
    with CaptureQueriesContext(connection) as read_queries:
        assert client.get(f"/api/v1/dossiers/{ids[0]}").status_code == 200
    with CaptureQueriesContext(connection) as one_queries:
        assert client.get(f"/api/v1/directory/agencies/{agency.code}", headers={"Authorization": ""}).status_code == 200
    connection.close()
    return {
        "key": key,
        "agency": agency.code,
        "procedure": procedure.code,
        "applicant": applicant.personal_id,
        "dossiers": ids,
        "pdf": pdf,
        "queries": {
            "submission": len(submit_queries),
            "dossier read": len(read_queries),
            "one query": len(one_queries),
        },
    }


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "chinhquyen.config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603 - our own command line
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/meta/health", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 s")


Request = Callable[[int], tuple[str, str, bytes | None, dict[str, str]]]


def run(name: str, port: int, make: Request, *, clients: int, seconds: float, expect: int) -> Result:
    """``clients`` threads sending ``make(n)`` requests for ``seconds``; count, errors, latencies."""
    stop = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    counter = iter(range(10**9))
    lock = threading.Lock()

    def client(slot: int) -> None:
        while time.monotonic() < stop:
            with lock:
                n = next(counter)
            method, path, body, headers = make(n)
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
                conn.request(method, path, body=body, headers={"X-Forwarded-Proto": "https", **headers})
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status == expect
            except OSError:
                ok = False
            latencies[slot].append(time.perf_counter() - started)
            if not ok:
                errors[slot] += 1

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    flat = [value for per in latencies for value in per]
    return Result(name=name, count=len(flat), errors=sum(errors), seconds=elapsed, latencies=flat)


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n".encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/chinhquyen_bench_api")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--dossiers", type=int, default=200)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run the scenarios this many times in turn; report each one's median"
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(args.database_url, Path(tmp))
        database_recreate(args.database_url)
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
        )
        os.environ.update(env)
        data = seed(args.dossiers)
        server = start_server(env, args.port, args.workers)
        try:
            results = scenarios(args, data)
        finally:
            server.terminate()
            server.wait(timeout=30)
    report(args, data, results)


def scenarios(args: argparse.Namespace, data: dict[str, object]) -> list[Result]:
    key = {"Authorization": f"Bearer {data['key']}"}
    ids = data["dossiers"]
    assert isinstance(ids, list)
    body, content_type = multipart(
        {"procedure": str(data["procedure"]), "agency": str(data["agency"]), "applicant": str(data["applicant"])},
        {"documents": ("to-khai.pdf", data["pdf"])},  # type: ignore[dict-item]
    )
    plans: list[tuple[str, Request, int]] = [
        ("minimal", lambda n: ("GET", "/api/v1/meta/health", None, {}), 200),
        ("one query", lambda n: ("GET", f"/api/v1/directory/agencies/{data['agency']}", None, {}), 200),
        ("dossier read", lambda n: ("GET", f"/api/v1/dossiers/{ids[n % len(ids)]}", None, key), 200),
        (
            "submission",
            lambda n: (
                "POST",
                "/api/v1/dossiers",
                body,
                {**key, "Content-Type": content_type, "Idempotency-Key": uuid.uuid4().hex},
            ),
            201,
        ),
    ]
    for name, make, expect in plans:
        run(name, args.port, make, clients=args.clients, seconds=2, expect=expect)  # warm up
    # In turn, round after round: on a shared machine each scenario then sees the same spells of load.
    rounds: dict[str, list[Result]] = {name: [] for name, _make, _expect in plans}
    for _round in range(args.rounds):
        for name, make, expect in plans:
            rounds[name].append(run(name, args.port, make, clients=args.clients, seconds=args.seconds, expect=expect))
    return [sorted(runs, key=lambda r: r.rate)[len(runs) // 2] for runs in rounds.values()]


def report(args: argparse.Namespace, data: dict[str, object], results: list[Result]) -> None:
    by_name = {r.name: r for r in results}
    queries = data["queries"]
    assert isinstance(queries, dict)
    rounds = f", median of {args.rounds} rounds" if args.rounds > 1 else ""
    print(
        f"gunicorn --workers {args.workers}, {args.clients} clients, {args.seconds:g} s a scenario{rounds}, "
        "PostgreSQL\n"
    )
    print("| scenario | requests/s | p50 ms | p99 ms | errors | SQL queries | rate vs baseline |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    baselines = {"dossier read": "one query", "submission": "minimal"}
    for r in results:
        base = baselines.get(r.name)
        ratio = f"{r.rate / by_name[base].rate:.0%} of {base}" if base else ""
        count = queries.get(r.name, 0 if r.name == "minimal" else "")
        print(
            f"| {r.name} | {r.rate:,.0f} | {r.percentile(0.5):.1f} | {r.percentile(0.99):.1f} | {r.errors} "
            f"| {count} | {ratio} |"
        )
    submission, read = by_name["submission"], by_name["dossier read"]
    print()
    print(
        f"targets: submissions >= 10% of minimal: {submission.rate / by_name['minimal'].rate:.1%}, "
        f"p99 < 300 ms: {submission.percentile(0.99):.0f} ms; "
        f"reads >= 50% of one query: {read.rate / by_name['one query'].rate:.1%}"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    r.name: {
                        "rate": r.rate,
                        "p50_ms": r.percentile(0.5),
                        "p99_ms": r.percentile(0.99),
                        "errors": r.errors,
                        "count": r.count,
                    }
                    for r in results
                }
                | {"queries": queries},
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
