"""Login through a real OpenLDAP server (Debian's slapd on a free loopback port, a temporary
configuration, stopped afterwards); local accounts keep working beside it."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.ldap_config import LDAP_BACKEND, authentication_backends, ldap_settings

try:
    import django_auth_ldap  # noqa: F401
    import ldap
except ImportError:  # the optional extra is not installed
    ldap = None

pytestmark = pytest.mark.django_db
User = get_user_model()

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SCHEMA = Path("/etc/ldap/schema")
MODULES = Path("/usr/lib/ldap")
SUFFIX = "dc=fengtai,dc=gov,dc=cn"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PW = "Directory#2026"
PEOPLE = f"ou=people,{SUFFIX}"
LOGIN = reverse("login")

CONFIG = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
modulepath {modules}
moduleload back_mdb
pidfile {tmp}/slapd.pid
database mdb
suffix "{suffix}"
rootdn "{root_dn}"
rootpw {root_pw}
directory {tmp}/data
maxsize 10485760
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    """A running slapd with 张三 (uid zhangsan) in ou=people; yields its URI."""
    reason = None
    if ldap is None:
        reason = "django-auth-ldap / python-ldap not installed: pip install -e '.[dev,ldap]'"
    elif not Path(SLAPD).exists() or not (SCHEMA / "inetorgperson.schema").exists():
        reason = "Debian's slapd is not installed (bash scripts/ensure-system-deps)"
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)  # .ci/run installs both
        pytest.skip(reason)
    tmp = tmp_path_factory.mktemp("slapd")
    (tmp / "data").mkdir()
    conf = tmp / "slapd.conf"
    conf.write_text(
        CONFIG.format(
            schema=SCHEMA,
            modules=MODULES,
            tmp=tmp,
            suffix=SUFFIX,
            root_dn=ROOT_DN,
            root_pw=ROOT_PW,
        )
    )
    port = _free_port()
    uri = f"ldap://127.0.0.1:{port}"
    # -d keeps slapd in the foreground, so the fixture owns the process and stops it.
    process = subprocess.Popen(
        [SLAPD, "-f", str(conf), "-h", f"{uri}/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        conn = _connect_when_ready(uri, process)
        conn.add_s(
            SUFFIX, _entry(objectClass=["dcObject", "organization"], dc="fengtai", o="丰台区")
        )
        conn.add_s(PEOPLE, _entry(objectClass=["organizationalUnit"], ou="people"))
        conn.add_s(
            f"uid=zhangsan,{PEOPLE}",
            _entry(
                objectClass=["inetOrgPerson"],
                uid="zhangsan",
                cn="张三",
                sn="张",
                mail="zhangsan@fengtai.gov.cn",
                userPassword="Ldap#2026x",
            ),
        )
        conn.unbind_s()
        yield uri
    finally:
        process.terminate()
        process.wait(timeout=30)


def _entry(**attrs):
    return [
        (k, [v.encode() for v in (vals if isinstance(vals, list) else [vals])])
        for k, vals in attrs.items()
    ]


def _connect_when_ready(uri, process):
    last = None
    for _ in range(100):
        if process.poll() is not None:
            pytest.fail(f"slapd exited: {process.stderr.read().decode(errors='replace')}")
        try:
            conn = ldap.initialize(uri)
            conn.simple_bind_s(ROOT_DN, ROOT_PW)
            return conn
        except ldap.SERVER_DOWN as error:
            last = error
            time.sleep(0.1)
    pytest.fail(f"slapd did not answer on {uri}: {last}")


@pytest.fixture
def ldap_on(directory, settings):
    """The settings a server with FENGTAI_LDAP_* in its environment would have."""
    environ = {
        "FENGTAI_LDAP_URI": directory,
        "FENGTAI_LDAP_BIND_DN": ROOT_DN,
        "FENGTAI_LDAP_BIND_PASSWORD": ROOT_PW,
        "FENGTAI_LDAP_USER_SEARCH_BASE": PEOPLE,
    }
    for name, value in ldap_settings(environ).items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = authentication_backends(
        list(settings.AUTHENTICATION_BACKENDS), environ
    )
    assert settings.AUTHENTICATION_BACKENDS[1] == LDAP_BACKEND


def test_directory_user_logs_in_and_gets_a_local_account(client, ldap_on):
    response = client.post(LOGIN, {"username": "zhangsan", "password": "Ldap#2026x"})

    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(username="zhangsan")
    assert (user.first_name, user.email) == ("张三", "zhangsan@fengtai.gov.cn")
    assert not user.has_usable_password()  # the password stays in the directory
    assert client.get(reverse("home")).status_code == 200


def test_wrong_directory_password_reads_like_any_failure(client, ldap_on):
    response = client.post(LOGIN, {"username": "zhangsan", "password": "Wrong#2026"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    assert not User.objects.filter(username="zhangsan").exists()


def test_local_accounts_still_log_in(client, ldap_on, rsj_reporter):
    response = client.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})
    assert response.status_code == 302


def test_lockout_applies_to_directory_logins(client, ldap_on):
    for _ in range(5):
        client.post(LOGIN, {"username": "zhangsan", "password": "Wrong#2026"})
    response = client.post(LOGIN, {"username": "zhangsan", "password": "Ldap#2026x"})
    assert response.status_code == 429


def test_ldap_is_off_without_a_uri():
    assert ldap_settings({}) == {}
    assert authentication_backends(["a", "b"], {}) == ["a", "b"]
