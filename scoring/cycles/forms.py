"""Forms of the cycle pages: create, dates, transitions, deadline extensions."""

from django import forms

from scoring.cycles.services import EXTENSION_REASON_REQUIRED
from scoring.models import Cycle
from scoring.workflow import CYCLE_TRANSITIONS
from units.models import Unit

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class CycleCreateForm(forms.Form):
    name = forms.CharField(label="名称", max_length=50, help_text="如 2027年度")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    opens_at = _datetime_field("填报开始时间")
    deadline = _datetime_field("填报截止时间")
    previous = forms.ModelChoiceField(
        label="复制自",
        queryset=Cycle.objects.all(),
        required=False,
        empty_label="不复制（分值为 0，使用默认档次与数据指标）",
        help_text="复制上一周期的分值、评分方法、评分档次、数据指标和相关成员单位指定；"
        "指标文字取自当前指标目录。",
    )


class CycleDatesForm(forms.Form):
    opens_at = _datetime_field("填报开始时间")
    deadline = _datetime_field("填报截止时间")


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(key, t[3]) for key, t in CYCLE_TRANSITIONS.items()])

    reason = forms.CharField(label="说明", max_length=1000, required=False)
    override_reason = forms.CharField(label="书面理由", max_length=2000, required=False)


class ExtendForm(forms.Form):
    """延长截止时间, on the cycle page (for one unit's slots) and in the admin (for the ticked
    slots, `cycle=None`: no unit to choose). slots_extend_deadline owns the rules."""

    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.none(),
        empty_label=None,
        error_messages={
            "required": "请选择单位。",
            "invalid_choice": "请选择本周期有填报任务的单位。",
        },
    )
    until = _datetime_field("延期至")
    reason = forms.CharField(
        label="延期原因",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": EXTENSION_REASON_REQUIRED},
    )

    def __init__(self, *args, cycle: Cycle | None, **kwargs):
        super().__init__(*args, **kwargs)
        if cycle is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].queryset = Unit.objects.filter(slots__cycle=cycle).distinct()
