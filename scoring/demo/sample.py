"""A lived-in demo: 2025年度 (archived, with figures for growth) and 2026年度 (open) with
submissions in every state and small real evidence files. Used by `seed_demo --sample-data`.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from indicators.models import Indicator
from scoring.cycles.services import cycle_create, cycle_open, cycle_transition, designation_add
from scoring.demo import files as demo_files
from scoring.evidence.services import evidence_add
from scoring.models import Cycle, CycleIndicator, FigureField, ScoringMethod, Slot
from scoring.results.services import adjustment_add
from scoring.review.services import score_record, submission_approve, submission_return
from scoring.scheme.selectors import scheme_row_for_slot
from scoring.scheme.services import scheme_update
from scoring.submissions.services import (
    DraftInput,
    submission_forward,
    submission_save_draft,
    submission_submit,
)
from units.models import Unit

User = get_user_model()


def _slot(cycle, number, code) -> Slot:
    return Slot.objects.get(cycle=cycle, indicator__number=number, unit__code=code)


def _figures(slot: Slot, values: dict[str, int | str]) -> dict[int, Decimal]:
    fields = {
        f.code: f.pk for f in FigureField.objects.filter(cycle=slot.cycle, indicator=slot.indicator)
    }
    return {fields[code]: Decimal(str(v)) for code, v in values.items()}


def _save(slot, user, text, figures=None, self_score=None):
    slot.refresh_from_db()
    return submission_save_draft(
        slot=slot,
        actor=user,
        draft=DraftInput(
            text=text,
            self_score=Decimal(self_score) if self_score is not None else None,
            figures=_figures(slot, figures or {}),
        ),
        expected_revision=slot.revision,
    )


def _submit(slot, user, now=None):
    slot.refresh_from_db()
    return submission_submit(slot=slot, actor=user, expected_revision=slot.revision, now=now)


def _score_full(slot, office):
    item = scheme_row_for_slot(slot)
    if item.method == ScoringMethod.DIRECT:
        return score_record(slot=slot, actor=office, direct=item.points)
    if item.method == ScoringMethod.DEDUCT:
        return score_record(slot=slot, actor=office)
    return score_record(slot=slot, actor=office, grade="优秀")


def _upload(slot, user, name, content, title=""):
    return evidence_add(
        slot=slot, actor=user, upload=SimpleUploadedFile(name, content), title=title
    )


@transaction.atomic
def seed_sample_data() -> str:
    if Cycle.objects.filter(name="2026年度").exists():
        return "示例数据已存在，未重复创建。"
    office = User.objects.get(username="office")
    users = {
        u.username: u for u in User.objects.filter(username__in=["rsj", "zgh", "cgb", "gzw", "zzb"])
    }
    now = timezone.now()

    # 2025年度: last year's values, so this year's figures show growth.
    last = cycle_create(
        name="2025年度",
        year=2025,
        opens_at=now - timedelta(days=400),
        deadline=now - timedelta(days=340),
        actor=office,
    )
    _demo_scheme(last, office)
    cycle_open(cycle=last, actor=office)
    past = now - timedelta(days=350)
    for number, code, figures in [
        (47, "rsj", {"industrial_workers": 182000}),
        (48, "rsj", {"industrial_workers": 182000, "workers": 402000, "employed": 690000}),
        (38, "rsj", {"trainees": 41200, "upgraded": 9800, "mentorships": 610}),
        (56, "zgh", {"unionised": 3120, "eligible": 3680}),
        (57, "zgh", {"members": 286000, "employees": 331000}),
        (18, "zzb", {"party_members": 12850}),
    ]:
        slot = _slot(last, number, code)
        _save(slot, users[code], "2025年度工作情况（示例）。", figures)
        _submit(slot, users[code], now=past)
        submission_approve(slot=slot, actor=office)
        _score_full(slot, office)
    for action in ("start_review", "publish", "archive"):
        # Only a few sample slots are filled in: the demo publishes with a written reason.
        cycle_transition(
            cycle=last,
            action=action,
            actor=office,
            override_reason="演示数据：2025年度仅录入部分示例填报，其余任务未填报。",
        )

    # 2026年度: open, deadline a month away.
    cycle = cycle_create(
        name="2026年度",
        year=2026,
        opens_at=now - timedelta(days=20),
        deadline=now + timedelta(days=30),
        previous=last,
        actor=office,
    )
    cycle_open(cycle=cycle, actor=office)
    designation_add(
        cycle=cycle, indicator=Indicator.objects.get(number=52), unit=Unit.objects.get(code="zgh")
    )
    rsj, zgh, cgb, gzw = users["rsj"], users["zgh"], users["cgb"], users["gzw"]

    # Draft with figures.
    _save(
        _slot(cycle, 38, "rsj"),
        rsj,
        "全年组织职业技能培训，重点面向农民工和新就业形态劳动者。\n（草稿，待补充师徒结对数据）",
        {"trainees": 45800, "upgraded": 11200, "migrant_trainees": 16300},
    )
    # Submitted, with a PDF and an XLSX.
    slot = _slot(cycle, 47, "rsj")
    _save(
        slot,
        rsj,
        "截至年底全区产业工人约 19.6 万人，较上年增长。\n数据来源：区人社局统计台账。",
        {"industrial_workers": 196400},
        self_score="2",
    )
    _upload(slot, rsj, "产业工人数量统计说明.pdf", demo_files.pdf_bytes("产业工人数量统计说明"))
    _upload(
        slot,
        rsj,
        "产业工人分行业统计表.xlsx",
        demo_files.xlsx_bytes([["行业", "人数"], ["制造业", 82000], ["建筑业", 51000]]),
    )
    _submit(slot, rsj)
    # Returned by the office with a reason.
    slot = _slot(cycle, 48, "rsj")
    _save(
        slot,
        rsj,
        "产业工人占比情况见附表。",
        {"industrial_workers": 196400, "workers": 409000, "employed": 702000},
    )
    _upload(
        slot,
        rsj,
        "占比测算表.xlsx",
        demo_files.xlsx_bytes([["项目", "数值"], ["产业工人", 196400]]),
    )
    _submit(slot, rsj)
    submission_return(
        slot=slot,
        actor=office,
        reason="请补充当地就业总人数的统计口径说明，并附统计部门出具的数据证明。",
    )
    # Resubmitted after a return (version 2).
    slot = _slot(cycle, 32, "rsj")
    _save(
        slot,
        rsj,
        "技能人才结构情况。",
        {
            "senior_workers": 21000,
            "technicians": 5200,
            "senior_technicians": 1300,
            "titled_staff": 8800,
            "skilled_total": 36300,
            "workers_total": 196400,
        },
    )
    _submit(slot, rsj)
    submission_return(slot=slot, actor=office, reason="高级技师人数与附件不一致，请核对。")
    _save(
        slot,
        rsj,
        "技能人才结构情况（已核对高级技师人数）。",
        {
            "senior_workers": 21000,
            "technicians": 5200,
            "senior_technicians": 1280,
            "titled_staff": 8800,
            "skilled_total": 36280,
            "workers_total": 196400,
        },
    )
    _upload(slot, rsj, "技能人才花名册（汇总）.pdf", demo_files.pdf_bytes("技能人才花名册"))
    _submit(slot, rsj)
    # Approved.
    slot = _slot(cycle, 63, "rsj")
    _save(slot, rsj, "落实技能导向的收入分配机制，发布技能人才薪酬价位。", self_score="1")
    _upload(
        slot,
        rsj,
        "收入分配工作方案.docx",
        demo_files.docx_bytes(["丰台区技能人才收入分配工作方案", "一、总体要求", "二、主要措施"]),
    )
    _submit(slot, rsj)
    submission_approve(slot=slot, actor=office)
    score_record(
        slot=slot,
        actor=office,
        grade="良好",
        comment="机制已建立，技能人才薪酬价位发布范围有待扩大。",
    )

    # 区总工会: submitted and approved with a DOCX and a PNG; a draft.
    slot = _slot(cycle, 17, "zgh")
    _save(slot, zgh, "工会产改专项经费预算安排 320 万元，执行率 96%。")
    _upload(
        slot,
        zgh,
        "工会产改专项经费使用情况.docx",
        demo_files.docx_bytes(["工会产改专项经费使用情况", "预算 320 万元，执行率 96%。"]),
    )
    _upload(slot, zgh, "专项经费执行进度图.png", demo_files.png_bytes())
    _submit(slot, zgh)
    submission_approve(slot=slot, actor=office)
    _score_full(slot, office)
    slot = _slot(cycle, 56, "zgh")
    _save(slot, zgh, "推进新就业形态劳动者建会入会。", {"unionised": 3310, "eligible": 3720})
    _submit(slot, zgh)
    _save(
        _slot(cycle, 57, "zgh"),
        zgh,
        "职工入会情况（草稿）。",
        {"members": 297000, "employees": 338000},
    )

    # 区产改办 as a responsible unit; 区国资委 waiting for its unit approver.
    slot = _slot(cycle, 14, "cgb")
    _save(slot, cgb, "编发产改工作简报 12 期、典型案例汇编 1 册。")
    _upload(slot, cgb, "产改简报目录.pdf", demo_files.pdf_bytes("产改简报目录"))
    _submit(slot, cgb)
    _save(_slot(cycle, 75, "cgb"), cgb, "产业工人满意度调查方案（草稿）。")
    slot = _slot(cycle, 20, "gzw")
    _save(
        slot,
        gzw,
        "区属国有企业党建工作全部纳入年度考核。",
        {"assessed_enterprises": 46, "enterprises": 46},
    )
    _submit(slot, gzw)  # the unit has an approver: waits for sign-off
    slot = _slot(cycle, 58, "gzw")
    _save(slot, gzw, "推进厂务公开。", {"open_affairs": 41, "enterprises": 46})
    _submit(slot, gzw)
    submission_forward(slot=slot, actor=User.objects.get(username="gzw_sh"))
    adjustment_add(
        cycle=cycle,
        kind="bonus",
        points=Decimal("1"),
        actor=office,
        reason="产改经验做法被市协调小组办公室专刊推广（示例）",
    )
    return "示例数据已创建：2025年度（已归档）与 2026年度（填报中），含各状态的填报与佐证材料。"


# A plausible scheme for the demo: 一级 weights summing to 100, spread evenly over their
# indicators, with deduction and direct scoring on a few. The office sets the real one.
DEMO_LEVEL1_POINTS = {1: 20, 2: 15, 3: 20, 4: 15, 5: 15, 6: 8, 7: 7}


DEMO_METHODS = {14: ScoringMethod.DIRECT, 47: ScoringMethod.DIRECT, 71: ScoringMethod.DEDUCT}


def _demo_scheme(cycle: Cycle, actor) -> None:
    items = list(CycleIndicator.objects.filter(cycle=cycle).order_by("number"))
    by_level1: dict[int, list[CycleIndicator]] = {}
    for item in items:
        by_level1.setdefault(item.level1_number, []).append(item)
    for level1, group in by_level1.items():
        total = Decimal(DEMO_LEVEL1_POINTS[level1])
        share = (total / len(group)).quantize(Decimal("0.01"))
        for index, item in enumerate(group):
            # The last indicator takes the rounding remainder so the 一级 total is exact.
            points = share if index < len(group) - 1 else total - share * (len(group) - 1)
            scheme_update(
                item=item,
                points=points,
                method=DEMO_METHODS.get(item.number, ScoringMethod.GRADE),
                actor=actor,
            )
