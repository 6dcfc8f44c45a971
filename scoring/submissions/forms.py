"""scoring.submissions.forms."""

from decimal import Decimal

from django import forms

from common.formats import num
from scoring.models import FigureField, FigureKind
from scoring.submissions.services import TEXT_MAX_LENGTH, DraftInput, self_score_problem
from scoring.workflow import RETURN_REASON_REQUIRED


def _figure_form_field(spec: FigureField) -> forms.Field:
    common = {
        "label": spec.label,
        "required": False,  # required figures are enforced on submit, not on saving a draft
        "help_text": spec.measure,
    }
    if spec.kind == FigureKind.INTEGER:
        return forms.IntegerField(min_value=0, max_value=10**12, **common)
    if spec.kind == FigureKind.PERCENT:
        return forms.DecimalField(
            min_value=Decimal(0), max_value=Decimal(100), max_digits=7, decimal_places=2, **common
        )
    if spec.kind == FigureKind.AMOUNT:
        return forms.DecimalField(min_value=Decimal(0), max_digits=16, decimal_places=2, **common)
    return forms.DecimalField(max_digits=18, decimal_places=4, **common)


class PlainTextField(forms.CharField):
    """Text with browser line breaks (CRLF) stored as \n before the length is checked."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class SubmissionForm(forms.Form):
    """The unit's draft. Figure inputs are added per indicator as fig_<FigureField id>."""

    text = PlainTextField(
        label="工作情况说明",
        required=False,
        max_length=TEXT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=f"不超过 {TEXT_MAX_LENGTH} 字，换行会保留。",
    )
    # The upper bound is the indicator's 分值 in this cycle, set per slot in __init__.
    self_score = forms.DecimalField(
        label="自评分",
        required=False,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        *args,
        figure_fields: list[FigureField] = (),
        self_score_max: Decimal = Decimal(0),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.self_score_max = self_score_max
        score = self.fields["self_score"]
        score.widget.attrs["max"] = num(self_score_max)
        score.help_text = (
            f"选填，0–{num(self_score_max)} 分（本指标分值 {num(self_score_max)} 分）；"
            "最终得分以区产改办评定为准。"
        )
        # A number too long for the field is over the maximum too: say it the same way.
        too_big = self_score_problem(value=self_score_max + 1, maximum=self_score_max)
        score.error_messages.update(max_digits=too_big, max_whole_digits=too_big)
        self.figure_specs = [f for f in figure_fields if not f.is_computed]
        for spec in self.figure_specs:
            self.fields[f"fig_{spec.pk}"] = _figure_form_field(spec)

    def clean_self_score(self):
        # Mirrors the service's rule so the message appears beside the field.
        value = self.cleaned_data.get("self_score")
        problem = self_score_problem(value=value, maximum=self.self_score_max)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def draft(self) -> DraftInput:
        data = self.cleaned_data
        figures = {}
        for spec in self.figure_specs:
            value = data.get(f"fig_{spec.pk}")
            figures[spec.pk] = None if value is None else Decimal(value)
        return DraftInput(text=data["text"], self_score=data.get("self_score"), figures=figures)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="退回原因",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": RETURN_REASON_REQUIRED},
    )
