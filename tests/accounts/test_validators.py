"""Password rules: length, three of four character classes, not like the username, not common,
not one of the last five; every refusal in Chinese."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.models import PasswordHistory

pytestmark = pytest.mark.django_db
User = get_user_model()


def refusals(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_demo_password_passes_every_rule(make_user):
    """Demo@2026: 9 characters, upper + lower + symbol + digits, for every demo username."""
    assert refusals("Demo@2026") == []
    for username in ("admin", "office", "leader", "rsj", "gzw_sh"):
        assert refusals("Demo@2026", User(username=username)) == [], username


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1@xyz", "密码太短，至少需要 8 个字符。"),
        ("abcdefgh1", "至少 3 类（当前只有 2 类）"),
        ("ABCDEFGHI", "至少 3 类（当前只有 1 类）"),
        ("Password1", "这个密码太常见"),
        ("1234567890", "密码不能全是数字。"),
    ],
)
def test_weak_passwords_are_refused_in_chinese(password, message):
    assert any(message in m for m in refusals(password)), refusals(password)


def test_three_classes_are_enough():
    assert refusals("Fengtai2026") == []  # upper, lower, digits
    assert refusals("fengtai#2026") == []  # lower, symbol, digits


def test_chinese_characters_count_towards_no_class():
    assert any("至少 3 类" in m for m in refusals("丰台区产改考核a1"))


def test_password_like_the_username_is_refused():
    user = User(username="zhangwei_rsj")
    assert any("过于相似" in m for m in refusals("Zhangwei_rsj1", user))


def test_the_last_five_passwords_cannot_be_reused(make_user):
    user = make_user("clerk")  # created with Demo@2026
    for n in range(1, 6):
        user.set_password(f"Fengtai#{n}x")
        user.save()
    # History keeps the five newest: Fengtai#1x … Fengtai#5x; Demo@2026 has dropped out.
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for n in range(1, 6):
        assert "不能使用最近 5 次用过的密码。" in refusals(f"Fengtai#{n}x", user)
    assert refusals("Demo@2026", user) == []


def test_history_stores_hashes_never_the_password(make_user):
    user = make_user("clerk")
    user.set_password("Fengtai#1x")
    user.save()
    stored = PasswordHistory.objects.get(user=user).password_hash
    assert "Fengtai#1x" not in stored
    assert stored == user.password


def test_help_texts_are_chinese():
    from django.contrib.auth.password_validation import password_validators_help_texts

    texts = password_validators_help_texts()
    assert len(texts) == 6
    assert all(any("\u4e00" <= c <= "\u9fff" for c in text) for text in texts)
