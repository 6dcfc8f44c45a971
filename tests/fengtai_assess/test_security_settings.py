"""Account-security settings come from the environment with 等保 defaults; production cookies
are Secure, HttpOnly and SameSite=Lax."""

from tests.fengtai_assess.test_settings import run_manage

PRINT = (
    "from django.conf import settings as s;"
    "print(s.FENGTAI_PASSWORD_MAX_AGE_DAYS, s.FENGTAI_SESSION_IDLE_SECONDS,"
    " s.FENGTAI_SESSION_MAX_SECONDS, s.SESSION_COOKIE_AGE, s.SESSION_ENGINE);"
    "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE,"
    " s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_SAMESITE)"
)
PRODUCTION = {
    "DJANGO_SECRET_KEY": "k" * 20 + "Zx9-Qp3_Lm7!Rt2#Vb8$Nc4%Hd6^Jf1&Gs5*Wa0",
    "DJANGO_ALLOWED_HOSTS": "chanzgai.fengtai.gov.cn",
}


def test_defaults(tmp_path):
    result = run_manage("shell", "-c", PRINT, env_overrides=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.strip().splitlines()[-2:]
    assert first == "90 1800 43200 43200 accounts.sessions"
    assert second == "True True Lax True Lax"


def test_values_from_the_environment(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        PRINT,
        env_overrides={
            **PRODUCTION,
            "FENGTAI_PASSWORD_MAX_AGE_DAYS": "0",
            "FENGTAI_SESSION_IDLE_MINUTES": "15",
            "FENGTAI_SESSION_MAX_HOURS": "8",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-2] == "0 900 28800 28800 accounts.sessions"
