"""benchmarks/report.py's database section: sizes scaled to 10,000 slots, one row per table."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from report import MB, database_section  # noqa: E402


def test_the_section_scales_every_size_to_10000_slots():
    measured = {
        "database": "fengtai_bench_city",
        "bytes": 80 * MB,
        "slots": 20000,
        "per_10k_slots_bytes": 40 * MB,
        "tables": [
            {
                "table": "scoring_slot",
                "rows": 20000,
                "bytes": 10 * MB,
                "heap_bytes": 6 * MB,
                "per_10k_slots_bytes": 5 * MB,
            },
        ],  # fmt: skip
        "rows": {
            "versions": 30000,
            "evidence_rows": 90000,
            "submission_events": 60000,
            "security_events": 12,
            "slot_permissions": 40000,
        },
        "measured_at": "2026-12-02 16:00 UTC",
    }
    text = "\n".join(database_section("city", measured))
    assert "`pg_database_size` 80 MiB for 20000 slots → **40.0 MiB per 10,000 slots**" in text
    assert "1.50 submitted versions, 4.50 evidence rows, 3.00 workflow events" in text
    assert "| scoring_slot | 20000 | 10.0 MiB | 6.0 MiB | 5.0 MiB |" in text
