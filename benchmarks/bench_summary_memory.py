"""Peak memory of the summary export (考核汇总表) for a large cycle, at 1× and N× its size.

    .venv/bin/python benchmarks/bench_summary_memory.py [--units 200] [--factor 4]

Builds the demo (seed_demo --sample-data) in a scratch SQLite file under /tmp, or in the
database BENCH_DATABASE_URL names (already migrated), then adds `units` member units so that
各成员单位 expands to thousands of slots, and fills those with submissions, approvals, scores,
不适用, returns, drafts, evidence and figures. The export is measured with tracemalloc; then
everything is rolled back and the same is done with `units × factor` member units. Prints the
slots and rows, the peak per size and the ratio peak_N / peak_1. Reports only: no assertion,
and the wall clock it prints is for information.

Not collected by pytest (the file name does not start with test_).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = Path(tempfile.gettempdir()) / "fengtai-bench-summary.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengtai_assess.settings_test")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{SCRATCH}")

import django  # noqa: E402

django.setup()

from decimal import Decimal  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from reports.exporters import summary_workbook  # noqa: E402
from scoring.cycles.services import slots_sync  # noqa: E402
from scoring.models import (  # noqa: E402
    Cycle,
    CycleIndicator,
    EventAction,
    EvidenceFile,
    FigureField,
    FigureValue,
    Slot,
    SlotStatus,
    SubmissionEvent,
    SubmissionVersion,
)
from scoring.results.selectors import cycle_results  # noqa: E402
from units.models import Unit  # noqa: E402

# What each new slot becomes, by its position modulo 20 (deterministic, no randomness).
PLAN = (
    ["approved"] * 8
    + ["submitted"] * 3
    + ["returned"] * 2
    + ["draft"] * 2
    + ["na"]
    + ["not_started"] * 4
)
GRADES = (Decimal("1"), Decimal("0.8"), Decimal("0.6"), Decimal("0"))


def prepare_scratch_database() -> None:
    if "BENCH_DATABASE_URL" in os.environ:
        return
    SCRATCH.unlink(missing_ok=True)
    call_command("migrate", verbosity=0)


def grow(cycle: Cycle, *, units: int) -> int:
    """Add `units` member units with filled-in slots; returns the cycle's slot count."""
    office = get_user_model().objects.get(username="office")
    Unit.objects.bulk_create(
        Unit(
            name=f"测试成员单位{i:04d}",
            code=f"bench{i:04d}",
            is_member=True,
            display_order=1000 + i,
        )
        for i in range(units)
    )
    slots_sync(cycle=cycle)
    new = list(Slot.objects.filter(cycle=cycle, unit__code__startswith="bench").order_by("pk"))
    points = dict(CycleIndicator.objects.filter(cycle=cycle).values_list("indicator_id", "points"))
    fields: dict[int, list[FigureField]] = {}
    for field in FigureField.objects.filter(cycle=cycle).exclude(kind="ratio"):
        fields.setdefault(field.indicator_id, []).append(field)
    now = timezone.now()
    versions, figure_values, approved = [], [], []
    for i, slot in enumerate(new):
        plan = PLAN[i % len(PLAN)]
        figures = {f.code: str(1000 + i % 97) for f in fields.get(slot.indicator_id, ())}
        if plan in ("approved", "submitted", "returned"):
            slot.current_version = 1
            versions.append(
                SubmissionVersion(
                    slot=slot,
                    number=1,
                    text="本年度工作情况说明（测试数据）。",
                    figures=figures,
                    submitted_by=office,
                    submitted_at=now,
                )
            )
        if plan == "approved":
            share = GRADES[i % len(GRADES)]
            slot.status = SlotStatus.APPROVED
            slot.score = (points[slot.indicator_id] * share).quantize(Decimal("0.01"))
            slot.score_comment = "" if share == 1 else "佐证材料不够完整，酌情扣分。"
            slot.scored_by = office
            approved.append(slot)
        elif plan == "submitted":
            slot.status = SlotStatus.SUBMITTED
        elif plan == "returned":
            slot.status = SlotStatus.RETURNED
            slot.returned_by_office = True
            slot.return_reason = "请补充统计口径说明。"
        elif plan == "draft":
            slot.status = SlotStatus.DRAFT
            slot.text = "草稿"
            figure_values.extend(
                FigureValue(slot=slot, field=f, value=Decimal(figures[f.code]))
                for f in fields.get(slot.indicator_id, ())
            )
        elif plan == "na":
            slot.not_applicable = True
            slot.score_comment = "本单位不涉及此项工作。"
    Slot.objects.bulk_update(
        new,
        [
            "status",
            "current_version",
            "score",
            "score_comment",
            "scored_by",
            "returned_by_office",
            "return_reason",
            "text",
            "not_applicable",
        ],
        batch_size=500,
    )
    SubmissionVersion.objects.bulk_create(versions, batch_size=500)
    FigureValue.objects.bulk_create(figure_values, batch_size=500)
    SubmissionEvent.objects.bulk_create(
        (
            SubmissionEvent(slot=s, action=EventAction.APPROVED, actor=office, to_status="approved")
            for s in approved
        ),
        batch_size=500,
    )
    files = EvidenceFile.objects.bulk_create(
        (
            EvidenceFile(
                slot=v.slot,
                title="佐证材料",
                original_name=f"佐证材料{v.slot.pk}.pdf",
                file=f"bench/{v.slot.pk}.pdf",
                size=1,
                sha256="0" * 64,
                content_type="application/pdf",
                in_draft=False,
                uploaded_by=office,
                uploaded_at=now,
            )
            for v in versions
        ),
        batch_size=500,
    )
    through = SubmissionVersion.files.through
    through.objects.bulk_create(
        (
            through(submissionversion_id=v.pk, evidencefile_id=f.pk)
            for v, f in zip(versions, files, strict=True)
        ),
        batch_size=500,
    )
    return Slot.objects.filter(cycle=cycle).count()


