"""Forms of the results page: override an indicator's score, add a bonus or veto."""

from decimal import Decimal

from django import forms

from common.forms import PlainSelect
from scoring.models import AdjustmentKind, Cycle, CycleIndicator
from scoring.results.services import ADJUSTMENT_REASON_REQUIRED
from scoring.scheme.forms import points_field
from units.models import Unit


class OverrideForm(forms.Form):
    item = forms.ModelChoiceField(
        label="三级指标",
        queryset=CycleIndicator.objects.none(),
        empty_label=None,
        error_messages={
            "required": "请选择三级指标。",
            "invalid_choice": "请选择本周期的三级指标。",
        },
    )
    score = points_field(
        "调整后得分",
        required=False,
        help_text="留空则取消调整，恢复按各单位得分计算。",
        error_messages={"min_value": "得分不能为负数。"},
    )
    reason = forms.CharField(
        label="调整理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": ADJUSTMENT_REASON_REQUIRED},
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["item"]
        field.queryset = CycleIndicator.objects.filter(cycle=cycle).order_by("number")
        field.label_from_instance = lambda item: f"{item.number}. {item.name}"


class AdjustmentForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型",
        choices=AdjustmentKind.choices,
        error_messages={"required": "请选择类型。", "invalid_choice": "类型无效。"},
    )
    points = points_field(
        "加分",
        required=False,
        help_text="仅加分项填写；一票否决不填。",
        error_messages={"min_value": "加分不能为负数。"},
    )
    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="全区（不针对某一单位）",
        error_messages={"invalid_choice": "请选择本周期的责任单位。"},
        widget=PlainSelect,
    )
    reason = forms.CharField(
        label="事由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写事由。"},
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(slots__cycle=cycle).distinct()

    def clean_points(self):
        return self.cleaned_data["points"] or Decimal(0)
