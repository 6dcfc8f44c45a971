from django import forms

from audit.models import Action, Outcome
from units.models import Unit


class AuditFilterForm(forms.Form):
    """The viewer's and the export's filters (all optional): who, what, when, unit."""

    who = forms.CharField(label="操作人账号", required=False, max_length=150)
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部")] + Action.choices
    )
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部")] + Outcome.choices
    )
    unit = forms.ModelChoiceField(
        label="单位",
        required=False,
        queryset=Unit.objects.order_by("display_order", "pk"),
        empty_label="全部",
    )
    since = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data
