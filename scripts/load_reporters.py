#!/usr/bin/env python
"""N reporters at once against gunicorn and PostgreSQL, then a check that nothing was lost.

    .venv/bin/python scripts/load_reporters.py --reporters 10     # what CI runs (.ci/run)
    .venv/bin/python scripts/load_reporters.py --reporters 50
    .venv/bin/python scripts/load_reporters.py --base-url http://127.0.0.1:9080 \
        --database-url postgres://postgres@127.0.0.1:5432/fengtai_drill   # an existing server

With --base-url the script starts no server and creates no database: it drives the server at
that address (nginx in front of several app servers, say) and checks the database it uses,
which --database-url names (migrated if needed; it is not dropped). scripts/drill_multinode.py
uses the same functions in-process.

A correctness check under concurrency, not a benchmark: it reports timings but judges none.

1. Creates its own PostgreSQL database (dropped at the end; --keep-database keeps it), migrates
   it and loads the catalogue.
2. Prepares N member units, each with one reporter (a valid password, marked current) and an
   open cycle in which each unit has slots of its own, through the product's own services.
3. Starts gunicorn with the `make serve` configuration on a free loopback port.
4. Runs N threads, each a browser with its own cookie jar: log in, open the slot, upload three
   PDF files (one request each), submit.
5. Checks in the database and on disk: every slot submitted as version 1 holding exactly its
   three files, every file's stored bytes with the SHA-256 the reporter sent, every audit row
   (three 上传材料 and one 提交 per reporter, by that reporter), and no 5xx response.
   Prints a summary; exits 1 on any loss, 2 if the run itself could not be set up.
"""

import argparse
import hashlib
import os
import secrets
import statistics
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSWORD = "Load#Check2026"  # noqa: S105  (throwaway accounts in a throwaway database)
FILES_PER_REPORTER = 3
# A step that got no answer or a 5xx is sent again (after checking it was not done after all):
# a reporter whose request was in flight on a server that died retries, as a person would.
ATTEMPTS = 4
RETRY_PAUSE = 1.0


@dataclass
class Reporter:
    username: str
    unit_name: str
    slot_pk: int
    sent: dict[str, str] = field(default_factory=dict)  # file name -> SHA-256 sent
    statuses: list[int] = field(default_factory=list)
    timings: list[float] = field(default_factory=list)
    error: str = ""
    records: list = field(default_factory=list)  # tests.servers.RequestRecord, every request
    retries: list[str] = field(default_factory=list)  # why a step was sent again


# --- the database --------------------------------------------------------------------------------


def _admin_connection(admin_url: str):
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    return conn


