"""Figures: growth against last cycle's submitted values, ratios from numerator/denominator."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from scoring.models import FigureValue
from scoring.review.services import submission_approve
from scoring.submissions.figures import figure_rows
from scoring.submissions.services import submission_save_draft
from tests.scoring.support import draft_for, figure_ids, open_cycle_create, save, slot_of, submit

pytestmark = pytest.mark.django_db


def _rows(slot, version=None):
    return {row.field.code: row for row in figure_rows(slot=slot, version=version)}


@pytest.fixture
def last_year(rsj_reporter, office_user):
    """2025年度 (closed), where 区人社局 submitted 47 and 48 and only drafted 38."""
    cycle = open_cycle_create(name="2025年度", year=2025, opens_in_days=-400, deadline_in_days=-340)
    during = cycle.opens_at + timedelta(days=5)
    for number, figures in (
        (47, {"industrial_workers": 182000}),
        (48, {"industrial_workers": 182000, "workers": 402000, "employed": 690000}),
    ):
        slot = slot_of(cycle, number, "rsj")
        save(slot, rsj_reporter, "2025年度情况。", **figures)
        submit(slot, rsj_reporter, now=during)
        submission_approve(slot=slot, actor=office_user)
    save(slot_of(cycle, 38, "rsj"), rsj_reporter, "未提交的草稿。", trainees=40000)
    return cycle


@pytest.fixture
def this_year(last_year):
    return open_cycle_create(previous=last_year)


def test_growth_against_last_cycles_submitted_value(this_year, rsj_reporter):
    """(196400 − 182000) / 182000 × 100 = 7.912… → 7.91 %."""
    slot = slot_of(this_year, 47, "rsj")
    save(slot, rsj_reporter, "说明。", industrial_workers=196400)
    row = _rows(slot)["industrial_workers"]
    assert (row.value, row.previous) == (Decimal("196400"), Decimal("182000"))
    assert row.growth == Decimal("7.91")


def test_a_decline_is_a_negative_growth(this_year, rsj_reporter):
    """(163800 − 182000) / 182000 × 100 = −10.00 %."""
    slot = slot_of(this_year, 47, "rsj")
    save(slot, rsj_reporter, "说明。", industrial_workers=163800)
    assert _rows(slot)["industrial_workers"].growth == Decimal("-10.00")


def test_no_growth_without_a_submitted_value_last_cycle(this_year, rsj_reporter):
    # 38 was only drafted in 2025年度: a draft is not a reported value.
    slot = slot_of(this_year, 38, "rsj")
    save(slot, rsj_reporter, "说明。", trainees=45800)
    row = _rows(slot)["trainees"]
    assert (row.value, row.previous, row.growth) == (Decimal("45800"), None, None)
    # Without any previous cycle there is nothing to compare with either.
    fresh = open_cycle_create(name="2027年度", year=2027)
    slot = slot_of(fresh, 47, "rsj")
    save(slot, rsj_reporter, "说明。", industrial_workers=1)
    assert _rows(slot)["industrial_workers"].growth is None


def test_no_growth_without_a_value_this_cycle(this_year):
    row = _rows(slot_of(this_year, 47, "rsj"))["industrial_workers"]
    assert (row.value, row.previous, row.growth) == (None, Decimal("182000"), None)


def test_ratios_from_numerator_and_denominator(this_year, rsj_reporter):
    """196400 / 409000 × 100 = 48.019… → 48.02 %; last year 182000 / 402000 → 45.27 %."""
    slot = slot_of(this_year, 48, "rsj")
    save(slot, rsj_reporter, "说明。", industrial_workers=196400, workers=409000, employed=702000)
    rows = _rows(slot)
    assert rows["share_of_workers"].value == Decimal("48.02")
    assert rows["share_of_workers"].previous == Decimal("45.27")
    assert rows["share_of_employed"].value == Decimal("27.98")  # 196400 / 702000
    # Growth is shown for the counts, not for computed shares.
    assert rows["industrial_workers"].growth == Decimal("7.91")


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ({"industrial_workers": 196400, "workers": 0}, None),
        ({"industrial_workers": 196400}, None),
        ({"workers": 409000}, None),
        ({"industrial_workers": 0, "workers": 409000}, Decimal("0.00")),
    ],
)
def test_no_ratio_without_a_usable_denominator(open_cycle, rsj_reporter, figures, expected):
    slot = slot_of(open_cycle, 48, "rsj")
    save(slot, rsj_reporter, "说明。", **figures)
    assert _rows(slot)["share_of_workers"].value == expected


def test_computed_fields_cannot_be_set_through_the_draft(open_cycle, rsj_reporter):
    slot = slot_of(open_cycle, 48, "rsj")
    ids = figure_ids(slot)
    draft = draft_for(
        slot, "说明。", industrial_workers=196400, workers=409000, share_of_workers=99
    )
    assert ids["share_of_workers"] in draft.figures
    submission_save_draft(slot=slot, actor=rsj_reporter, draft=draft, expected_revision=0)
    stored = dict(FigureValue.objects.filter(slot=slot).values_list("field__code", "value"))
    assert stored == {"industrial_workers": Decimal("196400"), "workers": Decimal("409000")}
    assert _rows(slot)["share_of_workers"].value == Decimal("48.02")


def test_a_version_keeps_its_figures_and_its_ratio(this_year, rsj_reporter):
    slot = slot_of(this_year, 48, "rsj")
    save(slot, rsj_reporter, "说明。", industrial_workers=196400, workers=409000)
    version = submit(slot, rsj_reporter)
    assert version.figures == {"industrial_workers": "196400", "workers": "409000"}
    rows = _rows(slot, version)
    assert rows["share_of_workers"].value == Decimal("48.02")
    assert rows["industrial_workers"].growth == Decimal("7.91")
    assert rows["employed"].value is None


def test_the_slot_page_shows_growth_and_ratio(client, this_year, rsj_reporter):
    slot = slot_of(this_year, 48, "rsj")
    save(slot, rsj_reporter, "说明。", industrial_workers=196400, workers=409000)
    client.force_login(rsj_reporter)
    html = client.get(reverse("scoring:slot_detail", args=[slot.pk])).content.decode()
    assert "7.91%" in html
    assert "48.02%" in html
    assert "45.27%" in html


def test_cycle_wide_reads_give_figure_rows_of_every_slot(this_year, rsj_reporter):
    """The summary's reads of a whole cycle (fields, drafts, last cycle's values), put through
    figure_rows_from, give what figure_rows gives each slot: the draft's, and each version's."""
    from scoring.models import Slot
    from scoring.submissions.figures import (
        cycle_draft_values,
        cycle_figure_fields,
        cycle_previous_values,
        figure_rows_from,
        stored_values,
    )

    for number, figures in (
        (47, {"industrial_workers": 196400}),
        (48, {"industrial_workers": 190000, "workers": 410000, "employed": 700000}),
        (38, {"trainees": 41200}),
    ):
        save(slot_of(this_year, number, "rsj"), rsj_reporter, "本年度情况。", **figures)
    submit(slot_of(this_year, 48, "rsj"), rsj_reporter)
    fields = cycle_figure_fields(this_year.pk)
    drafts = cycle_draft_values(this_year.pk)
    previous = cycle_previous_values(this_year, fields)
    assert previous and drafts  # last year's 47 and 48, this year's drafts
    compared = 0
    for slot in Slot.objects.filter(cycle=this_year, indicator_id__in=fields):
        last = previous.get((slot.indicator_id, slot.unit_id), {})
        for version in [None, *slot.versions.all()]:
            values = stored_values(version.figures) if version else drafts.get(slot.pk, {})
            rows = figure_rows_from(fields[slot.indicator_id], values, last)
            assert rows == figure_rows(slot=slot, version=version), (slot, version)
            compared += any(r.value is not None for r in rows)
    assert compared >= 4  # the drafts of 47, 48 and 38, and 48's version
