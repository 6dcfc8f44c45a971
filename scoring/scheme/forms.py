"""Forms of the office's cycle pages. They check input types; the services enforce the rules."""

from decimal import Decimal

from django import forms

from common.formats import plain_decimal
from scoring.models import CycleIndicator, GradeLevel, ScoringMethod
from scoring.scheme.services import LEAD_WEIGHT_RANGE, METHOD_INVALID, POINTS_NEGATIVE

MAX_POINTS = Decimal("9999.99")


NUMBER_ERRORS = {
    "required": "请填写。",
    "invalid": "请填写数字。",
    "min_value": "不能为负数。",
    "max_value": "不能超过 %(limit_value)s。",
    "max_decimal_places": "最多保留两位小数。",
    "max_digits": "数值过大。",
    "max_whole_digits": "数值过大。",
}


def points_field(
    label: str, *, required: bool = True, error_messages: dict | None = None, **kwargs
) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "points"}),
        error_messages={**NUMBER_ERRORS, **(error_messages or {})},
        **kwargs,
    )


class SchemeForm(forms.Form):
    """分值 and 评分方法 of every indicator: p_<id> and m_<id>."""

    def __init__(self, *args, items: list[CycleIndicator], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"p_{item.pk}"] = points_field(
                f"{item.number} 分值",
                max_value=MAX_POINTS,
                initial=item.points,
                error_messages={"min_value": POINTS_NEGATIVE},
            )
            self.fields[f"m_{item.pk}"] = forms.ChoiceField(
                label=f"{item.number} 评分方法",
                choices=ScoringMethod.choices,
                initial=item.method,
                error_messages={"invalid_choice": METHOD_INVALID, "required": "请选择。"},
            )

    def rows(self):
        """(item, points field, method field) for the template."""
        return [(i, self[f"p_{i.pk}"], self[f"m_{i.pk}"]) for i in self.items]

    def changes(self) -> list[tuple[CycleIndicator, Decimal, str]]:
        data = self.cleaned_data
        return [(i, data[f"p_{i.pk}"], data[f"m_{i.pk}"]) for i in self.items]


class CycleSettingsForm(forms.Form):
    total_points = points_field("总分")
    bonus_cap = points_field("加分上限")
    lead_weight = forms.DecimalField(
        label="牵头单位权重",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=3,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "points"}),
        error_messages={
            **NUMBER_ERRORS,
            "min_value": LEAD_WEIGHT_RANGE,
            "max_value": LEAD_WEIGHT_RANGE,
            "max_whole_digits": LEAD_WEIGHT_RANGE,
        },
        help_text="留空：指标得分取各责任单位得分的平均值；填 0.6：牵头单位占 60%。",
    )


GRADE_ROWS_EXTRA = 2
SHARE_RANGE = "得分比例应在 0 至 100 之间。"


class GradeLevelsForm(forms.Form):
    """Rows name_<i> / share_<i> (share in percent); empty rows are ignored."""

    def __init__(self, *args, levels: list[GradeLevel], **kwargs):
        super().__init__(*args, **kwargs)
        self.count = max(len(levels) + GRADE_ROWS_EXTRA, 4)
        for i in range(self.count):
            level = levels[i] if i < len(levels) else None
            self.fields[f"name_{i}"] = forms.CharField(
                label="档次",
                max_length=20,
                required=False,
                initial=level.name if level else "",
            )
            self.fields[f"share_{i}"] = forms.DecimalField(
                label="得分比例（%）",
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=4,
                decimal_places=1,
                error_messages={
                    **NUMBER_ERRORS,
                    "max_value": SHARE_RANGE,
                    "min_value": SHARE_RANGE,
                    "max_decimal_places": "得分比例最多保留一位小数。",
                    "max_whole_digits": SHARE_RANGE,
                    "max_digits": SHARE_RANGE,
                },
                initial=_percent(level.share) if level else None,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "points"}),
            )

    def rows(self):
        return [(self[f"name_{i}"], self[f"share_{i}"]) for i in range(self.count)]

    def clean(self):
        data = super().clean()
        for i in range(self.count):
            name, share = data.get(f"name_{i}"), data.get(f"share_{i}")
            if name and share is None and f"share_{i}" not in self.errors:
                self.add_error(f"share_{i}", f"请填写“{name}”的得分比例。")
            if share is not None and not name:
                self.add_error(f"name_{i}", "请填写档次名称。")
        return data

    def levels(self) -> list[tuple[str, Decimal]]:
        data = self.cleaned_data
        return [
            (data[f"name_{i}"], (data[f"share_{i}"] / 100).quantize(Decimal("0.001")))
            for i in range(self.count)
            if data.get(f"name_{i}")
        ]


def _percent(share: Decimal) -> Decimal:
    return plain_decimal(share * 100)


class SchemeUploadForm(forms.Form):
    file = forms.FileField(
        label="考核方案文件（.xlsx）",
        error_messages={"required": "请选择要上传的文件。", "empty": "上传的文件是空的。"},
    )
