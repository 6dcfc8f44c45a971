"""`make bench`: the key pages at city scale and small scale, as a user would feel them.

    .venv/bin/python benchmarks/run.py                    # build both data sets, measure, write docs
    .venv/bin/python benchmarks/run.py --skip-build       # reuse fengtai_bench_city / _small
    .venv/bin/python benchmarks/run.py --sizes small --duration 3 --out /tmp/b.md   # a quick look

For each size: builds the data set (benchmarks/city.py, its own PostgreSQL database), serves it
with gunicorn (2 sync workers) and production settings (DEBUG off, a generated secret key,
ALLOWED_HOSTS 127.0.0.1, plain HTTP on a free loopback port), logs in as the page's role
through the login form, checks that each URL answers 200 with the page's own marker (never the
login page), reads its queries per request from the X-Bench-Queries header (FENGTAI_BENCH=1,
fengtai_assess/bench.py), warms it up and loads it with `wrk -t2 -c16 -d10s --latency`,
comparing with the trivial /bench/ping/ in the same run; times the summary workbook download,
then in-process `export_summary` against a raw openpyxl write-only workbook of the same cells;
measures a 200 MB upload's worker memory growth and the 2 GB evidence ZIP's peak memory; and
measures the database's size per 10,000 slots (pg_database_size and the largest tables'
pg_total_relation_size, read-only; `--database-only` measures just that on the databases
already built and prints it); and writes docs/benchmarks.md. Never asserts a time: it
reports, each target met or missed.
"""

# The bench runs its own fixed commands (wrk, gunicorn, this Python) against loopback URLs.
# ruff: noqa: S310, S603, S607

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
WORK = Path(os.environ.get("BENCH_WORK_DIR", Path(tempfile.gettempdir()) / "fengtai-bench"))
SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASES = {"city": "fengtai_bench_city", "small": "fengtai_bench_small"}
PASSWORD = "Demo@2026"  # noqa: S105  (the demo accounts seed_demo creates in the bench database)
QUERY_HEADER = "X-Bench-Queries"
MB = 1024 * 1024

# Targets of issue 11, item 2.
RATIO_TARGET, RATIO_GOAL, P99_TARGET = 0.3, 0.5, 1.0


@dataclass
class Page:
    key: str
    label: str
    user: str
    path: str
    marker: str


@dataclass
class Measured:
    page: Page
    status: int
    queries: int | None
    size: int
    rps: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    requests: int = 0
    non2xx: int = 0
    timeouts: int = 0
    errors: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(name: str) -> str:
    return f"{SERVER.rsplit('/', 1)[0]}/{name}"


def production_env(size: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FENGTAI_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="fengtai_assess.settings",
        DATABASE_URL=database_url(DATABASES[size]),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_VAR_DIR=str(WORK / "var"),
        DJANGO_PRIVATE_MEDIA_ROOT=str(WORK / size / "private"),
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_LOG_LEVEL="WARNING",
        FENGTAI_BENCH="1",
        PYTHONPATH=str(ROOT),
    )
    return env


def build(size: str) -> str:
    env = production_env(size)
    # A fresh evidence root per build: the last run's files (the 200 MB upload) go with its database.
    shutil.rmtree(WORK / size / "private", ignore_errors=True)
    (WORK / size / "private").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    out = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "city.py"), "--size", size, "--server", SERVER],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    log(out.strip().splitlines()[-1])
    return f"{out.strip().splitlines()[-1]} (wall clock {time.perf_counter() - started:.0f} s)"


