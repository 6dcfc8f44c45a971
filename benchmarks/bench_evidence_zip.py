"""Peak Python memory while streaming the evidence package, at growing package sizes.

    .venv/bin/python benchmarks/bench_evidence_zip.py            # 10 and 40 files of 2 MB
    .venv/bin/python benchmarks/bench_evidence_zip.py --counts 10 40 160 --size-mb 2

Writes N random (incompressible, like PDFs and images) evidence files into a temporary evidence
storage, streams the ZIP through the same StreamingHttpResponse the view returns, and measures
the peak of Python allocations with tracemalloc while the response is consumed (the bytes go
to a temporary file on disk, as a client would save them, so they are not held in memory).
Afterwards the ZIP is checked: every entry's SHA-256 and the index.

If memory is bounded, the peaks stay about equal whatever N; the ratio of the largest package's
peak to the smallest's is printed. Timings are printed for information only, never asserted.
Not a test: pytest collects tests/ only. Needs no database.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import time
import tracemalloc
import zipfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengtai_assess.settings_test")
os.environ.setdefault(
    "DJANGO_PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="fengtai-bench-private-")
)

import django  # noqa: E402

django.setup()

from django.http import StreamingHttpResponse  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports import evidence_zip as ez  # noqa: E402
from scoring.models import EvidenceFile  # noqa: E402
from scoring.models.evidence import evidence_storage  # noqa: E402

MB = 1024 * 1024
WRITE_PIECE = MB


def make_files(count: int, size: int, tag: str) -> list[ez.PackageEntry]:
    storage = evidence_storage()
    entries = []
    for i in range(count):
        name = f"bench/{tag}/{i:04d}"
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        with path.open("wb") as fh:
            left = size
            while left:
                piece = os.urandom(min(WRITE_PIECE, left))
                digest.update(piece)
                fh.write(piece)
                left -= len(piece)
        evidence = EvidenceFile(
            title=f"佐证材料 {i}",
            original_name=f"佐证材料{i:04d}.pdf",
            file=name,
            size=size,
            sha256=digest.hexdigest(),
            content_type="application/pdf",
            uploaded_at=timezone.now() - timedelta(days=1),
        )
        number = i % 80 + 1
        entries.append(
            ez.PackageEntry(
                evidence=evidence,
                indicator_number=number,
                indicator_name=f"三级指标{number}",
                unit_name="区人社局",
                version_number=1,
                path=f"{number:02d} 三级指标{number}/区人社局/{evidence.original_name}",
            )
        )
    return entries


def run(count: int, size: int) -> dict:
    entries = make_files(count, size, tag=f"{count}x{size}")
    package = ez.Package(cycle_name="基准测试", entries=entries)
    chunks = largest = streamed = 0
    with tempfile.NamedTemporaryFile(prefix="fengtai-bench-", suffix=".zip", delete=False) as out:
        tracemalloc.start()
        tracemalloc.reset_peak()
        baseline = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        response = StreamingHttpResponse(ez.zip_stream(package), content_type=ez.ZIP_CONTENT_TYPE)
        for chunk in response:
            out.write(chunk)
            chunks += 1
            largest = max(largest, len(chunk))
            streamed += len(chunk)
        response.close()
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] - baseline
        tracemalloc.stop()

    with zipfile.ZipFile(out.name) as archive:
        assert len(archive.namelist()) == count + 1, "every file and the index"
        for entry in entries:
            digest = hashlib.sha256()
            with archive.open(entry.path) as fh:
                for piece in iter(lambda fh=fh: fh.read(MB), b""):
                    digest.update(piece)
            assert digest.hexdigest() == entry.evidence.sha256, entry.path
        assert ez.INDEX_NAME in archive.namelist()
    os.unlink(out.name)
    for entry in entries:
        evidence_storage().delete(entry.evidence.file.name)
    return {
        "count": count,
        "input": count * size,
        "zip": streamed,
        "chunks": chunks,
        "largest_chunk": largest,
        "peak": peak,
        "seconds": elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--size-mb", type=float, default=2.0)
    args = parser.parse_args()
    size = int(args.size_mb * MB)
    rows = [run(count, size) for count in args.counts]
    print(f"evidence package streaming, files of {args.size_mb:g} MB (random bytes), ZIP_STORED")
    print(
        f"{'files':>6} {'input MB':>9} {'zip MB':>8} {'chunks':>7} {'max chunk KiB':>14}"
        f" {'peak MiB':>9} {'peak/input':>11} {'s':>6}"
    )
    for r in rows:
        print(
            f"{r['count']:>6} {r['input'] / MB:>9.1f} {r['zip'] / MB:>8.1f} {r['chunks']:>7}"
            f" {r['largest_chunk'] / 1024:>14.1f} {r['peak'] / MB:>9.2f}"
            f" {r['peak'] / r['input']:>11.4f} {r['seconds']:>6.2f}"
        )
    ratio = rows[-1]["peak"] / rows[0]["peak"]
    growth = rows[-1]["input"] / rows[0]["input"]
    print(
        f"peak ratio {rows[-1]['count']} files / {rows[0]['count']} files: {ratio:.2f}"
        f" (input grew {growth:.0f}×; ~1 means memory is bounded)"
    )


if __name__ == "__main__":
    main()
