"""The benchmark data sets: a city-scale district and a small one, built fast.

    .venv/bin/python benchmarks/city.py --size small   # database fengtai_bench_small
    .venv/bin/python benchmarks/city.py --size city    # database fengtai_bench_city

Drops and re-creates the PostgreSQL database (DATABASE_URL names the server; the database name
is replaced), migrates it, builds the data set with `build()` and runs ANALYZE (autovacuum is
off on the shared server, so the planner would otherwise see empty tables).

What goes through the project's own services, because its correctness is what the pages
read: the catalogue and figure templates (loaddata), the accounts (seed_demo), each cycle's
creation as a copy of the previous one (cycle_create), its scheme (scheme_update, first
cycle), 相关成员单位 (designation_add), its opening (cycle_transition → slots_sync → the
permission grants of scoring/cycles/grants.py slots_grant_to_unit), and every cycle
transition with its CycleEvent (review, publish with its notices, archive).

What is bulk-built, because the services would take hours at 43k slots (one row lock, one
audit event and one file validation per call): the slots' states, versions, figure values,
evidence rows and the SubmissionEvent rows those services would have written (saved,
submitted, returned, approved, scored, marked N/A: one per step, with actor and reason).
Evidence rows point at a few real tiny PDFs with their real SHA-256 (shared between rows:
the pages read rows, not bytes); the 2 GB ZIP is measured separately (bench_evidence_zip).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Size:
    name: str
    cycles: int
    extra_units: int  # member units added to the 12 of the seed
    files_per_slot: int = 5


SIZES = {
    "city": Size("city", cycles=10, extra_units=200),
    "small": Size("small", cycles=1, extra_units=0),
}
DATABASES = {"city": "fengtai_bench_city", "small": "fengtai_bench_small"}
CURRENT_YEAR = 2026
DISTINCT_PDFS = 20
GRADES = (Decimal("1"), Decimal("0.8"), Decimal("0.6"), Decimal("0"))
# What a slot of the open cycle becomes, by its position modulo 20 (deterministic).
OPEN_PLAN = (
    ["approved"] * 6
    + ["submitted"] * 3
    + ["returned"] * 2
    + ["draft"] * 3
    + ["na"]
    + ["not_started"] * 5
)


@dataclass
class Built:
    cycles: int
    units: int
    slots: int
    versions: int
    files: int
    seconds: float


def _pdfs() -> list[tuple[str, str, int]]:
    """A few real tiny PDFs in evidence storage: (name, sha256, size)."""
    from scoring.demo.files import pdf_bytes
    from scoring.models.evidence import evidence_storage

    storage = evidence_storage()
    out = []
    for i in range(DISTINCT_PDFS):
        content = pdf_bytes(f"佐证材料{i}")
        path = Path(storage.path(f"bench/{i:03d}.pdf"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        out.append((f"bench/{i:03d}.pdf", hashlib.sha256(content).hexdigest(), len(content)))
    return out


def _extra_units(count: int) -> None:
    from units.models import Unit

    Unit.objects.bulk_create(
        Unit(
            name=f"基准成员单位{i:03d}",
            code=f"bench{i:03d}",
            is_member=True,
            display_order=1000 + i,
        )
        for i in range(count)
    )


def _fill(cycle, *, plan_for, office, pdfs, files_per_slot: int, at: datetime) -> tuple[int, int]:
    """Bulk-write the states, versions, files and events the services would have written.

    A unit with a unit approver (单位审核人) holds its submitted slots in 待单位审核.
    """
    from scoring.models import (
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
    from units.models import Unit
    from units.permissions import unit_has_approver

    slots = list(
        Slot.objects.filter(cycle=cycle).select_related("indicator", "unit").order_by("pk")
    )
    signing = {u.pk for u in Unit.objects.all() if unit_has_approver(u)}
    points = dict(CycleIndicator.objects.filter(cycle=cycle).values_list("indicator_id", "points"))
    fields: dict[int, list] = {}
    for field in FigureField.objects.filter(cycle=cycle).exclude(kind="ratio"):
        fields.setdefault(field.indicator_id, []).append(field)
    versions, values, events, with_versions = [], [], [], []
    for slot in slots:
        # Keyed on (indicator, unit), not on the position: a seed unit's slot is in the same
        # state at both sizes, so a page measured on it reads the same data shape.
        i = slot.indicator.number * 7 + slot.unit.display_order
        plan = plan_for(i)
        figures = {
            f.code: str(100 + (i * 7 + cycle.year) % 97) for f in fields.get(slot.indicator_id, ())
        }

        def event(action, *, to="", frm="", reason="", number=None, data=None, slot=slot):
            events.append(
                SubmissionEvent(
                    slot=slot,
                    action=action,
                    actor=office,
                    from_status=frm,
                    to_status=to,
                    reason=reason,
                    version_number=number,
                    data=data or {},
                )
            )

        if plan in ("approved", "submitted", "returned"):
            count = 2 if i % 7 == 0 and plan != "returned" else 1
            for number in range(1, count + 1):
                versions.append(
                    SubmissionVersion(
                        slot=slot,
                        number=number,
                        text=f"{cycle.name}工作情况说明（基准数据）第 {number} 版。",
                        self_score=points[slot.indicator_id],
                        figures=figures,
                        submitted_by=office,
                        submitted_at=at,
                    )
                )
                event(EventAction.SUBMITTED, frm="draft", to="submitted", number=number)
                if number < count:
                    event(
                        EventAction.RETURNED,
                        frm="submitted",
                        to="returned",
                        reason="请补充佐证材料。",
                    )
            slot.current_version = count
            slot.text = f"{cycle.name}工作情况说明（基准数据）第 {count} 版。"
            slot.self_score = points[slot.indicator_id]
            slot.revision = count
            with_versions.append((slot, count))
        if plan == "approved":
            share = GRADES[i % len(GRADES)]
            slot.status = SlotStatus.APPROVED
            slot.score = (points[slot.indicator_id] * share).quantize(Decimal("0.01"))
            slot.score_comment = "" if share == 1 else "佐证材料不够完整，酌情扣分。"
            slot.scored_by = office
            slot.scored_at = at
            event(EventAction.APPROVED, frm="submitted", to="approved")
            event(EventAction.SCORED, data={"score": str(slot.score)})
        elif plan == "submitted" and slot.unit_id in signing:
            slot.status = SlotStatus.PENDING_APPROVAL
            events[-1].to_status = SlotStatus.PENDING_APPROVAL
        elif plan == "submitted":
            slot.status = SlotStatus.SUBMITTED
        elif plan == "returned":
            slot.status = SlotStatus.RETURNED
            slot.returned_by_office = True
            slot.return_reason = "请补充统计口径说明。"
            event(EventAction.RETURNED, frm="submitted", to="returned", reason=slot.return_reason)
        elif plan == "draft":
            slot.status = SlotStatus.DRAFT
            slot.text = "草稿（基准数据）"
            slot.revision = 1
            values.extend(
                FigureValue(slot=slot, field=f, value=Decimal(figures[f.code]))
                for f in fields.get(slot.indicator_id, ())
            )
            event(EventAction.SAVED, frm="not_started", to="draft")
        elif plan == "na":
            slot.not_applicable = True
            slot.score_comment = "本单位不涉及此项工作。"
            event(EventAction.MARKED_NA, reason=slot.score_comment)
    Slot.objects.bulk_update(
        slots,
        [
            "status",
            "text",
            "self_score",
            "revision",
            "current_version",
            "score",
            "score_comment",
            "scored_by",
            "scored_at",
            "returned_by_office",
            "return_reason",
            "not_applicable",
        ],
        batch_size=1000,
    )
    SubmissionVersion.objects.bulk_create(versions, batch_size=1000)
    FigureValue.objects.bulk_create(values, batch_size=1000)
    SubmissionEvent.objects.bulk_create(events, batch_size=1000)
    files = []
    for n, (slot, _count) in enumerate(with_versions):
        for k in range(files_per_slot):
            name, sha, size = pdfs[(n + k) % len(pdfs)]
            files.append(
                EvidenceFile(
                    slot=slot,
                    title=f"佐证材料{k + 1}",
                    original_name=f"佐证材料{k + 1}.pdf",
                    file=name,
                    size=size,
                    sha256=sha,
                    content_type="application/pdf",
                    in_draft=True,
                    uploaded_by=office,
                    uploaded_at=at,
                )
            )
    EvidenceFile.objects.bulk_create(files, batch_size=1000)
    by_slot: dict[int, list[int]] = {}
    for f in files:
        by_slot.setdefault(f.slot_id, []).append(f.pk)
    through = SubmissionVersion.files.through
    through.objects.bulk_create(
        (
            through(submissionversion_id=v.pk, evidencefile_id=pk)
            for v in versions
            for pk in by_slot[v.slot_id]
        ),
        batch_size=2000,
    )
    return len(versions), len(files)


def build(size: Size, *, log=print) -> Built:
    """Build `size` into the (migrated, empty) default database."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from indicators.models import Indicator
    from scoring.cycles.services import cycle_create, cycle_transition, designation_add
    from scoring.demo.sample import _demo_scheme
    from scoring.models import Cycle, Slot
    from units.models import Unit

    started = time.perf_counter()
    call_command("loaddata", "catalogue", "figure_defaults", verbosity=0)
    _extra_units(size.extra_units)
    call_command("seed_demo", force=True, verbosity=0)
    office = get_user_model().objects.get(username="office")
    pdfs = _pdfs()
    tz = timezone.get_current_timezone()
    previous = None
    versions = files = 0
    first_year = CURRENT_YEAR - size.cycles + 1
    for year in range(first_year, CURRENT_YEAR + 1):
        cycle_started = time.perf_counter()
        current = year == CURRENT_YEAR
        opens = datetime(year, 3, 1, tzinfo=tz)
        deadline = (
            timezone.now() + timedelta(days=30) if current else datetime(year, 11, 30, tzinfo=tz)
        )
        if current:
            opens = timezone.now() - timedelta(days=60)
        cycle = cycle_create(
            name=f"{year}年度",
            year=year,
            opens_at=opens,
            deadline=deadline,
            previous=previous,
            actor=office,
        )
        if previous is None:
            _demo_scheme(cycle, office)
            designated = Indicator.objects.filter(member_scope="designated")
            members = list(Unit.objects.members().order_by("display_order", "id")[:3])
            for indicator in designated:
                for unit in members:
                    designation_add(cycle=cycle, indicator=indicator, unit=unit, actor=office)
        cycle_transition(cycle=cycle, action="open", actor=office)
        if current:
            plan = lambda i: OPEN_PLAN[i % len(OPEN_PLAN)]  # noqa: E731
        else:
            plan = lambda i: "na" if i % 25 == 0 else "approved"  # noqa: E731
        v, f = _fill(
            cycle,
            plan_for=plan,
            office=office,
            pdfs=pdfs,
            files_per_slot=size.files_per_slot,
            at=deadline,
        )
        versions += v
        files += f
        if not current:
            cycle_transition(cycle=cycle, action="start_review", actor=office)
            cycle_transition(cycle=cycle, action="publish", actor=office)
            if year < CURRENT_YEAR - 1:
                cycle_transition(cycle=cycle, action="archive", actor=office)
        slots = Slot.objects.filter(cycle=cycle).count()
        took = time.perf_counter() - cycle_started
        log(f"  {cycle.name}: {slots} slots, {v} versions, {f} files ({took:.0f} s)")
        previous = cycle
    return Built(
        cycles=Cycle.objects.count(),
        units=Unit.objects.filter(is_active=True).count(),
        slots=Slot.objects.count(),
        versions=versions,
        files=files,
        seconds=time.perf_counter() - started,
    )


def database_url(server_url: str, name: str) -> str:
    base = server_url.rsplit("/", 1)[0]
    return f"{base}/{name}"


def recreate_database(server_url: str, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(database_url(server_url, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def drop_database(server_url: str, name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(database_url(server_url, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER_URL", DEFAULT_SERVER))
    args = parser.parse_args()
    name = DATABASES[args.size]
    recreate_database(args.server, name)
    os.environ["DATABASE_URL"] = database_url(args.server, name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengtai_assess.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-build-only-" + os.urandom(16).hex())
    os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"building {args.size} into {name}")
    built = build(SIZES[args.size])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built {args.size}: {built.cycles} cycles, {built.units} units, {built.slots} slots,"
        f" {built.versions} versions, {built.files} files in {built.seconds:.0f} s"
    )


if __name__ == "__main__":
    main()