class Server:
    """gunicorn on a free loopback port, stopped by its own pid."""

    def __init__(self, size: str, *, workers: int = 2, extra_env: dict | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = production_env(size) | (extra_env or {})
        self.log = open(WORK / f"gunicorn-{size}-{self.port}.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "fengtai_assess.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--timeout",
                "300",
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/accounts/login/", timeout=5).read()
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not start, see {self.log.name}")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in children.read_text().split()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Session:
    """A logged-in browser: cookie jar, no automatic redirects."""

    def __init__(self, base: str, username: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )
        page = self.get("/accounts/login/")[2].decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        form = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        ).encode()
        status, headers, _ = self.request("/accounts/login/", data=form)
        if status != 302 or "/accounts/login/" in headers.get("Location", ""):
            raise RuntimeError(f"login as {username} failed: HTTP {status}")

    def request(self, path: str, *, data: bytes | None = None, timeout: float = 300):
        request = urllib.request.Request(self.base + path, data=data)
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def get(self, path: str):
        return self.request(path)

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")


def check(session: Session, page: Page) -> Measured:
    """The URL must be the real page: 200, the page's own marker, not the login form.

    Queries: the fewer of two requests in a row, since the session records the user's last
    activity once a minute (accounts/sessions_policy.py) and one of them may carry that write.
    """
    counts = []
    for _ in range(2):
        status, headers, body = session.get(page.path)
        if headers.get(QUERY_HEADER):
            counts.append(int(headers[QUERY_HEADER]))
    text = body.decode("utf-8", "replace")
    measured = Measured(page, status, min(counts) if counts else None, len(body))
    if status != 200:
        measured.errors.append(f"HTTP {status} {headers.get('Location', '')}")
    elif page.marker not in text and page.marker.encode() not in body:
        measured.errors.append(f"marker {page.marker!r} missing")
    elif 'name="password"' in text and "csrfmiddlewaretoken" in text and page.key != "ping":
        measured.errors.append("got the login page")
    return measured


UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * UNITS[unit]


def wrk(session: Session, page: Page, *, duration: int, connections: int, threads: int) -> dict:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "60s",
        "-H",
        f"Cookie: {session.cookie_header()}",
        session.base + page.path,
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])}
    result["requests"] = int(re.search(r"(\d+) requests in", out)[1])
    for pct in ("50", "99"):
        found = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        result[f"p{pct}"] = _seconds(found[1]) if found else float("nan")
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    result["non2xx"] = int(non[1]) if non else 0
    timeouts = re.search(r"timeout (\d+)", out)
    result["timeouts"] = int(timeouts[1]) if timeouts else 0
    return result


def wait_idle(session: Session, *, limit: float = 600) -> None:
    """After wrk stops, gunicorn still works off the requests queued on its socket."""
    deadline = time.monotonic() + limit
    quick = 0
    while time.monotonic() < deadline and quick < 3:
        started = time.perf_counter()
        session.get("/bench/ping/")
        quick = quick + 1 if time.perf_counter() - started < 0.1 else 0


def discover(size: str) -> dict:
    """The ids the pages need, read straight from the bench database."""
    import psycopg2

    conn = psycopg2.connect(database_url(DATABASES[size]))
    with conn.cursor() as cur:
        cur.execute("SELECT id, name FROM scoring_cycle WHERE status = 'open' ORDER BY year DESC")
        cycle, cycle_name = cur.fetchone()
        cur.execute(
            "SELECT id FROM scoring_cycle WHERE status IN ('published', 'archived')"
            " ORDER BY year DESC LIMIT 1"
        )
        past = cur.fetchone()
        cur.execute(
            "SELECT s.id, i.number FROM scoring_slot s JOIN units_unit u ON u.id = s.unit_id"
            " JOIN indicators_indicator i ON i.id = s.indicator_id"
            " WHERE s.cycle_id = %s AND u.code = 'rsj' AND s.current_version > 0"
            " AND s.status = 'returned' ORDER BY i.number LIMIT 1",
            [cycle],
        )
        mine = cur.fetchone()
        cur.execute(
            "SELECT s.id FROM scoring_slot s JOIN indicators_indicator i ON i.id = s.indicator_id"
            " JOIN units_unit u ON u.id = s.unit_id"
            " WHERE s.cycle_id = %s AND s.status = 'submitted' AND i.member_scope = 'all_members'"
            " AND u.code NOT LIKE 'bench%%' ORDER BY i.number, u.display_order LIMIT 1",
            [cycle],
        )
        review = cur.fetchone()
        cur.execute("SELECT id FROM indicators_level1 ORDER BY number LIMIT 1")
        level1 = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM units_unit WHERE is_active")
        units = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM scoring_slot")
        slots = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM scoring_slot WHERE cycle_id = %s", [cycle])
        cycle_slots = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM scoring_cycle")
        cycles = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM scoring_evidencefile")
        files = cur.fetchone()[0]
    conn.close()
    return {
        "cycle": cycle,
        "cycle_name": cycle_name,
        "past": past[0] if past else cycle,
        "mine": mine[0],
        "mine_number": mine[1],
        "review": review[0],
        "level1": level1,
        "units": units,
        "slots": slots,
        "cycle_slots": cycle_slots,
        "cycles": cycles,
        "files": files,
    }


