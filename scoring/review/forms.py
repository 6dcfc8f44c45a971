"""The forms of the office's review actions, shared by the review pages and the admin.

They check input types only (a number, a known choice, the hidden page state); the services,
and for scores scoring.calculations, own every rule and refuse with a Chinese DomainError,
so both UIs give one answer to the same input.
"""

from decimal import Decimal

from django import forms

from common.forms import PlainSelect, form_error_lines
from indicators.models import Level1, Level2
from scoring.models import Cycle, CycleIndicator, CycleStatus, GradeLevel, ScoringMethod, SlotStatus
from units.models import Unit

ALL_STATUSES = "all"


DEFAULT_STATUS = SlotStatus.SUBMITTED


STALE_PAGE = "页面已过期，请刷新后重试。"


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string (always bound, see `queue_filter_form`)."""

    cycle = forms.ModelChoiceField(
        label="考核周期",
        queryset=Cycle.objects.exclude(status=CycleStatus.PREPARING).order_by("-year", "-id"),
        required=False,
        empty_label=None,
        widget=PlainSelect,
    )
    status = forms.ChoiceField(
        label="状态",
        choices=[(ALL_STATUSES, "全部状态"), *SlotStatus.choices],
        required=False,
        widget=PlainSelect,
    )
    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.all(),
        required=False,
        empty_label="全部单位",
        widget=PlainSelect,
    )
    level1 = forms.ModelChoiceField(
        label="一级指标",
        queryset=Level1.objects.all(),
        required=False,
        empty_label="全部一级指标",
        widget=PlainSelect,
    )
    level2 = forms.ModelChoiceField(
        label="二级指标",
        queryset=Level2.objects.all(),
        required=False,
        empty_label="全部二级指标",
        widget=PlainSelect,
    )
    overdue = forms.BooleanField(label="仅看逾期未报", required=False)


def default_status(*, overdue: bool) -> str:
    """What waits for the office (待区产改办审核); for overdue slots every status, since a
    submitted slot is never overdue."""
    return ALL_STATUSES if overdue else DEFAULT_STATUS


def queue_filter_form(params, *, default_cycle: Cycle | None) -> QueueFilterForm:
    """Bind the filters with their defaults filled in, so the selects show what is applied."""
    data = params.copy()
    if not data.get("cycle") and default_cycle is not None:
        data["cycle"] = str(default_cycle.pk)
    if not data.get("status"):
        # Read the checkbox as the form will, so the default matches the filter applied.
        checkbox = QueueFilterForm.base_fields["overdue"].widget
        data["status"] = default_status(overdue=checkbox.value_from_datadict(data, None, "overdue"))
    return QueueFilterForm(data)


class ExpectedStateForm(forms.Form):
    """What the reviewer saw when the page was drawn, so a change made since is noticed.

    The one stale-page mechanism of the review pages and the admin: the hidden state goes to
    the service (expected_status / expected_version), which refuses with ConcurrentChange.
    A bulk admin action over many slots has no single state to expect (`stale_check=False`);
    there each slot's transition check is the guard.
    """

    expected_status = forms.ChoiceField(choices=SlotStatus.choices, widget=forms.HiddenInput)
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # The queue filters the reviewer came from, as a query string, for the way back and 下一项.
    queue = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    hidden_names = ("expected_status", "expected_version", "queue")
    # Several of these forms share one page: distinct ids keep every label on its own input.
    id_prefix = "review"

    def __init__(self, *args, stale_check: bool = True, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        if not stale_check:
            for name in self.hidden_names:
                del self.fields[name]

    @classmethod
    def initial_for(cls, slot, *, queue: str = "") -> dict:
        """The hidden state of a page drawn now for `slot`."""
        return {
            "expected_status": slot.status,
            "expected_version": slot.current_version,
            "queue": queue,
        }

    def full_clean(self):
        super().full_clean()
        # A hidden input the reviewer cannot fix: say once that the page is stale.
        if self._errors is not None and any(n in self._errors for n in self.hidden_names):
            for name in self.hidden_names:
                self._errors.pop(name, None)
                self.cleaned_data.pop(name, None)
            self.add_error(None, STALE_PAGE)

    def expected_state(self) -> dict:
        """Keyword arguments for the services' stale-page check."""
        if "expected_version" not in self.fields:
            return {}
        return {
            "expected_status": self.cleaned_data["expected_status"],
            "expected_version": self.cleaned_data["expected_version"],
        }


class ApproveForm(ExpectedStateForm):
    id_prefix = "approve"


class ReturnForm(ExpectedStateForm):
    id_prefix = "return"
    reason = forms.CharField(
        label="退回原因",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写退回原因。"},
        help_text="单位填报人会立即看到退回原因。",
    )


class NotApplicableForm(ExpectedStateForm):
    id_prefix = "na"
    reason = forms.CharField(
        label="不适用理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写不适用的理由。"},
        help_text="标记后本单位本项不计入应得分。",
    )


