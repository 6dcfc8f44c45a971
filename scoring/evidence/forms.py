"""The evidence upload form."""

from django import forms


class EvidenceUploadForm(forms.Form):
    title = forms.CharField(
        label="材料名称", required=False, max_length=200, help_text="不填则使用文件名。"
    )
    # Empty files reach the evidence rules, which refuse them with the same message as always.
    file = forms.FileField(
        label="文件",
        allow_empty_file=True,
        max_length=1000,
        error_messages={"required": "请选择要上传的文件。"},
    )
