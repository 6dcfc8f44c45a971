"""The evidence upload form."""

from django import forms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or several files under one name; cleans to a list, never an empty one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return [super().clean(None, initial)]  # raises "required"
        if not isinstance(data, list | tuple):
            data = [data]
        return [super(MultipleFileField, self).clean(d, initial) for d in data]


class EvidenceUploadForm(forms.Form):
    title = forms.CharField(
        label="材料名称", required=False, max_length=200, help_text="不填则使用文件名。"
    )
    # Empty files reach the evidence rules, which refuse them with the same message as always.
    file = MultipleFileField(
        label="文件",
        allow_empty_file=True,
        max_length=1000,
        error_messages={"required": "请选择要上传的文件。"},
    )
    # The page's draft revision: an upload from a page someone else has since changed is stale.
    revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