def _admin_execute(admin_url: str, sql: str) -> None:
    # Not `with conn:`: psycopg2 would wrap it in a transaction, and CREATE DATABASE refuses one.
    conn = _admin_connection(admin_url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def database_create(admin_url: str, name: str) -> None:
    _admin_execute(admin_url, f'CREATE DATABASE "{name}"')


def database_drop(admin_url: str, name: str) -> None:
    _admin_execute(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def django_setup(database_url: str, private_root: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="fengtai_assess.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_PRIVATE_MEDIA_ROOT=str(private_root),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
    )
    import django

    django.setup()


# --- preparing the reporters ---------------------------------------------------------------------


def reporters_prepare(count: int, *, tag: str = "load") -> list[Reporter]:
    """N member units, each with a reporter and a slot without required figures in one cycle.

    `tag` starts the units' codes and the usernames, so a second run in one database differs.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.password_validation import validate_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from accounts.services import password_mark_current
    from scoring.cycles.services import cycle_create, cycle_open
    from scoring.models import FigureField, Slot
    from units.models import Unit
    from units.roles import Role
    from units.services import user_assign_unit, user_set_roles

    call_command("migrate", "--noinput", verbosity=0)
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    password_hash = make_password(PASSWORD)  # hashing is slow by design: once for all
    users = []
    with transaction.atomic():
        for i in range(1, count + 1):
            unit = Unit.objects.create(
                name=f"压测单位{tag}{i:03d}",
                code=f"{tag}{i:03d}",
                is_member=True,
                display_order=900 + i,
            )
            user = get_user_model()(username=f"{tag}{i:03d}", first_name=f"{unit.name}填报人")
            validate_password(PASSWORD, user)
            user.password = password_hash
            user.save()
            password_mark_current(user=user)
            user_set_roles(user=user, roles={Role.REPORTER})
            user_assign_unit(user=user, unit=unit)
            users.append((user, unit))
    now = timezone.now()
    cycle = cycle_create(
        name=f"压测年度{'' if tag == 'load' else tag}",
        year=now.year,
        opens_at=now - timedelta(days=1),
        deadline=now + timedelta(days=30),
    )
    cycle_open(cycle=cycle)
    with_required = set(
        FigureField.objects.filter(cycle=cycle, required=True).values_list(
            "indicator_id", flat=True
        )
    )
    reporters = []
    for user, unit in users:
        slot = (
            Slot.objects.filter(cycle=cycle, unit=unit)
            .exclude(indicator_id__in=with_required)
            .order_by("indicator__number")
            .first()
        )
        if slot is None:
            raise RuntimeError(f"{unit.name} has no slot without required figures")
        reporters.append(Reporter(username=user.username, unit_name=unit.name, slot_pk=slot.pk))
    return reporters


# --- one reporter's session ----------------------------------------------------------------------


def _attempt(reporter: Reporter, what: str, send, done_already=None):
    """send() until it is answered below 500; before each retry, done_already() may return the
    page showing that the step took effect after all (its answer was what got lost)."""
    import http.client

    for attempt in range(1, ATTEMPTS + 1):
        try:
            response = send()
            if response.status < 500:
                return response
            problem = f"HTTP {response.status}"
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{type(exc).__name__}: {exc}"
        reporter.retries.append(f"{what}: {problem}")
        if attempt == ATTEMPTS:
            raise RuntimeError(f"{what} failed {ATTEMPTS} times, last: {problem}")
        time.sleep(RETRY_PAUSE)
        if done_already is not None:
            try:
                page = done_already()
            except (OSError, http.client.HTTPException):
                page = None
            if page is not None:
                return page
    raise AssertionError("unreachable")


def reporter_run(base_url: str, reporter: Reporter, start: threading.Barrier) -> None:
    from scoring.demo.files import pdf_bytes
    from tests.servers import WebClient, hidden_fields

    browser = WebClient(base_url)
    reporter.records = browser.records

    def timed(call, *args):
        began = time.perf_counter()
        response = call(*args)
        reporter.timings.append(time.perf_counter() - began)
        return response

    page_url = f"/tasks/{reporter.slot_pk}/"

    def page_if(predicate):
        def check():
            page = browser.get(page_url)
            return page if page.status == 200 and predicate(page.text) else None

        return check

    try:
        start.wait()
        response = _attempt(
            reporter, "login", lambda: timed(browser.login, reporter.username, PASSWORD)
        )
        if urllib.parse.urlparse(response.url).path == "/accounts/login/":
            raise RuntimeError(f"login failed ({response.status})")
        page = _attempt(reporter, "open", lambda: timed(browser.get, page_url))
        for n in range(1, FILES_PER_REPORTER + 1):
            name = f"佐证材料{n}.pdf"
            content = pdf_bytes(f"{reporter.unit_name} 佐证材料{n} {uuid.uuid4().hex}")
            reporter.sent[name] = hashlib.sha256(content).hexdigest()
            listed = f'<td class="filename">{name}</td>'

            def send(page_text: str, name=name, content=content):
                return timed(
                    browser.post_multipart,
                    f"/tasks/{reporter.slot_pk}/files/",
                    {"revision": hidden_fields(page_text)["revision"], "title": ""},
                    [(name, content)],
                )

            # A retry re-reads the page (a fresh revision) unless the file is already listed.
            latest = {"text": page.text}

            def upload(send=send, latest=latest):
                return send(latest["text"])

            def uploaded(listed=listed, latest=latest):
                page = browser.get(page_url)
                if page.status == 200 and listed in page.text:
                    return page
                if page.status == 200:
                    latest["text"] = page.text
                return None

            page = _attempt(reporter, f"upload {name}", upload, uploaded)
        fields = hidden_fields(page.text)
        _attempt(
            reporter,
            "submit",
            lambda: timed(
                browser.post_form,
                page_url,
                {
                    "action": "submit",
                    "text": f"{reporter.unit_name}本年度工作情况说明（压测）。",
                    "self_score": "",
                    "revision": fields["revision"],
                    "token": fields.get("token", ""),
                },
            ),
            page_if(lambda text: "st-submitted" in text),
        )
    except Exception as exc:  # reported as a loss, never swallowed
        reporter.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    finally:
        reporter.statuses = browser.statuses


def reporters_drive(base_url: str, reporters: list[Reporter]) -> float:
    """Every reporter's session at once against base_url; returns the seconds it took."""
    from django.db import connections

    connections.close_all()  # the threads must not share the preparing connection
    start = threading.Barrier(len(reporters))
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(reporters)) as pool:
        for reporter in reporters:
            pool.submit(reporter_run, base_url, reporter, start)
    return time.perf_counter() - began


# --- the check -----------------------------------------------------------------------------------


def reporter_losses(reporter: Reporter, *, excused=None) -> list[str]:
    """Everything that is not as the reporter left it, in the database or on disk.

    excused(record) -> bool, when given, pardons a failed request (one that was in flight on a
    server killed on purpose); any other failed request is a loss. Without it every 5xx is.
    """
    from scoring.models import EventAction, EvidenceFile, Slot, SlotStatus
    from scoring.models.evidence import evidence_storage

    problems = []
    if reporter.error:
        problems.append(f"session failed: {reporter.error}")
    if excused is None:
        server_errors = [s for s in reporter.statuses if s >= 500]
        if server_errors:
            problems.append(f"{len(server_errors)} server error(s): {server_errors}")
    else:
        unexcused = [r for r in reporter.records if r.failed and not excused(r)]
        for r in unexcused:
            problems.append(
                f"{r.method} {r.url} failed outside the kill window: {r.status or r.error}"
            )
    slot = Slot.objects.get(pk=reporter.slot_pk)
    if slot.status != SlotStatus.SUBMITTED:
        problems.append(f"slot status {slot.status}, expected {SlotStatus.SUBMITTED}")
    version = slot.versions.order_by("number").last()
    if version is None or version.number != 1:
        problems.append("no version 1")
    files = {f.original_name: f for f in EvidenceFile.objects.filter(slot=slot)}
    if set(files) != set(reporter.sent):
        problems.append(f"files in database {sorted(files)}, sent {sorted(reporter.sent)}")
    if version is not None:
        in_version = sorted(version.files.values_list("original_name", flat=True))
        if in_version != sorted(reporter.sent):
            problems.append(f"version 1 holds {in_version}")
    storage = evidence_storage()
    for name, sha256 in reporter.sent.items():
        evidence = files.get(name)
        if evidence is None:
            continue
        if evidence.sha256 != sha256:
            problems.append(f"{name}: SHA-256 in database differs from the bytes sent")
        try:
            with storage.open(evidence.file.name, "rb") as fh:
                on_disk = hashlib.sha256(fh.read()).hexdigest()
        except FileNotFoundError:
            problems.append(f"{name}: file missing on disk")
            continue
        if on_disk != sha256:
            problems.append(f"{name}: bytes on disk differ from the bytes sent")
    events = Counter(
        slot.events.filter(actor__username=reporter.username).values_list("action", flat=True)
    )
    expected = {EventAction.FILE_ADDED: FILES_PER_REPORTER, EventAction.SUBMITTED: 1}
    for action, count in expected.items():
        if events.get(action, 0) != count:
            problems.append(f"audit: {events.get(action, 0)} × {action}, expected {count}")
    return problems


def _stored_names(storage, folder: str = ""):
    """Every file name in the storage (a local folder or a bucket), through the storage API."""
    folders, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from _stored_names(storage, f"{folder}/{sub}" if folder else sub)


def orphans() -> list[str]:
    """Stored files no row names, and rows whose file is missing (the sweep's two findings)."""
    from scoring.models import EvidenceFile
    from scoring.models.evidence import evidence_storage

    storage = evidence_storage()
    named = set(EvidenceFile.objects.values_list("file", flat=True))
    on_disk = set(_stored_names(storage))
    return [f"file without row: {n}" for n in sorted(on_disk - named)] + [
        f"row without file: {n}" for n in sorted(named - on_disk)
    ]


# --- main ----------------------------------------------------------------------------------------


def report(reporters: list[Reporter], *, title: str, prepared: float, elapsed: float,
           excused=None, server_log: str = "", leftovers_ok: bool = False) -> int:  # fmt: skip
    """Check every reporter and print the figures; 0 when nothing was lost, else 1.

    leftovers_ok: a stored file no row names is a leftover of an upload killed mid-way (what
    evidence_sweep removes), not a loss; a row whose file is missing always is one.
    """
    from django.db import connections

    losses = {r.username: reporter_losses(r, excused=excused) for r in reporters}
    stray = orphans()
    leftovers = [o for o in stray if leftovers_ok and o.startswith("file without row")]
    stray = [o for o in stray if o not in leftovers]
    connections.close_all()

    statuses = Counter(s for r in reporters for s in r.statuses)
    timings = sorted(t for r in reporters for t in r.timings)
    lost = {name: found for name, found in losses.items() if found}
    print(title)
    print(
        f"  准备 {prepared:.1f} 秒；运行 {elapsed:.1f} 秒；步骤 {len(timings)} 个，HTTP 请求 {sum(statuses.values())} 个"
    )
    print("  响应状态：" + "，".join(f"{s}×{n}" for s, n in sorted(statuses.items())))
    if timings:
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        print(
            f"  每步（登录、打开、上传、提交）耗时：中位 {statistics.median(timings):.2f} 秒，95% {p95:.2f} 秒"
        )
    retried = sum(len(r.retries) for r in reporters)
    if retried:
        print(f"  重试的步骤 {retried} 个")
    print(
        f"  提交 {len(reporters) - len(lost)}/{len(reporters)} 完整；"
        f"材料 {sum(len(r.sent) for r in reporters)} 份已核对 SHA-256；孤立文件/记录 {len(stray)}"
    )
    for name, found in lost.items():
        for problem in found:
            print(f"  丢失 {name}：{problem}")
    for problem in stray:
        print(f"  孤立：{problem}")
    if leftovers:
        print(f"  中断的上传留下无记录的文件 {len(leftovers)} 个（由 evidence_sweep 清理）")
    if lost or stray:
        if "Traceback" in server_log:
            print("gunicorn 日志：\n" + server_log[-4000:])
        print("结果：有数据丢失或服务器错误。")
        return 1
    print("结果：无丢失，无 5xx。" if excused is None else "结果：无丢失。")
    return 0


def existing_server_run(args) -> int:
    """--base-url: drive a running server, check the database it uses (--database-url)."""
    if not args.database_url:
        print("--base-url 需同时给出 --database-url（该服务器使用的数据库）", file=sys.stderr)
        return 2
    private_root = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", ROOT / "var" / "private"))
    try:
        django_setup(args.database_url, private_root)
        began = time.perf_counter()
        reporters = reporters_prepare(args.reporters, tag=f"l{secrets.token_hex(2)}")
        prepared = time.perf_counter() - began
        elapsed = reporters_drive(args.base_url, reporters)
        return report(
            reporters,
            title=f"压测：{len(reporters)} 个填报人并发，服务器 {args.base_url}",
            prepared=prepared,
            elapsed=elapsed,
        )
    except Exception:
        traceback.print_exc()
        return 2


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reporters", type=int, default=10, help="concurrent reporters (10)")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: 2 × cores + 1)"
    )
    parser.add_argument(
        "--admin-url",
        default=os.environ.get(
            "LOAD_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL URL allowed to create databases",
    )
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--base-url", help="drive this running server instead of starting one")
    parser.add_argument("--database-url", help="with --base-url: the database that server uses")
    args = parser.parse_args(argv)
    if args.base_url:
        return existing_server_run(args)

    admin = urllib.parse.urlparse(args.admin_url)
    db_name = f"fengtai_load_{os.getpid()}_{secrets.token_hex(3)}"
    database_url = admin._replace(path=f"/{db_name}").geturl()
    workers = args.workers or 2 * (os.cpu_count() or 1) + 1
    try:
        database_create(args.admin_url, db_name)
    except Exception as exc:
        print(f"无法创建压测数据库 {db_name}：{exc}", file=sys.stderr)
        return 2
    private = tempfile.TemporaryDirectory(prefix="fengtai-load-private-")
    code = 2
    try:
        django_setup(database_url, Path(private.name))
        from tests.servers import gunicorn_server

        began = time.perf_counter()
        reporters = reporters_prepare(args.reporters)
        prepared = time.perf_counter() - began
        with gunicorn_server(
            database_url=database_url, private_root=Path(private.name), workers=workers
        ) as server:
            elapsed = reporters_drive(server.url, reporters)
            server_log = server.log_text()
        code = report(
            reporters,
            title=f"压测：{len(reporters)} 个填报人并发，gunicorn {workers} 个进程，PostgreSQL 库 {db_name}",
            prepared=prepared,
            elapsed=elapsed,
            server_log=server_log,
        )
    except Exception:
        traceback.print_exc()
        code = 2
    finally:
        private.cleanup()
        if args.keep_database:
            print(f"保留数据库：{database_url}")
        else:
            database_drop(args.admin_url, db_name)
    return code


if __name__ == "__main__":
    sys.exit(main())
