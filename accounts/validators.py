"""Password rules (AUTH_PASSWORD_VALIDATORS) with Chinese messages.

Django's own validators do the checking; these subclasses only say it in Chinese, because
Django's zh_Hans catalogue leaves some of the messages in English.
"""

from __future__ import annotations

from django.contrib.auth import password_validation as pv
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

# Chinese characters are letters to Python but neither upper nor lower case, so they count
# towards no class: a password of Hanzi alone is not "strong" by accident.
CHARACTER_CLASSES = (
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    ("符号", lambda c: not c.isalnum() and not c.isspace()),
)


class MinimumLengthValidator(pv.MinimumLengthValidator):
    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少 {self.min_length} 个字符。"


class CharacterClassesValidator:
    """At least `min_classes` of: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        present = [name for name, test in CHARACTER_CLASSES if any(test(c) for c in password)]
        if len(present) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类"
                f"（当前只有 {len(present)} 类）。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"须包含大写字母、小写字母、数字、符号中的至少 {self.min_classes} 类。"


class UserAttributeSimilarityValidator(pv.UserAttributeSimilarityValidator):
    def get_error_message(self):
        return "密码与%(verbose_name)s过于相似。"

    def get_help_text(self):
        return "密码不能与用户名、姓名或邮箱相似。"


class CommonPasswordValidator(pv.CommonPasswordValidator):
    def get_error_message(self):
        return "这个密码太常见，容易被猜中，请换一个。"

    def get_help_text(self):
        return "不能使用常见密码。"


class NumericPasswordValidator(pv.NumericPasswordValidator):
    def get_error_message(self):
        return "密码不能全是数字。"

    def get_help_text(self):
        return "密码不能全是数字。"


class PasswordHistoryValidator:
    """Not one of the user's last `count` passwords (the current one included).

    Django calls password_changed() after every saved password change (admin, the change
    page, manage.py changepassword, set_password + save), which makes it the one place where
    the change is recorded.
    """

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        from accounts.selectors import password_recent_hashes

        for encoded in password_recent_hashes(user=user, count=self.count):
            if check_password(password, encoded):
                raise ValidationError(
                    f"不能使用最近 {self.count} 次用过的密码。", code="password_reused"
                )

    def password_changed(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        from accounts.services import password_record_change

        password_record_change(user=user, keep=self.count)

    def get_help_text(self) -> str:
        return f"不能与最近 {self.count} 次用过的密码相同。"
