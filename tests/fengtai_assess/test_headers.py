"""Every page carries the security headers; production adds one year of HSTS."""

import pytest
from django.urls import reverse

from tests.fengtai_assess.test_settings import run_manage

pytestmark = pytest.mark.django_db

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


@pytest.mark.parametrize("name", ["login", "home", "admin:index", "audit:event_list"])
def test_pages_carry_the_headers(client, admin_user, name):
    client.force_login(admin_user)
    response = client.get(reverse(name))
    assert _directives(response["Content-Security-Policy"]) == _directives(POLICY)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_an_error_page_carries_them_too(client, rsj_reporter):
    client.force_login(rsj_reporter)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_hsts_one_year_in_production_and_from_the_environment(tmp_path):
    production = {
        "DJANGO_SECRET_KEY": "k" * 20 + "Zx9-Qp3_Lm7!Rt2#Vb8$Nc4%Hd6^Jf1&Gs5*Wa0",
        "DJANGO_ALLOWED_HOSTS": "chanzgai.fengtai.gov.cn",
    }
    show = "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS)"
    default = run_manage("shell", "-c", show, env_overrides=production, tmp_path=tmp_path)
    assert default.stdout.strip().splitlines()[-1] == "31536000", default.stderr
    custom = run_manage(
        "shell",
        "-c",
        show,
        env_overrides={**production, "DJANGO_HSTS_SECONDS": "600"},
        tmp_path=tmp_path,
    )
    assert custom.stdout.strip().splitlines()[-1] == "600", custom.stderr
