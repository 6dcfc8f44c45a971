"""make serve's gunicorn settings come from the environment, with defaults for 200 MB uploads."""

import multiprocessing
import runpy

from django.conf import settings

CONFIG = str(settings.BASE_DIR / "fengtai_assess" / "gunicorn.py")


def _load(monkeypatch, **env) -> dict:
    for name in ("HOST", "PORT", "GUNICORN_WORKERS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(CONFIG)


def test_defaults_two_workers_per_core_plus_one_on_loopback(monkeypatch):
    config = _load(monkeypatch)
    assert config["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert config["bind"] == "127.0.0.1:8000"
    assert config["wsgi_app"] == "fengtai_assess.wsgi:application"
    # A 200 MB submission over a 10 Mbit/s line needs about 170 s: the default allows 300.
    assert config["timeout"] == 300
    assert config["control_socket_disable"] is True


def test_the_environment_decides_bind_workers_and_timeout(monkeypatch):
    config = _load(
        monkeypatch, HOST="10.1.2.3", PORT="8123", GUNICORN_WORKERS="3", GUNICORN_TIMEOUT="600"
    )
    assert (config["bind"], config["workers"], config["timeout"]) == ("10.1.2.3:8123", 3, 600)
