"""Login: one message for every failure, attempts left after the third, a fresh session key,
and a logout that ends the session on the server."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.models import UserSession

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
HOME = reverse("home")


def fail(client, username):
    return client.post(LOGIN, {"username": username, "password": "Wrong#2026"})


def error_text(response) -> str:
    return "".join(response.context["form"].non_field_errors())


def test_unknown_user_and_wrong_password_read_the_same(client, rsj_reporter):
    wrong = fail(client, "rsj")
    unknown = fail(client, "nosuchuser")
    assert wrong.status_code == unknown.status_code == 200
    assert error_text(wrong) == error_text(unknown)
    assert "请输入一个正确的用户名和密码" in error_text(wrong)


def test_attempts_left_are_shown_after_the_third_failure(client, rsj_reporter):
    first, second, third, fourth = (fail(client, "rsj") for _ in range(4))
    assert "还可尝试" not in first.content.decode()
    assert "还可尝试" not in second.content.decode()
    assert "还可尝试 2 次" in third.content.decode()
    assert "还可尝试 1 次" in fourth.content.decode()
    # One attempt was left: the fifth failure locks, so the count was true.
    assert fail(client, "rsj").status_code == 429


def test_unknown_user_counts_down_like_a_real_one(client, rsj_reporter):
    pages = [fail(client, name).content.decode() for name in ("rsj", "ghost")]
    for _ in range(2):
        pages = [fail(client, name).content.decode() for name in ("rsj", "ghost")]
    assert "还可尝试 2 次" in pages[0] and "还可尝试 2 次" in pages[1]


def test_a_successful_login_starts_the_count_again(client, rsj_reporter):
    fail(client, "rsj")
    fail(client, "rsj")
    client.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})
    client.post(reverse("logout"))
    assert "还可尝试" not in fail(client, "rsj").content.decode()


def test_login_gives_a_new_session_key(client, rsj_reporter):
    # An anonymous session exists before the login.
    session = client.session
    session["before"] = 1
    session.save()
    anonymous_key = client.cookies[settings.SESSION_COOKIE_NAME].value

    response = client.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})

    assert response.status_code == 302
    new_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert new_key != anonymous_key
    assert not UserSession.objects.filter(session_key=anonymous_key).exists()
    assert UserSession.objects.get(session_key=new_key).user_id == rsj_reporter.pk


def test_logout_ends_the_session_on_the_server(client, rsj_reporter):
    from django.test import Client

    client.post(LOGIN, {"username": "rsj", "password": "Demo@2026"})
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(HOME).status_code == 200

    response = client.post(reverse("logout"))

    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not UserSession.objects.filter(session_key=key).exists()
    # The old cookie, replayed from elsewhere, is anonymous now.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(HOME).status_code == 302


def test_logout_by_get_is_refused(client, rsj_reporter):
    client.force_login(rsj_reporter)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(HOME).status_code == 200
