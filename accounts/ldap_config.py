"""Optional login through the district's directory (django-auth-ldap), configured from the
environment. Imported by the settings, so it touches no model.

    FENGTAI_LDAP_URI              ldap://ldap.fengtai.gov.cn (unset: LDAP is off)
    FENGTAI_LDAP_BIND_DN          service account that may search, e.g. cn=chanzgai,ou=svc,dc=…
    FENGTAI_LDAP_BIND_PASSWORD    its password
    FENGTAI_LDAP_USER_SEARCH_BASE ou=people,dc=fengtai,dc=gov,dc=cn
    FENGTAI_LDAP_USER_FILTER      (uid=%(user)s)
    FENGTAI_LDAP_START_TLS        1 to upgrade the connection with StartTLS
"""

from __future__ import annotations

from collections.abc import Mapping

LDAP_BACKEND = "django_auth_ldap.backend.LDAPBackend"


def ldap_settings(environ: Mapping[str, str]) -> dict[str, object]:
    """AUTH_LDAP_* settings from the environment; empty when FENGTAI_LDAP_URI is unset."""
    uri = environ.get("FENGTAI_LDAP_URI", "").strip()
    if not uri:
        return {}
    import ldap
    from django_auth_ldap.config import LDAPSearch

    base = environ.get("FENGTAI_LDAP_USER_SEARCH_BASE", "").strip()
    if not base:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "FENGTAI_LDAP_URI is set: set FENGTAI_LDAP_USER_SEARCH_BASE too."
        )
    return {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": environ.get("FENGTAI_LDAP_BIND_DN", ""),
        "AUTH_LDAP_BIND_PASSWORD": environ.get("FENGTAI_LDAP_BIND_PASSWORD", ""),
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(
            base,
            ldap.SCOPE_SUBTREE,
            environ.get("FENGTAI_LDAP_USER_FILTER", "(uid=%(user)s)"),
        ),
        "AUTH_LDAP_START_TLS": environ.get("FENGTAI_LDAP_START_TLS", "").lower()
        in {"1", "true", "yes", "on"},
        # The directory owns name and mail; units and roles stay with the office.
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "cn", "email": "mail"},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_CONNECTION_OPTIONS": {ldap.OPT_NETWORK_TIMEOUT: 5, ldap.OPT_TIMEOUT: 10},
    }


def authentication_backends(backends: list[str], environ: Mapping[str, str]) -> list[str]:
    """The directory is asked after the lockout check and before local passwords."""
    if not environ.get("FENGTAI_LDAP_URI", "").strip() or LDAP_BACKEND in backends:
        return backends
    position = 1 if backends and backends[0].startswith("axes.") else 0
    return [*backends[:position], LDAP_BACKEND, *backends[position:]]
