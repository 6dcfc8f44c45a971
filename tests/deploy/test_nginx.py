"""deploy/: the nginx template renders, `nginx -t` accepts it, and a real nginx in front of two
upstreams retries a GET on the other server but never a POST that reached a dying one."""

import contextlib
import http.server
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.render import nginx_site, nginx_standalone
from tests.servers import free_port, nginx_binary, nginx_server

NGINX = nginx_binary()
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="Debian's nginx is not installed (scripts/ensure-system-deps)"
)


def test_the_site_lists_every_app_server_with_passive_health_checks(tmp_path):
    site = nginx_site(apps=["10.0.0.11:8001", "10.0.0.12:8001"], static_root=tmp_path)
    assert "server 10.0.0.11:8001 max_fails=2 fail_timeout=10s;" in site
    assert "server 10.0.0.12:8001 max_fails=2 fail_timeout=10s;" in site
    assert "client_max_body_size 210m;" in site
    assert f"alias {tmp_path}/;" in site
    assert "non_idempotent" not in site.replace("Without `non_idempotent`", "")
    assert "@@LISTEN@@" not in site and "@@STATIC_ROOT@@" not in site


def test_an_empty_upstream_is_refused(tmp_path):
    with pytest.raises(ValueError):
        nginx_site(apps=[], static_root=tmp_path)


def _nginx(prefix: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [NGINX, "-p", str(prefix), "-e", str(prefix / "error.log"), "-c", str(prefix / "nginx.conf"), *args],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip


@needs_nginx
def test_nginx_accepts_the_rendered_configuration(tmp_path):
    conf = nginx_standalone(
        prefix=tmp_path,
        apps=["127.0.0.1:18001", "127.0.0.1:18002"],
        listen=f"127.0.0.1:{free_port()}",
        static_root=tmp_path / "static",
    )
    (tmp_path / "nginx.conf").write_text(conf)
    checked = _nginx(tmp_path, "-t")
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


class _Upstream(http.server.ThreadingHTTPServer):
    """A loopback app server: `healthy` answers 200; the other one reads the request, then
    drops the connection without answering, as a server killed mid-request does."""

    def __init__(self, healthy: bool):
        self.healthy = healthy
        self.seen: list[tuple[str, str]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                outer.seen.append((self.command, self.path))
                if not outer.healthy:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_GET = do_POST = _any

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"


@contextlib.contextmanager
def _nginx_in_front_of(prefix: Path, *upstreams: _Upstream) -> Iterator[str]:
    """A real nginx (unprivileged master, everything under prefix) on a free loopback port."""
    try:
        with nginx_server(prefix, apps=[u.address for u in upstreams]) as base:
            yield base
    finally:
        for upstream in upstreams:
            upstream.shutdown()


def _status(base: str, method: str, path: str) -> int:
    data = b"x=1" if method == "POST" else None
    req = urllib.request.Request(base + path, data=data, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:  # noqa: S310
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


@needs_nginx
def test_a_get_the_dying_server_dropped_is_answered_by_the_other(tmp_path):
    dying, healthy = _Upstream(healthy=False), _Upstream(healthy=True)
    with _nginx_in_front_of(tmp_path, dying, healthy) as base:
        gets = [_status(base, "GET", f"/g{i}") for i in range(6)]
    assert gets == [200] * 6
    assert [p for _, p in dying.seen]  # round robin did send some to the dying server first
    assert sorted(p for _, p in healthy.seen) == [f"/g{i}" for i in range(6)]


@needs_nginx
def test_a_post_that_reached_a_dying_server_fails_and_is_never_done_twice(tmp_path):
    dying, healthy = _Upstream(healthy=False), _Upstream(healthy=True)
    with _nginx_in_front_of(tmp_path, dying, healthy) as base:
        posts = [_status(base, "POST", f"/p{i}") for i in range(6)]
    to_dying = [p for _, p in dying.seen]
    to_healthy = [p for _, p in healthy.seen]
    assert to_dying, "round robin sent no POST to the dying server"
    assert not set(to_dying) & set(to_healthy)  # none passed on after it was sent
    for i, code in enumerate(posts):
        assert code == (502 if f"/p{i}" in to_dying else 200)
    # Passive health check: after max_fails (2) failures the server is left out.
    assert len(to_dying) <= 2
    assert len(to_healthy) >= 4


def test_the_x_accel_location_is_internal_and_only_rendered_with_an_evidence_root(tmp_path):
    plain = nginx_site(apps=["10.0.0.11:8001"], static_root=tmp_path)
    assert "internal;" not in plain and "_protected" not in plain
    site = nginx_site(
        apps=["10.0.0.11:8001"], static_root=tmp_path, evidence_root="/srv/fengtai/evidence/"
    )
    block = site.split("location /_protected/ {", 1)[1].split("}", 1)[0]
    assert "internal;" in block
    assert "alias /srv/fengtai/evidence/;" in block
    assert "add_header X-Content-Type-Options nosniff always;" in block
    assert "$upstream_http_content_security_policy" in block
    other = nginx_site(
        apps=["10.0.0.11:8001"], static_root=tmp_path, evidence_root="/e", x_accel_prefix="/_x/"
    )
    assert "location /_x/ {" in other
    with pytest.raises(ValueError):
        nginx_site(apps=["a:1"], static_root=tmp_path, evidence_root="/e", x_accel_prefix="/")
    with pytest.raises(ValueError):
        nginx_site(apps=["a:1"], static_root=tmp_path, evidence_root="/e", x_accel_prefix="x")


def test_the_site_forwards_the_client_address_for_trusted_proxies(tmp_path):
    site = nginx_site(apps=["10.0.0.11:8001"], static_root=tmp_path)
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site


@needs_nginx
def test_nginx_accepts_the_configuration_with_the_x_accel_location(tmp_path):
    conf = nginx_standalone(
        prefix=tmp_path,
        apps=["127.0.0.1:18001"],
        listen=f"127.0.0.1:{free_port()}",
        static_root=tmp_path / "static",
        evidence_root=tmp_path / "evidence",
    )
    (tmp_path / "nginx.conf").write_text(conf)
    checked = _nginx(tmp_path, "-t")
    assert checked.returncode == 0, checked.stderr
