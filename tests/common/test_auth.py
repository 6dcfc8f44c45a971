"""Login, logout, lockout, role-dependent navigation, and login required everywhere."""

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from units.models import Unit

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
PASSWORD = "Demo@2026"
# Pages reachable without logging in, by design.
PUBLIC = {"login"}


def test_login_page_is_chinese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "用户登录" in html and "用户名" in html and "密码" in html


def test_every_demo_account_logs_in(client):
    call_command("seed_demo", force=True, verbosity=0)
    usernames = [
        "admin",
        "office",
        "leader",
        "gzw_sh",
        *Unit.objects.values_list("code", flat=True),
    ]
    assert len(usernames) == 16
    for username in usernames:
        response = client.post(LOGIN, {"username": username, "password": PASSWORD})
        assert response.status_code == 302, username
        assert response["Location"] == reverse("home")
        home = client.get(reverse("home"))
        assert home.status_code == 200
        assert home.context["user"].username == username
        client.post(reverse("logout"))
        assert client.get(reverse("home")).status_code == 302


def test_wrong_password_message_in_chinese(client, rsj_reporter):
    response = client.post(LOGIN, {"username": "rsj", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_lockout_after_five_failures(client, rsj_reporter, zgh_reporter):
    for _ in range(5):
        client.post(LOGIN, {"username": "rsj", "password": "wrong"})
    response = client.post(LOGIN, {"username": "rsj", "password": PASSWORD})
    assert response.status_code == 429
    assert "登录已暂停" in response.content.decode()
    # Another account from the same address is not locked.
    response = client.post(LOGIN, {"username": "zgh", "password": PASSWORD})
    assert response.status_code == 302


def test_navigation_depends_on_role(client, office_user, leader_user, rsj_reporter):
    client.force_login(office_user)
    html = client.get(reverse("home")).content.decode()
    assert "管理后台" in html and "区产改办评审" in html
    client.force_login(leader_user)
    html = client.get(reverse("home")).content.decode()
    assert "管理后台" not in html and "领导" in html
    client.force_login(rsj_reporter)
    html = client.get(reverse("home")).content.decode()
    assert "管理后台" not in html and "区人社局 · 单位填报人" in html


def _named_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # the admin has its own login, tested with the admin
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _named_routes(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.converters:
            yield prefix + entry.name


def test_every_page_requires_login(client):
    routes = sorted(set(_named_routes()) - PUBLIC)
    assert "indicators:catalogue" in routes and "home" in routes
    for name in routes:
        url = reverse(name)
        response = client.get(url)
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert response["Location"].startswith(LOGIN), name


def test_admin_requires_staff_login(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
