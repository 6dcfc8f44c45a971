"""Backup and restore of the whole installation: the database content and every stored file.

An archive is a folder:

    manifest.json      what the archive holds: time, schema version, row counts, file hashes
    data.json.gz       every row (Django's serializer, natural keys), read in one snapshot
    files/<storage>/…  every file of the private storages (evidence), byte for byte

`backup_write` reads the database inside one transaction (REPEATABLE READ on PostgreSQL, so the
rows and the counts are one consistent snapshot while the app keeps serving). Evidence bytes
never change after upload, so copying them after the snapshot is consistent too.

`restore_archive` changes nothing until the archive is proven whole: the manifest parses, the
data file and every file match their SHA-256, the schema version equals this code's migrations,
the target database holds no data and the target storages hold no files. Then it loads the rows
and the files in one transaction; a failure on the way rolls the rows back and removes the files
it wrote.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from common.errors import DomainError
from common.storage import storage_files as _storage_files
from ops.apps import BACKUP_FORMAT

FORMAT = "fengtai-backup/1"
MANIFEST = "manifest.json"
DATA = "data.json.gz"
FILES = "files"
# Storages whose files belong to the installation (static files are rebuilt by collectstatic).
FILE_STORAGES = ("evidence",)
# Rows that `migrate` creates itself; they are matched by natural key, not copied. The
# catalogue's revision token is a cache key, not data: loading the units and indicators back
# gives the restored catalogue a new one (indicators/revision.py).
EXCLUDED_MODELS = (
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "indicators.cataloguerevision",
)
# Tables that `migrate` fills (role groups, permissions): an empty installation may hold these.
MIGRATE_FILLED = {
    "contenttypes.contenttype",
    "auth.permission",
    "auth.group",
    "auth.group_permissions",
}
CHUNK = 1024 * 1024


class BackupError(DomainError):
    """The archive cannot be written or restored; the message says why, in Chinese."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    rows: int
    files: int
    bytes: int


# --- helpers ------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def schema_version() -> list[list[str]]:
    """This code's migration leaves, e.g. [["scoring", "0004_…"], …]: what a database must be at."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted([app, name] for app, name in loader.graph.leaf_nodes())


def _row_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.label_lower] = model._base_manager.using("default").count()
    return counts


def _copy_out(storage: Storage, name: str, target: Path) -> tuple[int, str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with storage.open(name, "rb") as src, target.open("wb") as dst:
        for chunk in iter(lambda: src.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            dst.write(chunk)
    return size, digest.hexdigest()


# --- backup -------------------------------------------------------------------------------------


def backup_write(*, target: Path) -> BackupResult:
    """Write an archive of the whole installation into `target` (a new or empty folder).

    Precondition: `target` does not exist or is empty. Effect: manifest.json, data.json.gz and
    files/ written; nothing in the database or the storages changes.
    """
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空目录：请指定新的目录。")
    target.mkdir(parents=True, exist_ok=True)
    data_path = target / DATA
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        counts = _row_counts()
        with tempfile.NamedTemporaryFile("w+", suffix=".json", delete=False) as raw:
            call_command(
                "dumpdata",
                natural_foreign=True,
                natural_primary=True,
                exclude=list(EXCLUDED_MODELS),
                format=BACKUP_FORMAT,
                indent=None,
                stdout=raw,
                verbosity=0,
            )
            raw_path = Path(raw.name)
    with raw_path.open("rb") as src, gzip.open(data_path, "wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)
    raw_path.unlink()

    files: list[dict] = []
    total = 0
    for storage_name in FILE_STORAGES:
        storage = storages[storage_name]
        for name in _storage_files(storage):
            size, sha = _copy_out(storage, name, target / FILES / storage_name / name)
            files.append({"storage": storage_name, "name": name, "size": size, "sha256": sha})
            total += size
    manifest = {
        "format": FORMAT,
        "created_at": timezone.localtime().isoformat(),
        "database_vendor": connection.vendor,
        "schema": schema_version(),
        "row_counts": {k: v for k, v in counts.items() if k not in EXCLUDED_MODELS},
        "data": {"name": DATA, "sha256": _sha256_file(data_path)},
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return BackupResult(
        path=target, rows=sum(manifest["row_counts"].values()), files=len(files), bytes=total
    )


# --- verify and restore -------------------------------------------------------------------------


def archive_verify(*, source: Path) -> dict:
    """The archive's manifest, once every byte of the archive matches it; else BackupError."""
    source = Path(source)
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"备份不完整：{source} 中没有 {MANIFEST}。")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"备份已损坏：{MANIFEST} 无法解析（{exc}）。") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"不是本系统的备份（格式应为 {FORMAT}）。")
    data = source / manifest["data"]["name"]
    if not data.is_file() or _sha256_file(data) != manifest["data"]["sha256"]:
        raise BackupError("备份已损坏：数据库内容文件缺失或校验值（SHA-256）不符。")
    bad = []
    for entry in manifest["files"]:
        path = source / FILES / entry["storage"] / entry["name"]
        if (
            not path.is_file()
            or path.stat().st_size != entry["size"]
            or _sha256_file(path) != entry["sha256"]
        ):
            bad.append(entry["name"])
    if bad:
        shown = "、".join(bad[:5]) + (f" 等 {len(bad)} 个" if len(bad) > 5 else "")
        raise BackupError(f"备份已损坏：文件缺失或校验值（SHA-256）不符：{shown}。")
    return manifest


