#!/usr/bin/env python
"""Render deploy/nginx/fengtai.conf.template for production (a site file) or a standalone nginx.

    python deploy/render.py site --app 10.0.0.11:8001 --app 10.0.0.12:8001 \
        --server-name chanzgai.fengtai.gov.cn --static-root /srv/fengtai/var/static \
        [--evidence-root /srv/fengtai/var/private/evidence]
    python deploy/render.py standalone --prefix /tmp/x --listen 127.0.0.1:9080 --app ... ...

`standalone` wraps the site in a whole nginx.conf whose pid, logs and temporary folders live
under --prefix, so an unprivileged nginx runs it (`nginx -p PREFIX -c PREFIX/nginx.conf`): the
multi-node drill and the tests do that.

--evidence-root (local evidence folder only, with FENGTAI_X_ACCEL_REDIRECT=/_protected/ on the
app servers) adds the internal location from which nginx sends the files the download view has
checked; --x-accel-prefix changes its path (it must equal FENGTAI_X_ACCEL_REDIRECT).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx" / "fengtai.conf.template"
MAX_FAILS = 2
FAIL_TIMEOUT = "10s"
X_ACCEL_PREFIX = "/_protected/"

NO_PROTECTED_LOCATION = """\
    # (Not rendered with --evidence-root: no X-Accel-Redirect location, the view streams.)"""

PROTECTED_LOCATION = """\
    # X-Accel-Redirect (FENGTAI_X_ACCEL_REDIRECT={prefix}): the view has checked permission,
    # verified the SHA-256 and written the audit record, then answers with an empty body and
    # X-Accel-Redirect: {prefix}<the file's name in the folder>. `internal`: the same path
    # asked for from outside is a 404, so only the view opens this folder. nginx's user must be
    # able to read it (e.g. group fengtai, mode 750 on the folders).
    location {prefix} {{
        internal;
        alias {root}/;
        # nginx keeps the view's Content-Type, Content-Disposition and Cache-Control by itself;
        # the other headers of the view's answer it would drop, so they are copied here.
        add_header X-Content-Type-Options nosniff always;
        add_header Content-Security-Policy $upstream_http_content_security_policy always;
        add_header X-Frame-Options $upstream_http_x_frame_options always;
        add_header Referrer-Policy $upstream_http_referrer_policy always;
        add_header Permissions-Policy $upstream_http_permissions_policy always;
        add_header Strict-Transport-Security $upstream_http_strict_transport_security always;
        access_log off;
    }}"""

STANDALONE = """\
# Standalone nginx for 产改考核 (deploy/render.py standalone): everything under {prefix}.
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    sendfile on;
    client_body_temp_path {prefix}/tmp/client_body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
{site}
}}
"""


def nginx_site(
    *,
    apps: list[str],
    listen: str = "80",
    server_name: str = "_",
    static_root: str | Path,
    forwarded_proto: str = "$scheme",
    evidence_root: str | Path | None = None,
    x_accel_prefix: str = X_ACCEL_PREFIX,
) -> str:
    """The site file: one upstream of `apps` (host:port each), one server block; with
    `evidence_root`, the internal location X-Accel-Redirect answers are sent from."""
    if not apps:
        raise ValueError("at least one app server (host:port)")
    if evidence_root is None:
        protected = NO_PROTECTED_LOCATION
    else:
        if not re.fullmatch(r"/[A-Za-z0-9_/-]*/", x_accel_prefix) or x_accel_prefix == "/":
            raise ValueError("the X-Accel prefix is a path such as /_protected/")
        protected = PROTECTED_LOCATION.format(
            prefix=x_accel_prefix, root=str(evidence_root).rstrip("/")
        )
    servers = "\n".join(
        f"    server {app} max_fails={MAX_FAILS} fail_timeout={FAIL_TIMEOUT};" for app in apps
    )
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in {
        "UPSTREAM_SERVERS": servers,
        "LISTEN": listen,
        "SERVER_NAME": server_name,
        "STATIC_ROOT": str(static_root).rstrip("/"),
        "FORWARDED_PROTO": forwarded_proto,
        "PROTECTED_LOCATION": protected,
    }.items():
        text = text.replace(f"@@{name}@@", value)
    if re.search(r"@@[A-Z_]+@@", text):
        raise ValueError("a placeholder of the template was left unfilled")
    return text


def nginx_standalone(*, prefix: str | Path, **site) -> str:
    """A whole nginx.conf running the site with every writable path under `prefix`."""
    prefix = Path(prefix)
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    body = "\n".join(f"    {line}" if line else "" for line in nginx_site(**site).splitlines())
    return STANDALONE.format(prefix=prefix, site=body)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["site", "standalone"])
    parser.add_argument("--app", action="append", required=True, help="host:port, repeatable")
    parser.add_argument("--listen", default="80")
    parser.add_argument("--server-name", default="_")
    parser.add_argument("--static-root", required=True)
    parser.add_argument(
        "--forwarded-proto",
        default="$scheme",
        help="'$scheme' (nginx terminates TLS or plain HTTP) or 'https' (TLS ends before nginx)",
    )
    parser.add_argument(
        "--evidence-root",
        help="the local evidence folder (DJANGO_PRIVATE_MEDIA_ROOT/evidence): adds the internal"
        " location for FENGTAI_X_ACCEL_REDIRECT",
    )
    parser.add_argument("--x-accel-prefix", default=X_ACCEL_PREFIX)
    parser.add_argument("--prefix", help="standalone: folder for pid, logs and temporary files")
    args = parser.parse_args(argv)
    site = dict(
        apps=args.app,
        listen=args.listen,
        server_name=args.server_name,
        static_root=args.static_root,
        forwarded_proto=args.forwarded_proto,
        evidence_root=args.evidence_root,
        x_accel_prefix=args.x_accel_prefix,
    )
    if args.kind == "standalone":
        if not args.prefix:
            parser.error("standalone needs --prefix")
        sys.stdout.write(nginx_standalone(prefix=args.prefix, **site))
    else:
        sys.stdout.write(nginx_site(**site))
    return 0


if __name__ == "__main__":
    sys.exit(main())
