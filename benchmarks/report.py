"""docs/benchmarks.md from the figures benchmarks/run.py measured (plus benchmarks/NOTES.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
MB = 1024 * 1024
RATIO_TARGET, RATIO_GOAL, P99_TARGET = 0.3, 0.5, 1.0


def _ms(seconds: float) -> str:
    if seconds != seconds:  # NaN: wrk printed no such percentile
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _page_table(entry: dict) -> list[str]:
    ping = next(m for m in entry["pages"] if m.page.key == "ping")
    lines = [
        "| page | role | req/s | ratio to trivial | p50 | p99 | queries | HTML | checked |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in entry["pages"]:
        ratio = m.rps / ping.rps if ping.rps else 0
        checked = "200 + marker" if not m.errors else "; ".join(m.errors)
        lines.append(
            f"| {m.page.label} | {m.page.user} | {m.rps:.1f} | {ratio:.3f}× | {_ms(m.p50)}"
            f" | {_ms(m.p99)} | {m.queries} | {m.size / 1024:.0f} KB | {checked} |"
        )
    return lines


def _targets(report: dict) -> list[str]:
    sizes = report["sizes"]
    city = sizes.get("city")
    small = sizes.get("small")
    lines = ["| target | measured | verdict |", "|---|---|---|"]
    if city:
        ping = next(m for m in city["pages"] if m.page.key == "ping")
        for m in city["pages"]:
            if m.page.key == "ping":
                continue
            ratio = m.rps / ping.rps if ping.rps else 0
            goal = " (goal 0.5× met)" if ratio >= RATIO_GOAL else ""
            lines.append(
                f"| {m.page.label}: ≥ 0.3× trivial req/s | {ratio:.3f}× ({m.rps:.1f} / {ping.rps:.0f})"
                f"{goal} | {_verdict(ratio >= RATIO_TARGET)} |"
            )
            lines.append(
                f"| {m.page.label}: p99 < 1 s at 16 connections | {_ms(m.p99)} | {_verdict(m.p99 < P99_TARGET)} |"
            )
    if city and small:
        by_key = {m.page.key: m for m in small["pages"]}
        for m in city["pages"]:
            s = by_key.get(m.page.key)
            if s is None or m.page.key == "ping":
                continue
            lines.append(
                f"| {m.page.label}: queries equal at both sizes | small {s.queries}, city {m.queries}"
                f" | {_verdict(s.queries == m.queries)} |"
            )
        ping_city = next(m for m in city["pages"] if m.page.key == "ping")
        ping_small = by_key["ping"]
        for key in ("dashboard", "results"):
            c, s = next(m for m in city["pages"] if m.page.key == key), by_key[key]
            # Cost in trivial-view requests, so that a different machine load during the two
            # sizes' runs does not count as a difference between the sizes.
            cost_small = ping_small.rps / s.rps if s.rps else float("inf")
            cost_city = ping_city.rps / c.rps if c.rps else float("inf")
            growth = cost_city / cost_small
            lines.append(
                f"| {c.page.label}: same cost at 12 and 212 units | {cost_small:.0f} trivial requests"
                f" at small, {cost_city:.0f} at city ({growth:.1f}×); HTML {s.size / 1024:.0f} KB →"
                f" {c.size / 1024:.0f} KB | {_verdict(growth < 1.25)} |"
            )
        dc, ds = city["download"], small["download"]
        if "queries" in dc and "queries" in ds:
            lines.append(
                f"| summary workbook: queries equal at both sizes | small {ds['queries']}, city {dc['queries']}"
                f" | {_verdict(ds['queries'] == dc['queries'])} |"
            )
    big = city or small
    if big:
        e = big["export"]
        ratio = e["seconds"] / e["raw_seconds"]
        lines.append(
            f"| export_summary ≤ 2× a raw openpyxl write of the same cells | {e['seconds']:.1f} s vs"
            f" {e['raw_seconds']:.1f} s = {ratio:.1f}× | {_verdict(ratio <= 2)} |"
        )
        lines.append(
            f"| export_summary peak < 200 MB | {e['peak'] / MB:.0f} MiB (raw write {e['raw_peak'] / MB:.0f} MiB)"
            f" | {_verdict(e['peak'] < 200 * MB)} |"
        )
        up = big.get("upload") or (small or {}).get("upload")
        if up:
            lines.append(
                f"| {up['megabytes']} MB upload < 30 MB worker growth | {up['growth_mb']:.1f} MB"
                f" (HTTP {up['status']}, {'accepted' if up['accepted'] else 'refused'})"
                f" | {_verdict(up['growth_mb'] < 30)} |"
            )
    z = report.get("zip")
    if z:
        row = z["rows"][-1]
        lines.append(
            f"| evidence ZIP of {row['zip_mb'] / 1024:.1f} GB < 100 MB peak | {row['peak_mib']:.1f} MiB Python"
            f" peak, {z['process_maxrss_mb']:.0f} MB process max RSS | {_verdict(z['process_maxrss_mb'] < 100)} |"
        )
    return lines


def database_section(size: str, d: dict) -> list[str]:
    """The database size of the built data set, per 10,000 slots (benchmarks/run.py
    measure_database): the figure docs/部署与扩展.md sizes the city-wide database with."""
    per = d["per_10k_slots_bytes"]
    rows = d["rows"]
    slots = d["slots"] or 1
    lines = [
        f"Database size ({d['database']}, measured {d['measured_at']}): `pg_database_size`"
        f" {d['bytes'] / MB:.0f} MiB for {d['slots']} slots → **{per / MB:.1f} MiB per 10,000"
        f" slots** (tables, indexes, TOAST and the system catalogues; evidence files are"
        f" outside the database). Per slot: {rows['versions'] / slots:.2f} submitted versions,"
        f" {rows['evidence_rows'] / slots:.2f} evidence rows, {rows['submission_events'] / slots:.2f}"
        f" workflow events, {rows['slot_permissions'] / slots:.2f} object-permission rows;"
        f" {rows['security_events']} security audit rows in all.",
        "",
        "| table | rows | total (with indexes, TOAST) | of which heap | per 10,000 slots |",
        "|---|---:|---:|---:|---:|",
    ]
    for t in d["tables"]:
        lines.append(
            f"| {t['table']} | {t['rows']} | {t['bytes'] / MB:.1f} MiB | {t['heap_bytes'] / MB:.1f} MiB"
            f" | {t['per_10k_slots_bytes'] / MB:.1f} MiB |"
        )
    return [*lines, ""]


def write_markdown(report: dict) -> str:
    m = report["machine"]
    out = [
        "# Benchmarks (issue 11: fast at city scale)",
        "",
        f"Written by `make bench` (benchmarks/run.py) on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "The figures are one run (load average"
        f" {m['load'][0]:.1f} / {m['load'][1]:.1f} / {m['load'][2]:.1f} at the start: anything else"
        " running on the machine makes absolute req/s noisy); the ratios to the trivial view,"
        " measured in the same minute by the same server, and the query counts are what count.",
        "",
        "## Machine",
        "",
        f"- {m['nproc']} CPU cores ({m['cpu']}), {m['memory_mb']} MB memory",
        f"- PostgreSQL {m['postgresql']} on 127.0.0.1 (autovacuum off; the bench runs ANALYZE after loading)",
        f"- Python {m['python']}, gunicorn 2 sync workers, {m['wrk']}",
        "",
        "## Targets",
        "",
        *_targets(report),
        "",
    ]
    notes = HERE / "NOTES.md"
    if notes.exists():
        out += [notes.read_text(encoding="utf-8").strip(), ""]
    for size, entry in report["sizes"].items():
        ids = entry["ids"]
        out += [
            f"## {size}: {ids['cycles']} cycles, {ids['units']} units, {ids['slots']} slots"
            f" ({ids['cycle_slots']} in the open cycle {ids['cycle_name']}), {ids['files']} evidence rows",
            "",
        ]
        if entry.get("build"):
            out += [f"Build: {entry['build']}.", ""]
        if entry.get("database"):
            out += database_section(size, entry["database"])
        a = report["args"]
        out += [
            f"`wrk -t{a['threads']} -c{a['connections']} -d{a['duration']}s --latency` after a"
            f" {a['warmup']} s warm-up at 4 connections; queries per request from the X-Bench-Queries"
            " header (FENGTAI_BENCH=1); every URL was checked before and after the load to answer"
            " 200 with its own page marker, logged in through the login form as the role shown.",
            "",
            *_page_table(entry),
            "",
        ]
        d = entry["download"]
        if "error" in d:
            out += [f"Summary workbook download: {d['error']}", ""]
        else:
            out += [
                f"Summary workbook download (leader, open cycle, median of 3 sequential):"
                f" {d['seconds']:.2f} s, {d['queries']} queries, {d['bytes'] / 1024:.0f} KB.",
                "",
            ]
        e = entry["export"]
        out += [
            f"`export_summary --cycle {e['cycle']}` in-process: {e['seconds']:.2f} s, peak"
            f" {e['peak'] / MB:.1f} MiB (tracemalloc, separate run); a raw openpyxl write-only workbook"
            f" of the same {e['cells']} cells in {e['sheets']} sheets: {e['raw_seconds']:.2f} s, peak"
            f" {e['raw_peak'] / MB:.1f} MiB → {e['seconds'] / e['raw_seconds']:.1f}× the time.",
            "",
        ]
        up = entry.get("upload")
        if up:
            out += [
                f"{up['megabytes']} MB upload (one gunicorn worker, a PDF of random bytes, evidence size"
                f" limits raised for the run): HTTP {up['status']}, {'accepted' if up['accepted'] else 'refused: ' + up['answer']};"
                f" worker VmRSS {up['rss_before_mb']:.1f} MB before, VmHWM {up['hwm_mb']:.1f} MB,"
                f" VmRSS {up['rss_after_mb']:.1f} MB after → growth {up['growth_mb']:.1f} MB;"
                f" {up['seconds']:.1f} s.",
                "",
            ]
    z = report.get("zip")
    if z:
        out += [
            "## Evidence ZIP",
            "",
            "benchmarks/bench_evidence_zip.py on its own storage (random-byte files of 2 MB, streamed"
            " through the view's StreamingHttpResponse to a file on disk, every entry's SHA-256"
            " checked afterwards):",
            "",
            "| files | input | ZIP | Python peak (tracemalloc) | time |",
            "|---:|---:|---:|---:|---:|",
        ]
        for row in z["rows"]:
            out.append(
                f"| {row['files']} | {row['input_mb']:.0f} MB | {row['zip_mb']:.0f} MB"
                f" | {row['peak_mib']:.2f} MiB | {row['seconds']:.1f} s |"
            )
        out += ["", f"Process maximum RSS over the whole run: {z['process_maxrss_mb']:.0f} MB.", ""]
    profiles = report.get("profiles") or {}
    if profiles:
        out += [
            "## Profiles of the pages that miss a target (pyinstrument, city, in-process, one request)",
            "",
        ]
        for key, text in profiles.items():
            tree, _, flat = text.partition("--- flat (self time)")
            lines = [line for line in tree.splitlines() if line.strip()]
            # From the view down: the middleware frames above it are the same on every page.
            start = next(
                (i for i, line in enumerate(lines) if "views" in line and ".py" in line), 0
            )
            lines = lines[start : start + 35]
            flat = flat.split("Profile at", 1)[-1].split("\n", 1)[-1]
            top = [line for line in flat.splitlines() if line.strip()][:15]
            out += [
                f"### {key}",
                "",
                "```",
                *lines,
                "```",
                "",
                "Self time:",
                "",
                "```",
                *top,
                "```",
                "",
            ]
    out += [
        "## How to reproduce",
        "",
        "```bash",
        "make bench                      # installs wrk (as root), builds both data sets, measures, writes this file",
        ".venv/bin/python benchmarks/run.py --skip-build --keep   # again on the databases already built",
        ".venv/bin/python benchmarks/run.py --sizes small --duration 3 --out /tmp/bench.md  # a quick look",
        ".venv/bin/python benchmarks/city.py --size city           # only build fengtai_bench_city",
        "```",
        "",
        "`BENCH_SERVER_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`) names the PostgreSQL"
        " server; the bench creates and drops `fengtai_bench_city` and `fengtai_bench_small` there"
        " (`--keep` keeps them). `BENCH_WORK_DIR` (default `/tmp/fengtai-bench`) holds the evidence"
        " files, collected static files and the gunicorn logs.",
        "",
        "### What the data builder does through the services, and what it bulk-builds",
        "",
        (HERE / "city.py").read_text(encoding="utf-8").split('"""')[1].split("\n\n", 2)[2].strip(),
        "",
    ]
    return "\n".join(out) + "\n"
