"""The summary workbook opened by LibreOffice, as offices without Excel (or WPS) open it.

LibreOffice trusts the stored results of a file that says it comes from Excel, as openpyxl's
files do, so without the results written in it would show empty subtotals. A profile that forces
recalculation on load shows what the formulas themselves compute.
"""

import os
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reports.exporters import summary_workbook
from scoring.models import Cycle
from scoring.results.selectors import cycle_results

from .test_summary_workbook import num, score_more_of_the_demo, seed_demo

TIMEOUT = 120
RECALCULATE_ON_LOAD = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
  xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


@pytest.fixture
def soffice() -> str:
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (libreoffice/soffice) is not on PATH; CI installs it")
        pytest.skip("LibreOffice (libreoffice/soffice) is not on PATH: install libreoffice-calc")
    return found


@pytest.fixture
def scored(db) -> Cycle:
    return score_more_of_the_demo(seed_demo())


@pytest.fixture
def source(scored, tmp_path) -> Path:
    path = tmp_path / "summary.xlsx"
    summary_workbook(cycle=scored).save(path)
    return path


def convert(soffice: str, source: Path, fmt: str, tmp_path: Path, *, recalculate=False) -> Path:
    """Convert with a fresh profile (never the user's, nor a running instance's)."""
    name = f"{fmt}-{'recalc' if recalculate else 'stored'}"
    profile, outdir = tmp_path / f"profile-{name}", tmp_path / f"out-{name}"
    if recalculate:
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALCULATE_ON_LOAD)
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    converted = outdir / f"{source.stem}.{fmt}"
    assert converted.exists(), f"{result.stdout}\n{result.stderr}"
    assert converted.stat().st_size > 0
    return converted


def _formula_cells(path: Path) -> dict[tuple[str, str], object]:
    """(sheet, cell) → the stored result, for every formula cell of the workbook."""
    data = path.read_bytes()
    formulas = load_workbook(BytesIO(data))
    values = load_workbook(BytesIO(data), data_only=True)
    return {
        (ws.title, cell.coordinate): values[ws.title][cell.coordinate].value
        for ws in formulas
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    }


def _same(a, b) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    return num(a) == pytest.approx(num(b), abs=Decimal("1e-9"))


def test_converts_to_pdf(soffice, source, tmp_path):
    pdf = convert(soffice, source, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_recalculated_formulas_give_the_stored_results(soffice, scored, source, tmp_path):
    ours = _formula_cells(source)
    assert len(ours) > 100
    recalculated = load_workbook(
        convert(soffice, source, "xlsx", tmp_path, recalculate=True), data_only=True
    )
    different = {
        key: (value, recalculated[key[0]][key[1]].value)
        for key, value in ours.items()
        if not _same(value, recalculated[key[0]][key[1]].value)
    }
    assert not different
    final = cycle_results(scored).final
    table = recalculated["总表"]
    assert num(table.cell(table.max_row, 8).value) == final.total


def test_without_recalculating_the_stored_results_show(soffice, source, tmp_path):
    ours = _formula_cells(source)
    shown = load_workbook(convert(soffice, source, "xlsx", tmp_path), data_only=True)
    assert all(_same(value, shown[sheet][cell].value) for (sheet, cell), value in ours.items())
    assert any(num(v) > 0 for v in ours.values() if v not in (None, ""))
