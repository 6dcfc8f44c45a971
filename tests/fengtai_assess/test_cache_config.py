"""The cache comes from the environment: Redis where REDIS_URL is set, local memory otherwise."""

import socket
import subprocess
import sys
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from fengtai_assess.cache_config import LOCMEM_BACKEND, REDIS_BACKEND, cache_settings
from tests.servers import ROOT

# The machine's Redis; the test uses a database number of its own and flushes only that one.
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 14


def test_without_redis_url_each_process_keeps_its_own_memory_cache():
    assert cache_settings({}) == {"default": {"BACKEND": LOCMEM_BACKEND, "KEY_PREFIX": "fengtai"}}
    assert cache_settings({"REDIS_URL": "  "})["default"]["BACKEND"] == LOCMEM_BACKEND


def test_redis_url_gives_djangos_redis_cache_with_the_prefix():
    config = cache_settings(
        {"REDIS_URL": "redis://10.0.0.5:6379/3", "FENGTAI_CACHE_PREFIX": "chanzgai"}
    )["default"]
    assert config["BACKEND"] == REDIS_BACKEND
    assert config["LOCATION"] == "redis://10.0.0.5:6379/3"
    assert config["KEY_PREFIX"] == "chanzgai"


def test_a_redis_url_that_is_not_one_is_refused():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        cache_settings({"REDIS_URL": "10.0.0.5:6379"})


def _redis_up() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_two_processes_with_the_same_redis_url_share_one_cache():
    """What one app server stores, another one reads: two separate Python processes."""
    import redis

    url = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
    key, value = f"shared-{uuid.uuid4().hex}", uuid.uuid4().hex

    def run(code: str) -> str:
        env = {"REDIS_URL": url, "DJANGO_SECRET_KEY": "x", "PATH": "/usr/bin:/bin"}
        prelude = (
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='fengtai_assess.settings';"
            "django.setup(); from django.core.cache import cache;"
        )
        done = subprocess.run(
            [sys.executable, "-c", prelude + code],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return done.stdout.strip()

    try:
        run(f"cache.set({key!r}, {value!r}, 60)")
        assert run(f"print(cache.get({key!r}))") == value
        # It really is in Redis, under the prefix, not in the first process's memory.
        assert any(key in k.decode() for k in redis.Redis.from_url(url).keys("*"))
    finally:
        redis.Redis.from_url(url).flushdb()
