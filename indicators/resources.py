"""Excel/CSV import and export of the indicator table and its division of responsibility.

Columns carry the table's own Chinese headers; rows are keyed by stable numbers and unit codes,
so an exported file imports back unchanged. Conventions (line numbers, all-or-nothing) come
from common.resources.SheetResource.
"""

from import_export import fields, widgets

from common.resources import IntegerCellWidget, LookupWidget, SheetResource, TextWidget, cell_text
from indicators.models import Indicator, Level2, MemberScope, Responsibility
from units.models import Unit


class MemberScopeWidget(widgets.Widget):
    """成员单位范围 as the table writes it: 各成员单位, 相关成员单位 or nothing."""

    label = "成员单位范围"

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if text in ("", MemberScope.NONE.label):
            return MemberScope.NONE.value
        for scope in (MemberScope.ALL_MEMBERS, MemberScope.DESIGNATED):
            if text == scope.label:
                return scope.value
        raise ValueError(
            f"{self.label}“{text}”无效，应为“{MemberScope.ALL_MEMBERS.label}”"
            f"“{MemberScope.DESIGNATED.label}”或留空"
        )

    def render(self, value, obj=None, **kwargs):
        return MemberScope(value).label if value else ""


class IndicatorResource(SheetResource):
    number = fields.Field(
        attribute="number", column_name="序号", widget=IntegerCellWidget("序号", min_value=1)
    )
    level2 = fields.Field(
        attribute="level2",
        column_name="二级指标序号",
        widget=LookupWidget(Level2, "number", "二级指标序号", numeric=True),
    )
    name = fields.Field(attribute="name", column_name="三级指标", widget=TextWidget("三级指标"))
    content = fields.Field(
        attribute="content", column_name="指标具体内涵", widget=TextWidget("指标具体内涵")
    )
    member_scope = fields.Field(
        attribute="member_scope", column_name="成员单位范围", widget=MemberScopeWidget()
    )

    class Meta:
        model = Indicator
        name = "三级指标"
        fields = ["number", "level2", "name", "content", "member_scope"]  # column order
        import_id_fields = ["number"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Indicator.objects.select_related("level2").order_by("number")


class ResponsibilityResource(SheetResource):
    indicator = fields.Field(
        attribute="indicator",
        column_name="指标序号",
        widget=LookupWidget(Indicator, "number", "指标序号", numeric=True),
    )
    unit = fields.Field(
        attribute="unit", column_name="单位代码", widget=LookupWidget(Unit, "code", "单位代码")
    )
    position = fields.Field(
        attribute="position", column_name="排序", widget=IntegerCellWidget("排序", min_value=1)
    )
    # Export only, so a printed sheet reads without a code table; ignored on import.
    unit_name = fields.Field(
        attribute="unit__name",
        column_name="单位名称",
        widget=TextWidget("单位名称", required=False),
        readonly=True,
    )
    role = fields.Field(attribute="role_label", column_name="牵头或配合", readonly=True)

    class Meta:
        model = Responsibility
        name = "责任分工"
        fields = ["indicator", "unit", "position", "unit_name", "role"]  # column order
        import_id_fields = ["indicator", "unit"]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_queryset(self):
        return Responsibility.objects.select_related("indicator", "unit").order_by(
            "indicator__number", "position"
        )
