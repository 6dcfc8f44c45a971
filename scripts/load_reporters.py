#!/usr/bin/env python
"""N reporters at once against gunicorn and PostgreSQL, then a check that nothing was lost.

    .venv/bin/python scripts/load_reporters.py --reporters 10     # what CI runs (.ci/run)
    .venv/bin/python scripts/load_reporters.py --reporters 50

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


@dataclass
class Reporter:
    username: str
    unit_name: str
    slot_pk: int
    sent: dict[str, str] = field(default_factory=dict)  # file name -> SHA-256 sent
    statuses: list[int] = field(default_factory=list)
    timings: list[float] = field(default_factory=list)
    error: str = ""


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


def reporters_prepare(count: int) -> list[Reporter]:
    """N member units, each with a reporter and a slot without required figures in one cycle."""
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
                name=f"压测单位{i:03d}", code=f"load{i:03d}", is_member=True, display_order=900 + i
            )
            user = get_user_model()(username=f"load{i:03d}", first_name=f"{unit.name}填报人")
            validate_password(PASSWORD, user)
            user.password = password_hash
            user.save()
            password_mark_current(user=user)
            user_set_roles(user=user, roles={Role.REPORTER})
            user_assign_unit(user=user, unit=unit)
            users.append((user, unit))
    now = timezone.now()
    cycle = cycle_create(
        name="压测年度",
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


def reporter_run(base_url: str, reporter: Reporter, start: threading.Barrier) -> None:
    from scoring.demo.files import pdf_bytes
    from tests.servers import WebClient, hidden_fields

    browser = WebClient(base_url)

    def timed(call, *args):
        began = time.perf_counter()
        response = call(*args)
        reporter.timings.append(time.perf_counter() - began)
        return response

    page_url = f"/tasks/{reporter.slot_pk}/"
    try:
        start.wait()
        response = timed(browser.login, reporter.username, PASSWORD)
        if urllib.parse.urlparse(response.url).path == "/accounts/login/":
            raise RuntimeError(f"login failed ({response.status})")
        page = timed(browser.get, page_url)
        for n in range(1, FILES_PER_REPORTER + 1):
            name = f"佐证材料{n}.pdf"
            content = pdf_bytes(f"{reporter.unit_name} 佐证材料{n} {uuid.uuid4().hex}")
            reporter.sent[name] = hashlib.sha256(content).hexdigest()
            page = timed(
                browser.post_multipart,
                f"/tasks/{reporter.slot_pk}/files/",
                {"revision": hidden_fields(page.text)["revision"], "title": ""},
                [(name, content)],
            )
        fields = hidden_fields(page.text)
        timed(
            browser.post_form,
            page_url,
            {
                "action": "submit",
                "text": f"{reporter.unit_name}本年度工作情况说明（压测）。",
                "self_score": "",
                "revision": fields["revision"],
                "token": fields.get("token", ""),
            },
        )
    except Exception as exc:  # reported as a loss, never swallowed
        reporter.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    finally:
        reporter.statuses = browser.statuses


# --- the check -----------------------------------------------------------------------------------


def reporter_losses(reporter: Reporter) -> list[str]:
    """Everything that is not as the reporter left it, in the database or on disk."""
    from scoring.models import EventAction, EvidenceFile, Slot, SlotStatus
    from scoring.models.evidence import evidence_storage

    problems = []
    if reporter.error:
        problems.append(f"session failed: {reporter.error}")
    server_errors = [s for s in reporter.statuses if s >= 500]
    if server_errors:
        problems.append(f"{len(server_errors)} server error(s): {server_errors}")
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


def orphans() -> list[str]:
    """Stored files no row names, and rows whose file is missing (the sweep's two findings)."""
    from scoring.models import EvidenceFile
    from scoring.models.evidence import evidence_storage

    storage = evidence_storage()
    root = Path(storage.location)
    named = set(EvidenceFile.objects.values_list("file", flat=True))
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    return [f"file without row: {n}" for n in sorted(on_disk - named)] + [
        f"row without file: {n}" for n in sorted(named - on_disk)
    ]


# --- main ----------------------------------------------------------------------------------------


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
    args = parser.parse_args(argv)

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
        from django.db import connections

        from tests.servers import gunicorn_server

        began = time.perf_counter()
        reporters = reporters_prepare(args.reporters)
        connections.close_all()
        prepared = time.perf_counter() - began
        with gunicorn_server(
            database_url=database_url, private_root=Path(private.name), workers=workers
        ) as server:
            start = threading.Barrier(len(reporters))
            began = time.perf_counter()
            with ThreadPoolExecutor(max_workers=len(reporters)) as pool:
                for reporter in reporters:
                    pool.submit(reporter_run, server.url, reporter, start)
            elapsed = time.perf_counter() - began
            server_log = server.log_text()
        losses = {r.username: reporter_losses(r) for r in reporters}
        stray = orphans()
        connections.close_all()

        statuses = Counter(s for r in reporters for s in r.statuses)
        timings = sorted(t for r in reporters for t in r.timings)
        lost = {name: found for name, found in losses.items() if found}
        print(
            f"压测：{len(reporters)} 个填报人并发，gunicorn {workers} 个进程，PostgreSQL 库 {db_name}"
        )
        print(
            f"  准备 {prepared:.1f} 秒；运行 {elapsed:.1f} 秒；步骤 {len(timings)} 个，HTTP 请求 {sum(statuses.values())} 个"
        )
        print("  响应状态：" + "，".join(f"{s}×{n}" for s, n in sorted(statuses.items())))
        if timings:
            p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
            print(
                f"  每步（登录、打开、上传、提交）耗时：中位 {statistics.median(timings):.2f} 秒，95% {p95:.2f} 秒"
            )
        print(
            f"  提交 {len(reporters) - len(lost)}/{len(reporters)} 完整；"
            f"材料 {sum(len(r.sent) for r in reporters)} 份已核对 SHA-256；孤立文件/记录 {len(stray)}"
        )
        for name, found in lost.items():
            for problem in found:
                print(f"  丢失 {name}：{problem}")
        for problem in stray:
            print(f"  孤立：{problem}")
        if lost or stray:
            if "Traceback" in server_log:
                print("gunicorn 日志：\n" + server_log[-4000:])
            print("结果：有数据丢失或服务器错误。")
            code = 1
        else:
            print("结果：无丢失，无 5xx。")
            code = 0
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