def pages(ids: dict) -> list[Page]:
    return [
        Page("ping", "trivial view (/bench/ping/)", "rsj", "/bench/ping/", "bench-ping-ok"),
        Page("tasks", "我的任务", "rsj", "/tasks/", "<title>我的任务"),
        Page("submission", "submission page", "rsj", f"/tasks/{ids['mine']}/", "<h1>"),
        Page("queue", "review queue", "office", "/review/", "<title>审核评分"),
        Page(
            "queue_filtered",
            "review queue filtered",
            "office",
            f"/review/?cycle={ids['cycle']}&status=all&level1={ids['level1']}",
            "<title>审核评分",
        ),
        Page("review", "review page", "office", f"/review/{ids['review']}/", "<title>审核"),
        Page("dashboard", "leadership dashboard", "leader", "/reports/", "<title>领导看板"),
        Page(
            "results",
            "cycle results (open cycle)",
            "office",
            f"/cycles/{ids['cycle']}/results/",
            "年度考核结果",
        ),
        Page("catalogue", "catalogue", "rsj", "/catalogue/", "<title>指标目录"),
    ]


def measure_pages(size: str, ids: dict, args) -> tuple[list[Measured], dict]:
    server = Server(size)
    log(f"{size}: gunicorn pid {server.process.pid} on {server.base}")
    try:
        sessions = {u: Session(server.base, u) for u in ("rsj", "office", "leader")}
        results = []
        for page in pages(ids):
            session = sessions[page.user]
            measured = check(session, page)
            if not measured.errors:
                wrk(session, page, duration=args.warmup, connections=4, threads=2)
                wait_idle(session)
                figures = wrk(
                    session,
                    page,
                    duration=args.duration,
                    connections=args.connections,
                    threads=args.threads,
                )
                for name, value in figures.items():
                    setattr(measured, name, value)
                wait_idle(session)
                after = check(session, page)  # still logged in, still the real page
                measured.errors += after.errors
                if measured.non2xx:
                    measured.errors.append(f"{measured.non2xx} non-2xx responses under load")
            log(
                f"{size} {page.key}: {measured.rps:.1f} req/s p50 {measured.p50:.3f}s"
                f" p99 {measured.p99:.3f}s, {measured.queries} queries {measured.errors or ''}"
            )
            results.append(measured)
        workbook = measure_download(sessions["leader"], ids)
    finally:
        server.stop()
    return results, workbook


def measure_download(session: Session, ids: dict, *, times: int = 3) -> dict:
    path = f"/reports/summary/{ids['cycle']}.xlsx"
    seconds, queries, size = [], [], 0
    for _ in range(times):
        started = time.perf_counter()
        status, headers, body = session.get(path)
        seconds.append(time.perf_counter() - started)
        if status != 200 or not body.startswith(b"PK"):
            return {"error": f"HTTP {status}, not a workbook"}
        queries.append(int(headers.get(QUERY_HEADER, -1)))
        size = len(body)
    seconds.sort()
    return {"seconds": seconds[len(seconds) // 2], "queries": min(queries), "bytes": size}


def measure_export(size: str) -> dict:
    out = subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "inprocess.py"), "export"],
        env=production_env(size),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _status_kb(pid: int, key: str) -> int:
    text = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{key}:\s+(\d+) kB", text, re.M)[1])


def measure_upload(size: str, ids: dict, *, megabytes: int = 200) -> dict:
    """One worker, so its pid is the one that parses the upload; growth = VmHWM after − VmRSS before."""
    from bench_files import padded_pdf  # noqa: PLC0415  (benchmarks/bench_files.py)

    body_path = WORK / "upload-body.bin"
    boundary = "----fengtaibench" + secrets.token_hex(8)
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        "{csrf}\r\n"
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n基准上传\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    server = Server(
        size,
        workers=1,
        extra_env={
            "EVIDENCE_MAX_FILE_MB": str(megabytes + 10),
            "EVIDENCE_MAX_SUBMISSION_MB": "4000",
        },
    )
    try:
        session = Session(server.base, "rsj")
        slot = ids["upload_slot"]
        session.get(f"/tasks/{slot}/")  # warm: imports, templates
        (worker,) = server.workers()
        before = _status_kb(worker, "VmRSS")
        with body_path.open("wb") as fh:
            fh.write(head.replace("{csrf}", session.csrf()).encode())
            padded_pdf(fh, megabytes * MB)
            fh.write(tail)
        length = body_path.stat().st_size
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        conn.putrequest("POST", f"/tasks/{slot}/files/")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(length))
        conn.putheader("Cookie", session.cookie_header())
        conn.putheader("Referer", f"{server.base}/tasks/{slot}/")
        conn.putheader("Accept", "application/json")
        conn.endheaders()
        started = time.perf_counter()
        with body_path.open("rb") as fh:
            while piece := fh.read(MB):
                conn.send(piece)
        response = conn.getresponse()
        answer = response.read().decode("utf-8", "replace")
        seconds = time.perf_counter() - started
        hwm = _status_kb(worker, "VmHWM")
        after = _status_kb(worker, "VmRSS")
        conn.close()
    finally:
        server.stop()
        body_path.unlink(missing_ok=True)
    accepted = response.status == 200 and '"errors": []' in answer.replace(
        '"errors":[]', '"errors": []'
    )
    return {
        "megabytes": megabytes,
        "status": response.status,
        "accepted": accepted,
        "answer": answer[:200],
        "rss_before_mb": before / 1024,
        "hwm_mb": hwm / 1024,
        "rss_after_mb": after / 1024,
        "growth_mb": (hwm - before) / 1024,
        "seconds": seconds,
    }


