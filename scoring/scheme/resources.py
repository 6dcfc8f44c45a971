"""Excel round trip of a cycle's scheme: 分值 and 评分方法 per 三级指标, keyed by 序号.

The office downloads the scheme, edits points and methods in Excel and uploads the file. Rows
are matched to the cycle's indicators by 序号; 三级指标 is there to read, never imported. Every
change is written by scoring.services.cycles.scheme_update (state check and audit event), and
the import follows common.resources.SheetResource: Chinese errors by Excel line, all or nothing.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, widgets
from import_export.results import RowResult
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from common.errors import DomainError
from common.formats import plain_decimal
from common.resources import (
    ROW_KEY,
    IntegerCellWidget,
    SheetFileError,
    SheetResource,
    SheetXLSX,
    TextWidget,
    cell_text,
    parse_integer,
)
from common.xlsx import (
    BODY_FONT,
    HEADER_FILL,
    HEADER_FONT,
    WRAP_CENTER,
    freeze_above,
    set_column_widths,
    style_cell,
)
from scoring.models import Cycle, CycleIndicator, ScoringMethod
from scoring.scheme.services import scheme_frozen_message, scheme_update

CENT = Decimal("0.01")


MAX_POINTS = Decimal("9999.99")  # CycleIndicator.points: max_digits=6, decimal_places=2


MAX_ROWS = 1000


HEADERS = ["序号", "三级指标", "分值", "评分方法"]


IMPORTED_COLUMNS = ["序号", "分值", "评分方法"]


class PointsWidget(widgets.Widget):
    """分值: a number ≥ 0 with at most two decimals."""

    label = "分值"

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError(f"{self.label}不能为空")
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if isinstance(value, bool) or number is None or not number.is_finite():
            raise ValueError(f"{self.label}“{text}”不是数字")
        if number < 0:
            raise ValueError(f"{self.label}“{text}”不能为负数")
        if number != number.quantize(CENT):
            raise ValueError(f"{self.label}“{text}”最多保留两位小数")
        if number > MAX_POINTS:
            raise ValueError(f"{self.label}“{text}”不能超过 {MAX_POINTS}")
        return number

    def render(self, value, obj=None, **kwargs):
        return None if value is None else plain_decimal(value)


class MethodWidget(widgets.Widget):
    """评分方法 written as the office says it: 档次, 扣分 or 直接打分."""

    label = "评分方法"

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError(f"{self.label}不能为空")
        for method in ScoringMethod:
            if text in (method.label, method.value):
                return method.value
        labels = "”“".join(m.label for m in ScoringMethod)
        raise ValueError(f"{self.label}“{text}”无效，应为“{labels}”之一")

    def render(self, value, obj=None, **kwargs):
        return ScoringMethod(value).label if value else ""


class NumberCellWidget(IntegerCellWidget):
    """序号 written to the sheet as a number, as Excel users sort and type it."""

    def render(self, value, obj=None, **kwargs):
        return value


class CycleSchemeResource(SheetResource):
    """The scheme of one cycle (pass cycle=...). Import only updates existing indicators."""

    number = fields.Field(
        attribute="number", column_name="序号", widget=NumberCellWidget("序号", min_value=1)
    )
    name = fields.Field(
        attribute="name",
        column_name="三级指标",
        widget=TextWidget("三级指标", required=False),
        readonly=True,
    )
    points = fields.Field(attribute="points", column_name="分值", widget=PointsWidget())
    method = fields.Field(attribute="method", column_name="评分方法", widget=MethodWidget())

    class Meta:
        model = CycleIndicator
        name = "考核方案"
        fields = ["number", "name", "points", "method"]  # column order
        import_id_fields = ["number"]
        skip_unchanged = True
        report_skipped = True
        # The widgets check each cell and scheme_update checks the rest.
        clean_model_instances = False

    def __init__(self, *, cycle: Cycle, **kwargs):
        super().__init__(**kwargs)
        self.cycle = cycle

    def get_queryset(self):
        return CycleIndicator.objects.filter(cycle=self.cycle).order_by("number")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        missing = [c for c in IMPORTED_COLUMNS if c not in dataset.headers]
        if missing:
            raise SheetFileError(
                f"文件缺少“{'”“'.join(missing)}”列。请先下载考核方案，以下载的表格为模板填写。"
            )
        cycle = Cycle.objects.get(pk=self.cycle.pk)
        if cycle.scheme_is_frozen:
            raise SheetFileError(scheme_frozen_message(cycle, doing="导入"))

    def after_init_instance(self, instance, new, row, **kwargs):
        # The 80 indicators come from the catalogue; a sheet never adds one.
        if new:
            try:
                number = (
                    parse_integer(row.get("序号"), "序号") if cell_text(row.get("序号")) else None
                )
            except ValueError as exc:
                message = str(exc)
            else:
                message = (
                    "序号不能为空" if number is None else f"序号“{number}”不在本周期的考核方案中"
                )
            raise ValidationError({"序号": [self.row_message(message)]})
        super().after_init_instance(instance, new, row, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        try:
            scheme_update(
                item=instance,
                points=instance.points,
                method=instance.method,
                actor=kwargs.get("user"),
                ip=kwargs.get("ip"),
            )
        except DomainError as exc:
            raise ValidationError({ROW_KEY: [self.row_message(exc.message)]}) from exc
        self.after_save_instance(instance, row, **kwargs)


def scheme_workbook(cycle: Cycle) -> Workbook:
    """The scheme as the office edits it: one row per 三级指标, header on line 1."""
    dataset = CycleSchemeResource(cycle=cycle).export()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "考核方案"
    sheet.append(dataset.headers)
    for cell in sheet[1]:
        style_cell(cell, font=HEADER_FONT, alignment=WRAP_CENTER)
        cell.fill = HEADER_FILL
    for row in dataset:
        sheet.append(list(row))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            style_cell(cell)
    set_column_widths(sheet, {"A": 8, "B": 44, "C": 10, "D": 14})
    freeze_above(sheet, row=2)
    methods = DataValidation(
        type="list",
        formula1='"' + ",".join(m.label for m in ScoringMethod) + '"',
        allow_blank=False,
        showErrorMessage=True,
        errorTitle="评分方法",
        error="请选择“档次”“扣分”或“直接打分”。",
    )
    sheet.add_data_validation(methods)
    methods.add(f"D2:D{max(sheet.max_row, 2)}")
    notes = workbook.create_sheet("填写说明")
    for line in (
        f"{cycle.name}考核方案：只修改“分值”和“评分方法”两列，按“序号”对应三级指标。",
        "分值：不小于 0 的数，最多两位小数；各三级指标分值之和应等于本周期总分"
        f"（{plain_decimal(cycle.total_points)} 分）。",
        "评分方法：档次、扣分或直接打分。",
        "“三级指标”列仅供核对，导入时不读取；请勿增删行或修改序号。",
    ):
        notes.append([line])
        notes.cell(row=notes.max_row, column=1).font = BODY_FONT
    set_column_widths(notes, {"A": 100})
    return workbook


def dataset_from_xlsx(content: bytes) -> tablib.Dataset:
    """The first sheet of an uploaded .xlsx; trailing empty lines are dropped."""
    try:
        dataset = SheetXLSX().create_dataset(content)
    except SheetFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is not .xlsx
        raise SheetFileError("无法读取该文件，请上传 Excel（.xlsx）格式的考核方案。") from exc
    while len(dataset) and all(cell_text(v) == "" for v in dataset[-1]):
        dataset.pop()
    if len(dataset) > MAX_ROWS:
        raise SheetFileError(f"文件行数过多（{len(dataset)} 行），考核方案不超过 {MAX_ROWS} 行。")
    return dataset


@dataclass(frozen=True)
class SchemeChange:
    number: int
    name: str
    old_points: Decimal
    new_points: Decimal
    old_method: str
    new_method: str

    @property
    def old_method_label(self) -> str:
        return ScoringMethod(self.old_method).label

    @property
    def new_method_label(self) -> str:
        return ScoringMethod(self.new_method).label


@dataclass
class SchemeImport:
    errors: list[str] = field(default_factory=list)
    changes: list[SchemeChange] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def scheme_import(
    *, cycle: Cycle, dataset: tablib.Dataset, actor, ip: str | None = None, dry_run: bool
) -> SchemeImport:
    """Import (or with dry_run, preview) the scheme sheet: every row good, or nothing written."""
    result = CycleSchemeResource(cycle=cycle).import_data(
        dataset, dry_run=dry_run, user=actor, ip=ip, retain_instance_in_row_result=True
    )
    outcome = SchemeImport()
    if result.base_errors:
        # A problem with the file as a whole (a missing column, a frozen scheme) says it all.
        outcome.errors = [str(error.error) for error in result.base_errors]
        return outcome
    for row in result.invalid_rows:
        for messages in row.error_dict.values():
            outcome.errors.extend(str(m) for m in messages)
    for number, errors in result.row_errors():
        outcome.errors.extend(f"第 {number} 行：{error.error}" for error in errors)
    if outcome.errors:
        return outcome
    for row_result in result.rows:
        if row_result.import_type == RowResult.IMPORT_TYPE_UPDATE:
            old, new = row_result.original, row_result.instance
            outcome.changes.append(
                SchemeChange(
                    number=new.number,
                    name=new.name,
                    old_points=old.points,
                    new_points=new.points,
                    old_method=old.method,
                    new_method=new.method,
                )
            )
        elif row_result.import_type == RowResult.IMPORT_TYPE_SKIP:
            outcome.unchanged += 1
    return outcome
