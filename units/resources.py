"""Excel/CSV import and export of units (conventions in common.resources)."""

from import_export import fields

from common.resources import IntegerCellWidget, SheetResource, TextWidget, YesNoWidget
from units.models import Unit


class UnitResource(SheetResource):
    code = fields.Field(attribute="code", column_name="单位代码", widget=TextWidget("单位代码"))
    name = fields.Field(attribute="name", column_name="单位名称", widget=TextWidget("单位名称"))
    is_member = fields.Field(
        attribute="is_member", column_name="成员单位", widget=YesNoWidget("成员单位")
    )
    is_active = fields.Field(attribute="is_active", column_name="启用", widget=YesNoWidget("启用"))
    display_order = fields.Field(
        attribute="display_order",
        column_name="显示顺序",
        widget=IntegerCellWidget("显示顺序", required=False, min_value=0),
        default=0,
    )

    class Meta:
        model = Unit
        name = "单位"
        fields = ["code", "name", "is_member", "is_active", "display_order"]  # column order
        import_id_fields = ["code"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Unit.objects.order_by("display_order", "id")
