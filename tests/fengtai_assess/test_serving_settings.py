"""The serving settings from the environment: FENGTAI_TRUSTED_PROXIES, FENGTAI_X_ACCEL_*.
A wrong value stops the start with a clear message; the defaults change nothing."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SHOW = (
    "from django.conf import settings as s; "
    "print(repr((s.FENGTAI_TRUSTED_PROXIES, s.FENGTAI_X_ACCEL_REDIRECT, "
    "s.FENGTAI_X_ACCEL_MIN_BYTES, s.AXES_CLIENT_IP_CALLABLE)))"
)


def _settings(tmp_path, **environ) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "FENGTAI_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="fengtai_assess.settings",
        DJANGO_DEBUG="1",
        DJANGO_VAR_DIR=str(tmp_path),
        **environ,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_defaults_trust_no_proxy_and_stream_every_file(tmp_path):
    result = _settings(tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "([], '', 0, 'common.http.client_ip')"


def test_proxies_and_the_x_accel_prefix_are_read(tmp_path):
    result = _settings(
        tmp_path,
        FENGTAI_TRUSTED_PROXIES="10.0.0.10, 10.0.1.0/24",
        FENGTAI_X_ACCEL_REDIRECT="/_protected",
        FENGTAI_X_ACCEL_MIN_BYTES="1048576",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "(['10.0.0.10', '10.0.1.0/24'], '/_protected/', 1048576, 'common.http.client_ip')"
    )


def test_a_proxy_that_is_not_an_address_stops_the_start(tmp_path):
    result = _settings(tmp_path, FENGTAI_TRUSTED_PROXIES="nginx.fengtai.local")
    assert result.returncode != 0
    assert "FENGTAI_TRUSTED_PROXIES" in result.stderr


def test_an_x_accel_prefix_that_is_not_a_path_stops_the_start(tmp_path):
    result = _settings(tmp_path, FENGTAI_X_ACCEL_REDIRECT="_protected?x")
    assert result.returncode != 0
    assert "FENGTAI_X_ACCEL_REDIRECT must be an nginx location path" in result.stderr