def _number_messages(what: str) -> dict[str, str]:
    """A score input's format errors (max_digits=6, decimal_places=2, as the score is stored)."""
    return {
        "invalid": f"{what}须为数字。",
        "max_digits": f"{what}不能超过 9999.99 分。",
        "max_whole_digits": f"{what}不能超过 9999.99 分。",
        "max_decimal_places": f"{what}最多保留两位小数。",
    }


class DeductionRowForm(forms.Form):
    """One 扣分 row: a reason and an amount, parsed only; the rules live in calculations."""

    reason = forms.CharField(label="扣分事由", required=False, max_length=200)
    amount = forms.DecimalField(
        label="扣分",
        required=False,
        max_digits=6,
        decimal_places=2,
        error_messages=_number_messages("扣分"),
    )

    @property
    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("reason") or "").strip() and (
            self.cleaned_data.get("amount") is None
        )


# Five blank rows after the recorded ones, on the review page and in the admin alike.
DEDUCTION_ROWS = 5

DeductionFormSet = forms.formset_factory(
    DeductionRowForm, extra=DEDUCTION_ROWS, max_num=30, validate_max=True, absolute_max=30
)


class ScoreForm(ExpectedStateForm):
    """The office's score; its inputs follow the indicator's 评分方法 (档次 / 扣分 / 直接打分)."""

    id_prefix = "score"

    comment = forms.CharField(
        label="评语",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="得分低于满分时必填；单位在结果发布后可见。",
    )

    def __init__(
        self,
        *args,
        item: CycleIndicator,
        grade_levels: list[GradeLevel] = (),
        deductions: list[list[str]] = (),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.item = item
        self.method = item.method
        self.deductions = None
        if self.method == ScoringMethod.GRADE:
            self.fields["grade"] = forms.ChoiceField(
                label="档次",
                choices=[
                    ("", "请选择档次"),
                    *((g.name, _grade_label(item, g)) for g in grade_levels),
                ],
                error_messages={
                    "required": "请选择档次。",
                    "invalid_choice": "所选档次不在本周期的档次中。",
                },
            )
        elif self.method == ScoringMethod.DIRECT:
            self.fields["direct"] = forms.DecimalField(
                label="得分",
                max_digits=6,
                decimal_places=2,
                help_text=f"0 至 {item.points} 分",
                error_messages={"required": "请填写得分。", **_number_messages("得分")},
                widget=forms.NumberInput(attrs={"min": "0", "max": item.points, "step": "0.01"}),
            )
        else:
            self.deductions = DeductionFormSet(
                self.data if self.is_bound else None,
                prefix="deductions",
                initial=[{"reason": r, "amount": Decimal(a)} for r, a in deductions],
            )

    def is_valid(self) -> bool:
        own = super().is_valid()
        return (self.deductions is None or self.deductions.is_valid()) and own

    def row_errors(self) -> list[str]:
        """The deduction rows' errors, each prefixed with its row number."""
        if self.deductions is None:
            return []
        lines = [str(e) for e in self.deductions.non_form_errors()]
        for n, row in enumerate(self.deductions, start=1):
            lines += [f"扣分第 {n} 行：{e}" for errs in row.errors.values() for e in errs]
        return lines

    def score_inputs(self) -> dict:
        """Keyword arguments for services.review.score_record (blank deduction rows dropped)."""
        if self.method == ScoringMethod.GRADE:
            return {"grade": self.cleaned_data["grade"]}
        if self.method == ScoringMethod.DIRECT:
            return {"direct": self.cleaned_data["direct"]}
        return {
            "deductions": [
                ((row.cleaned_data.get("reason") or "").strip(), row.cleaned_data.get("amount"))
                for row in self.deductions
                if not row.is_blank
            ]
        }


def score_form_for(slot, item: CycleIndicator, data=None, *, queue: str = "") -> ScoreForm:
    """The score form for `slot`, offering what was recorded last under the current method."""
    previous = slot.score_input if slot.score_input.get("method") == item.method else {}
    initial = ExpectedStateForm.initial_for(slot, queue=queue)
    if slot.score is not None:
        initial["comment"] = slot.score_comment
    if previous.get("grade"):
        initial["grade"] = previous["grade"]
    if previous.get("direct") is not None:
        initial["direct"] = previous["direct"]
    return ScoreForm(
        data,
        initial=initial,
        item=item,
        grade_levels=list(slot.cycle.grade_levels.all()),
        deductions=previous.get("deductions") or [],
    )


def _grade_label(item: CycleIndicator, level: GradeLevel) -> str:
    points = (item.points * level.share).quantize(Decimal("0.01"))
    return f"{level.name}（{level.share:.0%}，{points} 分）"


def review_form_error_lines(form: forms.Form) -> list[str]:
    """common.forms.form_error_lines, and a score form's deduction rows, each with its row."""
    lines = form_error_lines(form)
    if isinstance(form, ScoreForm):
        lines += form.row_errors()
    return list(dict.fromkeys(lines))
