"""The private evidence storage on both backends: the local folder and a real S3 bucket."""

import hashlib
import re
import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from common.storage import storage_files


@pytest.fixture
def storage(evidence_backend):
    return storages["evidence"]


def test_the_walk_lists_every_file_under_every_prefix(storage):
    assert list(storage_files(storage)) == []
    for name in ("2026/01/b", "2026/01/a", "2026/12/c", "top"):
        assert storage.save(name, ContentFile(name.encode())) == name
    assert list(storage_files(storage)) == ["top", "2026/01/a", "2026/01/b", "2026/12/c"]


def test_a_name_in_use_is_never_written_over(storage):
    first = storage.save("2026/01/same", ContentFile(b"first"))
    second = storage.save("2026/01/same", ContentFile(b"second"))
    assert first == "2026/01/same" and second != first
    with storage.open(first, "rb") as fh:
        assert fh.read() == b"first"


def test_deleting_removes_the_file(storage):
    name = storage.save("2026/01/gone", ContentFile(b"x"))
    storage.delete(name)
    assert not storage.exists(name)
    assert list(storage_files(storage)) == []


def test_reading_a_large_file_holds_only_a_chunk(storage):
    """A file read chunk by chunk is never held whole: S3Storage's own file object would
    download the object into memory first; the private storage reads off the response."""
    content = bytes(range(256)) * (32 * 1024)  # 8 MiB
    name = storage.save("2026/01/large", ContentFile(content))
    storage.exists(name)  # the client and its connection are made before measuring
    tracemalloc.start()
    try:
        digest, sizes = hashlib.sha256(), []
        with storage.open(name, "rb") as fh:
            for chunk in iter(lambda: fh.read(256 * 1024), b""):
                sizes.append(len(chunk))
                digest.update(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert max(sizes) <= 256 * 1024 and sum(sizes) == len(content)
    assert digest.hexdigest() == hashlib.sha256(content).hexdigest()
    assert peak < 2 * 1024 * 1024, f"peak {peak} bytes while reading an 8 MiB file"


APP_DIRS = ("accounts", "common", "fengtai_assess", "indicators", "ops", "reports", "scoring")
URL_USE = re.compile(r"\bfile\.(url|path)\b|storages?\b[^\n]*\.(url|path)\(")


def test_no_code_or_template_asks_a_storage_for_a_url_or_a_path():
    """Evidence goes out only through the permission-checked view: a storage URL (on a bucket,
    a presigned link anyone holding it could use) or a local path would go around it."""
    root = Path(settings.BASE_DIR)
    files = [p for d in APP_DIRS for p in (root / d).rglob("*.py")]
    files += list((root / "templates").rglob("*.html"))
    found = [
        f"{p.relative_to(root)}:{n}: {line.strip()}"
        for p in files
        if p.name != "s3storage.py"  # where url() is refused
        for n, line in enumerate(p.read_text().splitlines(), start=1)
        if URL_USE.search(line)
    ]
    assert found == []
