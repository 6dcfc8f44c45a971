"""Real servers for fault and load checks: gunicorn with the production settings, on loopback.

Used by the fault tests and by scripts/load_reporters.py. `gunicorn_server()` collects the static
files, starts `gunicorn -c fengtai_assess/gunicorn.py` (DEBUG off, WhiteNoise, the same config as
`make serve`) on a free 127.0.0.1 port against the given DATABASE_URL, waits until it answers,
and stops it afterwards. `WebClient` is a browser-like client: its own cookie jar, the CSRF
token from the cookie, and the status of every response (a 503 is an answer, not an exception).
"""

import contextlib
import http.cookiejar
import os
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
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(*, database_url: str, var_dir: Path, private_root: Path, port: int) -> dict:
    """The environment of `make serve` on a plain-HTTP loopback address."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="fengtai_assess.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Loopback HTTP: no TLS to redirect to. Everything else stays as in production.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_VAR_DIR=str(var_dir),
        DJANGO_PRIVATE_MEDIA_ROOT=str(private_root),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        HOST="127.0.0.1",
        PORT=str(port),
        GUNICORN_ACCESS_LOG="",  # quiet; errors still go to the log file
    )
    return env


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextlib.contextmanager
def gunicorn_server(
    *, database_url: str, private_root: Path, workers: int = 2, extra_env: dict | None = None
) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="fengtai-serve-") as tmp:
        var_dir = Path(tmp)
        port = free_port()
        env = production_env(
            database_url=database_url, var_dir=var_dir, private_root=private_root, port=port
        )
        env["GUNICORN_WORKERS"] = str(workers)
        env.update(extra_env or {})
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=300,
        )
        log = var_dir / "gunicorn.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "fengtai_assess/gunicorn.py"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(url=f"http://127.0.0.1:{port}", process=process, log=log)
        try:
            _wait_until_up(server)
            yield server
        finally:
            _stop(process)


def _wait_until_up(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(server.url + "/accounts/login/", timeout=5) as resp:  # noqa: S310
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer in {timeout}s:\n{server.log_text()}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- a browser-like HTTP client ----------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    url: str
    body: bytes
    headers: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (first occurrence of each name)."""
    found: dict[str, str] = {}
    for name, value in HIDDEN.findall(html):
        found.setdefault(name, value)
    return found


@dataclass
class RequestRecord:
    """One request's outcome, on time.monotonic()'s clock: a status, or 0 and the error."""

    method: str
    url: str
    began: float
    ended: float
    status: int
    error: str = ""

    @property
    def failed(self) -> bool:
        return self.status == 0 or self.status >= 500