def _ensure_empty_target() -> None:
    holding = [
        label
        for label, count in _row_counts().items()
        if count and label not in MIGRATE_FILLED and label not in EXCLUDED_MODELS
    ]
    if holding:
        raise BackupError(
            "目标数据库不是空库（已有数据："
            + "、".join(sorted(holding)[:5])
            + "）：请恢复到新建的空数据库。"
        )
    for storage_name in FILE_STORAGES:
        if next(_storage_files(storages[storage_name]), None) is not None:
            raise BackupError(f"目标文件存储“{storage_name}”中已有文件：请恢复到新的空目录。")


def archive_check(*, source: Path) -> dict:
    """The manifest of an archive that verifies and matches this code's schema; else BackupError."""
    manifest = archive_verify(source=source)
    if manifest["schema"] != schema_version():
        raise BackupError(
            "备份的数据库结构版本与当前系统不一致：请用生成该备份的系统版本恢复，"
            "或先将两者升级到同一版本。"
        )
    return manifest


def database_prepare() -> None:
    """Create the tables of a database that has none; refuse one at another schema version."""
    tables = connection.introspection.table_names()
    if not tables:
        call_command("migrate", verbosity=0, interactive=False)
        return
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connection).applied_migrations()
    leaves = {tuple(leaf) for leaf in schema_version()}
    if not leaves <= set(applied):
        raise BackupError("目标数据库的结构版本与当前系统不一致：请恢复到新建的空数据库。")


def restore_archive(*, source: Path) -> BackupResult:
    """Restore an archive into this (migrated, empty) database and these (empty) storages.

    Precondition: the archive verifies, its schema equals this code's migrations, the target
    holds no data. Effect: every row and every file of the archive; row counts checked against
    the manifest. On any failure nothing stays: the rows roll back and the written files go.
    """
    source = Path(source)
    manifest = archive_check(source=source)
    _ensure_empty_target()
    written: list[tuple[Storage, str]] = []
    try:
        with transaction.atomic():
            with tempfile.TemporaryDirectory() as tmp:
                raw = Path(tmp) / "data.json"
                with (
                    gzip.open(source / manifest["data"]["name"], "rb") as src,
                    raw.open("wb") as dst,
                ):
                    shutil.copyfileobj(src, dst, CHUNK)
                call_command("loaddata", str(raw), verbosity=0)
            counts = _row_counts()
            wrong = [
                f"{label}（应为 {n}，实为 {counts.get(label, 0)}）"
                for label, n in manifest["row_counts"].items()
                if counts.get(label, 0) != n and label not in MIGRATE_FILLED
            ]
            if wrong:
                raise BackupError("恢复后行数与备份清单不符：" + "、".join(wrong[:5]))
            for entry in manifest["files"]:
                storage = storages[entry["storage"]]
                path = source / FILES / entry["storage"] / entry["name"]
                with path.open("rb") as fh:
                    saved = storage.save(entry["name"], File(fh))
                written.append((storage, saved))
                if saved != entry["name"]:
                    raise BackupError(f"文件 {entry['name']} 无法按原名写入存储。")
    except Exception:
        for storage, name in written:
            storage.delete(name)
        raise
    total = sum(e["size"] for e in manifest["files"])
    return BackupResult(
        path=source,
        rows=sum(manifest["row_counts"].values()),
        files=len(manifest["files"]),
        bytes=total,
    )