def peak_of(function) -> tuple[int, float, object]:
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    result = function()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, elapsed, result


class Rollback(Exception):
    pass


def run(units: int, *, warm_up: bool) -> dict:
    measured: dict = {}
    try:
        with transaction.atomic():
            call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
            call_command("seed_demo", force=True, sample_data=True, verbosity=0)
            cycle = Cycle.objects.get(name="2026年度")
            measured["slots"] = grow(cycle, units=units)
            if warm_up:  # imports and caches, so the first measurement is not inflated
                summary_workbook(cycle=cycle)
            measured["results_peak"], _, _ = peak_of(lambda: cycle_results(cycle))
            peak, elapsed, rendered = peak_of(lambda: summary_workbook(cycle=cycle))
            measured.update(peak=peak, seconds=elapsed, rows=rendered.rows, size=len(rendered.data))
            raise Rollback
    except Rollback:
        pass
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200, help="extra member units at 1×")
    parser.add_argument("--factor", type=int, default=4, help="N in N× (default 4)")
    args = parser.parse_args()
    prepare_scratch_database()
    mib = 1024 * 1024
    sizes = [(1, args.units), (args.factor, args.units * args.factor)]
    runs = {}
    for scale, units in sizes:
        runs[scale] = m = run(units, warm_up=scale == 1)
        print(
            f"{scale}×: +{units} member units, {m['slots']} slots; rows "
            + ", ".join(f"{title} {n}" for title, n in m["rows"].items())
        )
        print(
            f"    peak {m['peak'] / mib:.1f} MiB (cycle_results alone {m['results_peak'] / mib:.1f} MiB),"
            f" file {m['size'] / 1024:.0f} KiB, {m['seconds']:.1f} s"
        )
    one, many = runs[1], runs[args.factor]
    print(
        f"ratio peak_{args.factor} / peak_1 = {many['peak'] / one['peak']:.2f} "
        f"for {many['slots'] / one['slots']:.2f}× the slots"
    )


if __name__ == "__main__":
    main()
