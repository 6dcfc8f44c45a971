"""Django's cache, chosen from the environment. Imported by the settings.

    REDIS_URL            redis://host:6379/0 (or rediss://): one cache shared by every app
                         server, Django's built-in RedisCache over redis-py
    (unset)              local memory of each process: enough for one server and `make run`
    FENGTAI_CACHE_PREFIX key prefix, so several deployments can share one Redis (default fengtai)

Nothing that must survive or be seen by the other servers lives in the cache: sessions, login
lockouts, one-time submit tokens and row locks are in the database. The cache only has to agree
across servers, which is why several servers need Redis rather than local memory.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

REDIS_BACKEND = "django.core.cache.backends.redis.RedisCache"
LOCMEM_BACKEND = "django.core.cache.backends.locmem.LocMemCache"


def cache_settings(environ: Mapping[str, str]) -> dict[str, dict[str, object]]:
    """CACHES for the settings: Redis where REDIS_URL is set, local memory otherwise."""
    url = environ.get("REDIS_URL", "").strip()
    prefix = environ.get("FENGTAI_CACHE_PREFIX", "").strip() or "fengtai"
    if not url:
        return {"default": {"BACKEND": LOCMEM_BACKEND, "KEY_PREFIX": prefix}}
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "REDIS_URL must start with redis://, rediss:// or unix:// (e.g. redis://127.0.0.1:6379/0)."
        )
    return {
        "default": {
            "BACKEND": REDIS_BACKEND,
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            # A Redis that stops answering slows a request by at most a few seconds, never hangs it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