def upload_slot(size: str) -> int:
    import psycopg2

    conn = psycopg2.connect(database_url(DATABASES[size]))
    with conn.cursor() as cur:
        cur.execute(
            "SELECT s.id FROM scoring_slot s JOIN units_unit u ON u.id = s.unit_id"
            " JOIN scoring_cycle c ON c.id = s.cycle_id WHERE c.status = 'open' AND u.code = 'rsj'"
            " AND s.status = 'not_started' ORDER BY s.id LIMIT 1"
        )
        (slot,) = cur.fetchone()
    conn.close()
    return slot


# Row counts that explain the database size: what a slot brings with it.
DATABASE_ROWS = {
    "versions": "scoring_submissionversion",
    "evidence_rows": "scoring_evidencefile",
    "submission_events": "scoring_submissionevent",
    "security_events": "audit_securityevent",
    "slot_permissions": "scoring_slotgroupobjectpermission",
}


def measure_database(size: str, *, tables: int = 8) -> dict:
    """The built database's size per 10,000 slots (read-only queries).

    pg_database_size (tables, indexes, TOAST, the system catalogues) and the `tables` largest
    tables' pg_total_relation_size, each divided by the number of slots. Evidence bytes are not
    in the database (files or a bucket) and are not counted here.
    """
    import psycopg2

    conn = psycopg2.connect(database_url(DATABASES[size]))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT pg_database_size(current_database())")
            (total,) = cur.fetchone()
            cur.execute("SELECT count(*) FROM scoring_slot")
            (slots,) = cur.fetchone()
            cur.execute(
                "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid),"
                " c.reltuples::bigint FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC LIMIT %s",
                [tables],
            )
            largest = [
                {"table": name, "bytes": int(full), "heap_bytes": int(heap), "rows": int(rows)}
                for name, full, heap, rows in cur.fetchall()
            ]
            rows = {}
            for key, table in DATABASE_ROWS.items():
                cur.execute(f"SELECT count(*) FROM {table}")  # noqa: S608  (names above)
                rows[key] = cur.fetchone()[0]
    finally:
        conn.close()
    per = 10000 / slots if slots else 0.0
    return {
        "database": DATABASES[size],
        "bytes": int(total),
        "slots": int(slots),
        "per_10k_slots_bytes": total * per,
        "tables": [{**t, "per_10k_slots_bytes": t["bytes"] * per} for t in largest],
        "rows": rows,
        "measured_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    }


def measure_zip(*, files: int, size_mb: float) -> dict:
    env = production_env("small") | {
        "DJANGO_SETTINGS_MODULE": "fengtai_assess.settings_test",
        "DJANGO_PRIVATE_MEDIA_ROOT": str(WORK / "zip-private"),
    }
    shutil.rmtree(WORK / "zip-private", ignore_errors=True)
    out = subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "maxrss_kb=%M",
            PYTHON,
            str(ROOT / "benchmarks" / "bench_evidence_zip.py"),
            "--counts",
            "16",
            str(files),
            "--size-mb",
            str(size_mb),
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    shutil.rmtree(WORK / "zip-private", ignore_errors=True)
    rows = [line.split() for line in out.stdout.splitlines() if re.match(r"\s*\d+ ", line)]
    maxrss = int(re.search(r"maxrss_kb=(\d+)", out.stderr)[1])
    return {
        "rows": [
            {
                "files": int(r[0]),
                "input_mb": float(r[1]),
                "zip_mb": float(r[2]),
                "peak_mib": float(r[5]),
                "seconds": float(r[7]),
            }
            for r in rows
        ],
        "process_maxrss_mb": maxrss / 1024,
    }


def profile(size: str, user: str, paths: list[str]) -> str:
    return subprocess.run(
        [PYTHON, str(ROOT / "benchmarks" / "inprocess.py"), "profile", "--user", user, *paths],
        env=production_env(size),
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def machine() -> dict:
    import psycopg2

    conn = psycopg2.connect(SERVER)
    with conn.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    conn.close()
    mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1]) // 1024
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[
        0
    ]
    cpu = re.search(r"model name\s+:\s+(.*)", Path("/proc/cpuinfo").read_text())
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu[1] if cpu else platform.processor(),
        "memory_mb": mem,
        "postgresql": pg,
        "python": platform.python_version(),
        "wrk": wrk_version.strip(),
        "load": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["small", "city"], choices=sorted(DATABASES))
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--zip-files", type=int, default=1024, help="files of --zip-mb each")
    parser.add_argument("--zip-mb", type=float, default=2.0)
    parser.add_argument("--upload-mb", type=int, default=200)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite --out from the last run's JSON"
    )
    parser.add_argument(
        "--database-only",
        action="store_true",
        help="only measure the built databases' size per 10,000 slots (read-only) and print it",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    if args.database_only:
        from report import database_section  # noqa: PLC0415

        for size in args.sizes:
            measured = measure_database(size)
            print("\n".join(database_section(size, measured)))
        return
    if args.render_only:
        from report import write_markdown  # noqa: PLC0415

        report = _load(WORK / "last-report.json")
        Path(args.out).write_text(write_markdown(report), encoding="utf-8")
        return
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk (make bench does it when root)")
    WORK.mkdir(parents=True, exist_ok=True)
    report: dict = {"machine": machine(), "args": vars(args), "sizes": {}}
    # Static files once, collected the way production does (manifest + compression).
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        env=production_env(args.sizes[0]) | {"DATABASE_URL": "sqlite:///:memory:"},
        cwd=ROOT,
        check=True,
    )
    for size in args.sizes:
        entry: dict = {}
        if not args.skip_build:
            log(f"building {size}")
            entry["build"] = build(size)
        ids = discover(size)
        ids["upload_slot"] = upload_slot(size)
        entry["ids"] = ids
        log(f"{size}: database size per 10,000 slots")
        entry["database"] = measure_database(size)
        entry["pages"], entry["download"] = measure_pages(size, ids, args)
        log(f"{size}: export_summary vs raw openpyxl")
        entry["export"] = measure_export(size)
        if size == "city" or len(args.sizes) == 1:
            log(f"{size}: {args.upload_mb} MB upload")
            entry["upload"] = measure_upload(size, ids, megabytes=args.upload_mb)
        report["sizes"][size] = entry
    log(f"evidence ZIP: {args.zip_files} × {args.zip_mb} MB")
    report["zip"] = measure_zip(files=args.zip_files, size_mb=args.zip_mb)
    big = "city" if "city" in report["sizes"] else args.sizes[-1]
    if not args.no_profile:
        report["profiles"] = profiles_for_misses(big, report["sizes"][big])
    from report import write_markdown  # noqa: PLC0415  (benchmarks/report.py)

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(write_markdown(report), encoding="utf-8")
    (WORK / "last-report.json").write_text(
        json.dumps(report, default=_json, ensure_ascii=False, indent=1)
    )
    log(f"wrote {args.out}")
    if not args.keep:
        import city  # noqa: PLC0415

        for size in args.sizes:
            city.drop_database(SERVER, DATABASES[size])
            shutil.rmtree(WORK / size / "private", ignore_errors=True)


def _json(value):
    if isinstance(value, Measured | Page):
        return value.__dict__
    raise TypeError(type(value))


def _load(path: Path) -> dict:
    """The saved report with its pages as Measured objects again."""
    report = json.loads(path.read_text())
    for entry in report["sizes"].values():
        entry["pages"] = [Measured(**{**m, "page": Page(**m["page"])}) for m in entry["pages"]]
    return report


def profiles_for_misses(size: str, entry: dict) -> dict[str, str]:
    """pyinstrument, in-process, for each page that misses a target."""
    ping = next(m for m in entry["pages"] if m.page.key == "ping")
    out = {}
    for m in entry["pages"]:
        if m.page.key == "ping":
            continue
        ratio = m.rps / ping.rps if ping.rps else 0
        if ratio < RATIO_TARGET or m.p99 > P99_TARGET:
            log(f"profiling {m.page.key}")
            out[m.page.key] = profile(size, m.page.user, [m.page.path])
    return out


if __name__ == "__main__":
    main()
