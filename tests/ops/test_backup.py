"""The backup and restore drill, run as an operator would: real commands, a real database, real files.

Each test builds its own installation in subprocesses (its own database and file root): migrate,
the catalogue, the demo with sample data and evidence files; then `manage.py backup`, and
`manage.py restore` into a brand-new database and file root. The restored installation must hold
every row and every file of the original, byte for byte. On the PostgreSQL run of the suite the
databases are PostgreSQL databases created for the drill; on the SQLite run, SQLite files.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


class Installation:
    """A database and a file root of their own, driven through manage.py.

    With `s3` (the test S3 server), evidence goes to a key prefix of its bucket of its own
    instead, configured through FENGTAI_EVIDENCE_STORAGE=s3 as a deployment would.
    """

    def __init__(self, tmp: Path, name: str, *, s3=None, prefix: str = ""):
        self.files = tmp / f"{name}-files"
        self.s3 = s3
        self.prefix = prefix or f"{name}-{uuid.uuid4().hex[:8]}"
        if ON_POSTGRES:
            self.db_name = f"drill_{name}_{uuid.uuid4().hex[:8]}"
            base = settings.DATABASES["default"]
            self.url = (
                f"postgres://{base['USER'] or 'postgres'}@{base['HOST'] or '127.0.0.1'}:"
                f"{base['PORT'] or 5432}/{self.db_name}"
            )
            _pg_admin(f'CREATE DATABASE "{self.db_name}"')
        else:
            self.db_name = None
            self.url = f"sqlite:///{tmp / f'{name}.sqlite3'}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(
            DATABASE_URL=self.url,
            DJANGO_PRIVATE_MEDIA_ROOT=str(self.files),
            DJANGO_SETTINGS_MODULE="fengtai_assess.settings",
            DJANGO_DEBUG="1",
            DJANGO_SECRET_KEY="drill-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        )
        if self.s3 is not None:
            env.update(self.s3.environ(prefix=self.prefix))
        return env

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result

    def rows(self) -> list[dict]:
        """Every row as the serializer sees it (natural keys), in a stable order."""
        out = self.manage(
            "dumpdata",
            "--format=fengtai-json",  # full precision: a lost microsecond is a changed row
            "--natural-foreign",
            "--natural-primary",
            "--exclude=contenttypes",
            "--exclude=auth.permission",
            "--exclude=sessions",
            "--exclude=indicators.cataloguerevision",  # a cache key, new after a restore
        ).stdout
        rows = json.loads(out)
        for row in rows:
            # Many-to-many lists (a user's groups) come out in no particular order.
            for name, value in row["fields"].items():
                if isinstance(value, list) and value and isinstance(value[0], list):
                    row["fields"][name] = sorted(value)
        return sorted(rows, key=lambda r: json.dumps(r, sort_keys=True))

    def file_hashes(self) -> dict[str, str]:
        return {
            str(p.relative_to(self.files)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.files.rglob("*"))
            if p.is_file()
        }

    def evidence_hashes(self) -> dict[str, str]:
        """SHA-256 of every evidence file, by its name in the evidence storage."""
        if self.s3 is None:
            root = self.files / "evidence"
            return {
                str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*"))
                if p.is_file()
            }
        client = self.s3.client()
        hashes = {}
        pages = client.get_paginator("list_objects_v2").paginate(
            Bucket=self.s3.bucket, Prefix=f"{self.prefix}/"
        )
        for page in pages:
            for item in page.get("Contents", []):
                body = client.get_object(Bucket=self.s3.bucket, Key=item["Key"])["Body"].read()
                hashes[item["Key"].removeprefix(f"{self.prefix}/")] = hashlib.sha256(
                    body
                ).hexdigest()
        return hashes

    def drop(self) -> None:
        if self.db_name:
            _pg_admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


def _pg_admin(sql: str) -> None:
    import psycopg2

    base = settings.DATABASES["default"]
    conn = psycopg2.connect(
        dbname="postgres",
        user=base["USER"] or "postgres",
        host=base["HOST"] or "127.0.0.1",
        port=base["PORT"] or 5432,
    )
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    """A demo installation and its archive (built once for the module)."""
    tmp = tmp_path_factory.mktemp("drill")
    source = Installation(tmp, "source")
    source.manage("migrate", "--noinput")
    source.manage("loaddata", "catalogue", "figure_defaults")
    source.manage("seed_demo", "--sample-data")
    archive = tmp / "archive"
    result = source.manage("backup", str(archive))
    assert "备份完成" in result.stdout
    yield tmp, source, archive
    source.drop()


@pytest.fixture
def target(drill, request):
    tmp, _, _ = drill
    made = Installation(tmp, f"target{uuid.uuid4().hex[:6]}")
    yield made
    made.drop()


def test_restore_brings_back_every_row_and_every_file(drill, target):
    _, source, archive = drill
    manifest = json.loads((archive / "manifest.json").read_text())
    assert manifest["files"], "the demo has evidence files, so the archive must too"
    assert manifest["row_counts"]["scoring.slot"] > 0

    result = target.manage("restore", str(archive))
    assert "恢复完成" in result.stdout

    assert target.rows() == source.rows()
    assert target.file_hashes() == source.file_hashes()
    # The restored installation works: its evidence verifies like the original's.
    sweep = target.manage("evidence_sweep", "--dry-run")
    assert sweep.returncode == 0


@pytest.mark.s3
def test_an_archive_moves_the_evidence_into_a_bucket_and_back_out(drill, s3_server, tmp_path):
    """The folder installation's archive restored into a bucket, then the bucket backed up:
    the same files byte for byte both ways (how a district moves to its object store)."""
    tmp, source, archive = drill
    target = Installation(tmp, "bucket", s3=s3_server)
    again = None
    try:
        assert "恢复完成" in target.manage("restore", str(archive)).stdout
        assert target.rows() == source.rows()
        assert target.evidence_hashes() == source.evidence_hashes()
        assert len(target.evidence_hashes()) == len(_manifest(archive)["files"])
        assert not (target.files / "evidence").exists()  # nothing went to a local folder
        assert target.manage("evidence_sweep", "--dry-run").stdout.endswith("发现孤立文件 0 个。\n")

        out_of_bucket = tmp_path / "from-bucket"
        assert "备份完成" in target.manage("backup", str(out_of_bucket)).stdout
        assert _manifest(out_of_bucket)["files"] == _manifest(archive)["files"]

        # The bucket prefix now holds files: another restore into it is refused.
        again = Installation(tmp, "bucket-again", s3=s3_server, prefix=target.prefix)
        result = again.manage("restore", str(archive), check=False)
        assert result.returncode != 0
        assert "已有文件" in result.stderr
        assert target.evidence_hashes() == source.evidence_hashes()
    finally:
        target.drop()
        if again is not None:
            again.drop()


def _manifest(archive: Path) -> dict:
    return json.loads((archive / "manifest.json").read_text())


def test_a_damaged_archive_is_refused_and_changes_nothing(drill, target, tmp_path):
    _, _, archive = drill
    damaged = tmp_path / "damaged"
    subprocess.run(["cp", "-r", str(archive), str(damaged)], check=True)
    manifest = json.loads((damaged / "manifest.json").read_text())
    victim = damaged / "files" / manifest["files"][0]["storage"] / manifest["files"][0]["name"]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))

    result = target.manage("restore", str(damaged), check=False)
    assert result.returncode != 0
    assert "备份已损坏" in result.stderr and "SHA-256" in result.stderr
    _assert_untouched(target)


def test_damaged_data_file_is_refused(drill, target, tmp_path):
    _, _, archive = drill
    damaged = tmp_path / "damaged-data"
    subprocess.run(["cp", "-r", str(archive), str(damaged)], check=True)
    with gzip.open(damaged / "data.json.gz", "wb") as fh:
        fh.write(b"[]")
    result = target.manage("restore", str(damaged), check=False)
    assert result.returncode != 0
    assert "数据库内容文件" in result.stderr
    _assert_untouched(target)


def test_a_different_schema_version_is_refused(drill, target, tmp_path):
    _, _, archive = drill
    other = tmp_path / "other-schema"
    subprocess.run(["cp", "-r", str(archive), str(other)], check=True)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["schema"] = [*manifest["schema"], ["scoring", "9999_from_the_future"]]
    (other / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False))

    result = target.manage("restore", str(other), check=False)
    assert result.returncode != 0
    assert "结构版本" in result.stderr
    _assert_untouched(target)


def test_a_database_with_data_is_refused(drill, target):
    _, _, archive = drill
    target.manage("migrate", "--noinput")
    target.manage("loaddata", "catalogue")
    before = target.rows()

    result = target.manage("restore", str(archive), check=False)
    assert result.returncode != 0
    assert "不是空库" in result.stderr
    assert target.rows() == before
    assert not target.files.exists() or not any(p.is_file() for p in target.files.rglob("*"))


def test_a_missing_manifest_is_refused(target, tmp_path):
    empty = tmp_path / "not-an-archive"
    empty.mkdir()
    result = target.manage("restore", str(empty), check=False)
    assert result.returncode != 0
    assert "manifest.json" in result.stderr


def test_backup_refuses_a_folder_that_is_not_empty(drill, tmp_path):
    _, source, _ = drill
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "x.txt").write_text("x")
    result = source.manage("backup", str(busy), check=False)
    assert result.returncode != 0
    assert "不是空目录" in result.stderr


def _assert_untouched(installation: Installation) -> None:
    """Nothing was written: no tables (the database was never migrated) and no files."""
    check = installation.manage("showmigrations", "scoring", check=False)
    assert "[X]" not in check.stdout
    assert not installation.files.exists() or not any(
        p.is_file() for p in installation.files.rglob("*")
    )