class WebClient:
    """One user's browser: a cookie jar, redirects followed by hand, statuses recorded."""

    def __init__(self, base_url: str, timeout: float = 120):
        self.base_url = base_url
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )
        self.statuses: list[int] = []
        self.records: list[RequestRecord] = []  # every request: when, and how it ended

    def csrf_token(self) -> str:
        return next((c.value for c in self.jar if c.name == "csrftoken"), "")

    def request(self, method: str, path: str, *, data: bytes | None = None, headers=None):
        """One request; redirects are followed (as GET) up to five times."""
        url = path if path.startswith("http") else self.base_url + path
        for _ in range(6):
            req = urllib.request.Request(url, data=data, method=method, headers=headers or {})  # noqa: S310
            if method == "POST":
                req.add_header("X-CSRFToken", self.csrf_token())
                req.add_header("Referer", self.base_url + "/")
            began = time.monotonic()
            try:
                with self.opener.open(req, timeout=self.timeout) as resp:
                    status, body, hdrs = resp.status, resp.read(), dict(resp.headers)
            except urllib.error.HTTPError as exc:
                status, body, hdrs = exc.code, exc.read(), dict(exc.headers)
            except Exception as exc:  # no answer at all (connection refused or broken)
                self.records.append(
                    RequestRecord(method, url, began, time.monotonic(), 0, repr(exc))
                )
                raise
            self.records.append(RequestRecord(method, url, began, time.monotonic(), status))
            self.statuses.append(status)
            if status in (301, 302, 303, 307, 308) and "Location" in hdrs:
                url = urllib.parse.urljoin(url, hdrs["Location"])
                method, data, headers = "GET", None, {}
                continue
            return Response(status=status, url=url, body=body, headers=hdrs)
        raise RuntimeError(f"too many redirects from {path}")

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict) -> Response:
        fields = {"csrfmiddlewaretoken": self.csrf_token(), **fields}
        data = urllib.parse.urlencode(fields, doseq=True).encode()
        return self.request(
            "POST", path, data=data, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_multipart(self, path: str, fields: dict, files: list[tuple[str, bytes]]) -> Response:
        body, content_type = multipart({"csrfmiddlewaretoken": self.csrf_token(), **fields}, files)
        return self.request("POST", path, data=body, headers={"Content-Type": content_type})

    def login(self, username: str, password: str) -> Response:
        self.get("/accounts/login/")
        return self.post_form(
            "/accounts/login/", {"username": username, "password": password, "next": "/"}
        )


def multipart(fields: dict, files: list[tuple[str, bytes]], name: str = "file"):
    boundary = f"----fengtai{uuid.uuid4().hex}"
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    for filename, content in files:
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- a PostgreSQL server of one's own ----------------------------------------------------------


def postgres_bin() -> Path | None:
    """Debian's PostgreSQL server binaries (initdb, pg_ctl), if installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    return found[-1].parent if found else None


@dataclass
class PrivateCluster:
    """A throwaway PostgreSQL server on a free loopback port, trust auth, user postgres.

    Stopping it (the point of a fault test) disturbs no one else's database.
    """

    bin: Path
    datadir: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        # initdb and the server refuse to run as root; the cluster belongs to user postgres.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, timeout=120, capture_output=True)

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.datadir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.datadir / "data"), "-o", options,
            "-l", str(self.datadir / "server.log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.datadir / "data"), "-m", "fast", "-w", "stop"
        )

    def is_running(self) -> bool:
        return (self.datadir / "data" / "postmaster.pid").exists()


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivateCluster]:
    pg = postgres_bin()
    if pg is None:
        raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql")
    datadir = Path(tempfile.mkdtemp(prefix="fengtai-pg-"))
    if os.geteuid() == 0:
        shutil.chown(datadir, "postgres", "postgres")
    cluster = PrivateCluster(bin=pg, datadir=datadir, port=free_port())
    try:
        cluster._run(
            str(pg / "initdb"), "-D", str(datadir / "data"), "-U", "postgres",
            "-A", "trust", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        cluster.start()
        yield cluster
    finally:
        if cluster.is_running():
            cluster.stop()
        shutil.rmtree(datadir, ignore_errors=True)


def manage(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run manage.py in the given environment (e.g. production_env against a private cluster)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )


# --- nginx from deploy/'s template in front of app servers --------------------------------------


def nginx_binary() -> str | None:
    """Debian's nginx (scripts/ensure-system-deps installs nginx-light), if installed."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if Path(found).exists() else None


def readable_dir(prefix: str) -> Path:
    """A fresh folder under /tmp that nginx's workers can enter and read.

    When the tests run as root nginx's workers run as nobody, who cannot enter pytest's
    tmp_path (mode 700 under /tmp/pytest-of-root); the caller removes the folder.
    """
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


def make_world_readable(root: Path) -> None:
    """Folders 755, files 644 under root (the evidence nginx sends in the X-Accel tests)."""
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@contextlib.contextmanager
def nginx_server(prefix: Path, *, apps: list[str], listen_host: str = "127.0.0.1", **site):
    """A real nginx from deploy/render.py's standalone configuration on a free loopback port.

    The master is unprivileged when we are not root; pid, logs and temporary files live under
    `prefix`. Yields the base URL once nginx answers (a 404 of its own for /static/none).
    """
    from deploy.render import nginx_standalone

    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("nginx is not installed (scripts/ensure-system-deps)")
    port = free_port()
    site.setdefault("static_root", prefix / "static")
    conf = nginx_standalone(prefix=prefix, apps=apps, listen=f"{listen_host}:{port}", **site)
    (prefix / "nginx.conf").write_text(conf)
    master = subprocess.Popen(
        [nginx, "-p", str(prefix), "-e", str(prefix / "error.log"),
         "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://{listen_host}:{port}"
    try:
        for _ in range(100):
            if master.poll() is not None:
                log = (prefix / "error.log").read_text(errors="replace")
                raise RuntimeError(f"nginx exited:\n{log[-2000:]}")
            try:
                urllib.request.urlopen(base + "/static/none", timeout=2)  # noqa: S310
            except urllib.error.HTTPError:
                break  # a 404 from nginx itself: it listens
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        master.terminate()
        master.wait(timeout=10)
