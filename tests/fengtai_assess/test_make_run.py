"""`make run` serves the product as the district's server does: DEBUG off, its own error pages.

These tests run scripts/run-env, the environment the Makefile's setup and run targets use, in
subprocesses against a fresh SQLite database under a temporary var/ directory, and talk to a
real gunicorn bound to a free loopback port.
"""

import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
RUN_ENV = ["bash", str(ROOT / "scripts" / "run-env")]


def _env(var_dir: Path, **overrides) -> dict[str, str]:
    """The caller's environment without any Django or database setting, as on a fresh shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "fengtai_assess.settings"
    env["DJANGO_VAR_DIR"] = str(var_dir)
    env.update(overrides)
    return env


def _run(args, env) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [*RUN_ENV, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, data: bytes | None = None):
    """(status, headers, body) without following redirects."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        request = urllib.request.Request(url, data=data)  # noqa: S310  (always http://127.0.0.1)
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_a_secret_key_is_made_once_under_var_with_mode_600(tmp_path):
    env = _env(tmp_path)
    first = _run(["printenv", "DJANGO_SECRET_KEY"], env).stdout.strip()
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 50 and key_file.read_text() == first
    second = _run(["printenv", "DJANGO_SECRET_KEY"], env).stdout.strip()
    assert second == first
    assert _run(["printenv", "DJANGO_DEBUG"], env).stdout.strip() == "0"


def test_a_key_from_the_environment_wins_and_nothing_is_written(tmp_path):
    env = _env(tmp_path, DJANGO_SECRET_KEY="from-the-operator")
    assert _run(["printenv", "DJANGO_SECRET_KEY"], env).stdout.strip() == "from-the-operator"
    assert not (tmp_path / "secret_key").exists()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app set up and served the way `make run` does it; yields its base URL."""
    tmp_path = tmp_path_factory.mktemp("make-run-var")
    env = _env(tmp_path)
    _run([sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env)
    _run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env)
    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [*RUN_ENV, sys.executable, "-m", "gunicorn", "fengtai_assess.wsgi"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if server.poll() is not None:
                pytest.fail((tmp_path / "gunicorn.log").read_text())
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_a_wrong_url_shows_the_products_chinese_404_not_djangos_debug_page(served):
    status, _, body = _get(f"{served}/no-such-page/")
    assert status == 404
    assert "<h1>页面不存在</h1>" in body
    assert "返回首页" in body
    # Django's technical 404 lists the URL patterns; it must not be what a newcomer sees.
    assert "Using the URLconf" not in body
    assert "Page not found" not in body
    assert "DEBUG = True" not in body


def test_plain_http_on_loopback_works_and_static_files_are_served(served):
    status, headers, body = _get(f"{served}/accounts/login/")
    assert status == 200, headers  # no redirect to https
    assert "登录" in body
    cookie = headers.get("Set-Cookie", "")
    assert "csrftoken=" in cookie and "Secure" not in cookie
    # The stylesheet is the hashed name from collectstatic's manifest, served by WhiteNoise.
    href = re.search(r'href="(/static/css/app\.[0-9a-f]+\.css)"', body)
    assert href, "the login page links no hashed stylesheet"
    css_status, css_headers, css = _get(served + href.group(1))
    assert css_status == 200 and css_headers["Content-Type"].startswith("text/css")
    assert css.strip()


def test_a_refused_post_shows_the_products_chinese_403(served):
    status, _, body = _get(f"{served}/accounts/login/", data=b"username=x&password=y")
    assert status == 403
    assert "<h1>无法访问</h1>" in body
    assert "CSRF verification failed" not in body
