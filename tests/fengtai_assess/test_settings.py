"""Configuration comes from the environment, and production settings pass the deploy check."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def run_manage(*args, env_overrides, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env["DJANGO_SETTINGS_MODULE"] = "fengtai_assess.settings"
    env["DJANGO_VAR_DIR"] = str(tmp_path)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_with_debug_off_is_a_clear_error(tmp_path):
    result = run_manage("check", env_overrides={}, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off" in result.stderr


def test_debug_on_runs_without_a_key(tmp_path):
    result = run_manage("check", env_overrides={"DJANGO_DEBUG": "1"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr


def test_deploy_check_passes_with_debug_off(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "DJANGO_SECRET_KEY": "k" * 20 + "Zx9-Qp3_Lm7!Rt2#Vb8$Nc4%Hd6^Jf1&Gs5*Wa0",
            "DJANGO_ALLOWED_HOSTS": "chanzgai.fengtai.gov.cn",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_default_database_is_sqlite_under_var(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'])",
        env_overrides={"DJANGO_DEBUG": "1"},
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert f"django.db.backends.sqlite3 {tmp_path / 'db.sqlite3'}" in result.stdout


def test_database_url_and_allowed_hosts_from_environment(tmp_path):
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default'];"
        "print(d['ENGINE'], d['NAME'], d['HOST'], settings.ALLOWED_HOSTS)",
        env_overrides={
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": "postgres://u@db.example:5432/fengtai",
            "DJANGO_ALLOWED_HOSTS": "a.example, b.example",
        },
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql fengtai db.example ['a.example', 'b.example']" in result.stdout


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_private_files_have_no_public_url():
    evidence = settings.STORAGES["evidence"]["OPTIONS"]
    assert evidence["base_url"] is None
    assert str(evidence["location"]).startswith(str(settings.PRIVATE_MEDIA_ROOT))
    static_root = Path(settings.STATIC_ROOT).resolve()
    assert not Path(evidence["location"]).resolve().is_relative_to(static_root)


def test_no_external_assets_in_templates():
    """Intranet: no template or stylesheet may load anything from another host."""
    import re

    external = re.compile(
        r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import\s+["']?(?:https?:)?//"""
    )
    offenders = []
    for folder in ("templates", "static"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".html", ".css", ".js", ".svg"}:
                for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                    if external.search(line):
                        offenders.append(f"{path.relative_to(ROOT)}:{lineno}")
    assert offenders == []
