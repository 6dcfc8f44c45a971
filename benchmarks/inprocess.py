"""The bench's in-process measurements against one bench database (run by benchmarks/run.py).

    DATABASE_URL=postgres://…/fengtai_bench_city .venv/bin/python benchmarks/inprocess.py export
    DATABASE_URL=… .venv/bin/python benchmarks/inprocess.py profile --user office /review/ …

`export`: times `manage.py export_summary` for the current cycle, then measures its peak
Python memory (tracemalloc, a second run: tracing slows the code), then writes the same cells
(read back from the file) with a raw openpyxl write-only workbook, timed and traced the same
way. Prints one JSON object.

`profile`: renders each URL once as the user (django.test.Client, force_login) under
pyinstrument and prints the profile's text, the hot spots first.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengtai_assess.settings")

import django  # noqa: E402

django.setup()


def _timed(function) -> float:
    gc.collect()
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _peak(function) -> int:
    gc.collect()
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def export() -> dict:
    from django.core.management import call_command
    from openpyxl import Workbook, load_workbook

    from scoring.cycles.selectors import cycle_current

    cycle = cycle_current()
    work = Path(tempfile.mkdtemp(prefix="fengtai-bench-export-"))
    target = work / "summary.xlsx"

    def command():
        call_command("export_summary", str(target), cycle=cycle.name, stdout=io.StringIO())

    command()  # warm-up: imports, caches
    seconds = _timed(command)
    peak = _peak(command)

    source = load_workbook(target, read_only=True)
    sheets = [
        (ws.title, [list(row) for row in ws.iter_rows(values_only=True)])
        for ws in source.worksheets
    ]
    source.close()
    cells = sum(len(row) for _, rows in sheets for row in rows)

    def raw():
        book = Workbook(write_only=True)
        for title, rows in sheets:
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        book.save(work / "raw.xlsx")

    raw()
    raw_seconds = _timed(raw)
    raw_peak = _peak(raw)
    return {
        "cycle": cycle.name,
        "sheets": len(sheets),
        "cells": cells,
        "bytes": target.stat().st_size,
        "seconds": seconds,
        "peak": peak,
        "raw_seconds": raw_seconds,
        "raw_peak": raw_peak,
    }


def profile(username: str, urls: list[str]) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from pyinstrument import Profiler

    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    for url in urls:
        client.get(url)  # warm-up
        profiler = Profiler(interval=0.002)
        profiler.start()
        response = client.get(url)
        profiler.stop()
        print(f"=== {url} as {username}: HTTP {response.status_code}")
        print(profiler.output_text(unicode=False, color=False, show_all=False, short_mode=True))
        print("--- flat (self time)")
        print(profiler.output_text(unicode=False, color=False, flat=True))


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("export")
    p = sub.add_parser("profile")
    p.add_argument("--user", required=True)
    p.add_argument("urls", nargs="+")
    args = parser.parse_args()
    if args.what == "export":
        print(json.dumps(export()))
    else:
        profile(args.user, args.urls)


if __name__ == "__main__":
    main()
