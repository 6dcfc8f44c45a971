"""The sheet conventions every Excel/CSV import-export resource follows.

The office edits these tables in Excel, so a bad file must come back with one Chinese message per
problem that names the line as Excel shows it (the header is line 1), and must change nothing:
every import runs in one transaction that is rolled back if any row is invalid.
"""

import re
from typing import Any

from django.contrib.auth import get_permission_codename
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db.models import Model
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import Error, Result

from common.xlsx import escape_formula

# Lines above the first data row; row N of a dataset is line N + HEADER_LINES in Excel.
HEADER_LINES = 1
# Key for errors about the row as a whole (import-export would label them "没有指定的字段").
ROW_KEY = "整行"
_INTEGER_RE = re.compile(r"[+-]?\d{1,9}(\.0*)?")
# The office's tables are small (80 indicators, a few hundred responsibilities, dozens of
# units); a file far longer is a mistake or an attack, refused before any row is validated.
MAX_IMPORT_ROWS = 2000


def sheet_line(row_number: int) -> int:
    return row_number + HEADER_LINES


def cell_text(value: Any) -> str:
    """A cell as the user typed it: 3.0 from Excel is "3", None is "", blanks are trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_integer(value: Any, label: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = cell_text(value)
    if isinstance(value, bool) or not _INTEGER_RE.fullmatch(text):
        raise ValueError(f"{label}“{text}”不是整数")
    return int(float(text)) if "." in text else int(text)


class TextWidget(widgets.CharWidget):
    """Text that may not start a formula in Excel; trimmed on import, escaped on export."""

    def __init__(self, label: str, *, required: bool = True):
        super().__init__(allow_blank=True)
        self.label = label
        self.required = required

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        # Undo escape_formula so an exported file imports back unchanged.
        if text.startswith("'") and escape_formula(text[1:]) == text:
            text = text[1:]
        if self.required and not text:
            raise ValueError(f"{self.label}不能为空")
        return text

    def render(self, value, obj=None, **kwargs):
        return escape_formula(super().render(value, obj, **kwargs))


class IntegerCellWidget(widgets.IntegerWidget):
    def __init__(self, label: str, *, required: bool = True, min_value: int | None = None):
        super().__init__()
        self.label = label
        self.required = required
        self.min_value = min_value

    def clean(self, value, row=None, **kwargs):
        if not cell_text(value):
            if self.required:
                raise ValueError(f"{self.label}不能为空")
            return None
        number = parse_integer(value, self.label)
        if self.min_value is not None and number < self.min_value:
            raise ValueError(f"{self.label}“{number}”须为不小于 {self.min_value} 的整数")
        return number


class YesNoWidget(widgets.Widget):
    """A boolean written 是/否, as the office writes it; Excel TRUE/FALSE and 1/0 also read."""

    YES = {"是", "1", "true"}
    NO = {"否", "0", "false"}

    def __init__(self, label: str):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        if not text:
            raise ValueError(f"{self.label}须填写“是”或“否”")
        raise ValueError(f"{self.label}须填写“是”或“否”，不能为“{cell_text(value)}”")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "是" if value else "否"


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the related row's number or code, with Chinese errors."""

    def __init__(self, model: type[Model], field: str, label: str, *, numeric: bool = False):
        super().__init__(model, field)
        self.label = label
        self.numeric = numeric

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError(f"{self.label}不能为空")
        key = parse_integer(value, self.label) if self.numeric else text
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: key})
        except self.model.DoesNotExist:
            raise ValueError(f"{self.label}“{text}”不存在") from None


class SheetFileError(ValueError):
    """A problem with the file as a whole, worded for the office."""


def formula_cells(content: bytes) -> list[tuple[int, str, str]]:
    """(Excel line, column header, formula) of every formula cell on the first sheet.

    import-export reads a formula cell's cached result (data_only), which a crafted file can
    set to anything, or leave empty. The office's tables hold values only, so a formula is
    refused instead of being read as whatever it last showed.
    """
    from io import BytesIO

    from openpyxl import load_workbook

    try:
        book = load_workbook(BytesIO(content), read_only=True, data_only=False)
    except Exception:
        return []  # not readable as .xlsx: the reader proper reports it
    try:
        rows = book.active.iter_rows()
        headers = [cell_text(c.value) for c in next(rows, ())]
        found = []
        for line, row in enumerate(rows, start=HEADER_LINES + 1):
            for index, cell in enumerate(row):
                if getattr(cell, "data_type", None) == "f":
                    header = headers[index] if index < len(headers) else f"第 {index + 1} 列"
                    found.append((line, header, str(cell.value)))
        return found
    finally:
        book.close()


def formula_refusal(found: list[tuple[int, str, str]]) -> str:
    shown = "、".join(f"第 {line} 行“{header}”（{formula}）" for line, header, formula in found[:5])
    more = f"等 {len(found)} 处" if len(found) > 5 else ""
    return (
        f"文件中有公式，导入只接受数值：{shown}{more}。"
        "请在 Excel 中复制这些单元格后“选择性粘贴 → 数值”，再导入。"
    )


class SheetXLSX(base_formats.XLSX):
    """import-export's .xlsx reader, refusing formula cells (see formula_cells)."""

    def create_dataset(self, in_stream):
        found = formula_cells(in_stream)
        if found:
            raise SheetFileError(formula_refusal(found))
        return super().create_dataset(in_stream)


class SheetError(Error):
    @property
    def traceback(self):
        # The admin prints a file-level error's traceback under it; ours need none.
        if isinstance(self.error, SheetFileError):
            return ""
        return super().traceback


class SheetResult(Result):
    """Reports rows by their Excel line, so the page and the messages agree."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(sheet_line(number), row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(sheet_line(number), row, errors)

    def row_errors(self):
        return [(error_row.number, error_row.errors) for error_row in self.error_rows]


class SheetResource(resources.ModelResource):
    """A model resource for office spreadsheets: all-or-nothing, errors in Chinese by line.

    Subclasses declare their columns with the widgets above, whose ValueErrors are already
    worded for the user; this class adds the line number, words the model's own validation
    errors the same way, rejects a key repeated within the file, and refuses to create rows the
    importing user may not add.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._line = 0
        self._seen_keys: dict[tuple[str, ...], int] = {}

    @classmethod
    def get_result_class(cls):
        return SheetResult

    @classmethod
    def get_error_result_class(cls):
        return SheetError

    def import_data(self, dataset, *args, rollback_on_validation_errors=True, **kwargs):
        # import-export keeps the good rows of a file with invalid rows unless told otherwise.
        return super().import_data(
            dataset, *args, rollback_on_validation_errors=rollback_on_validation_errors, **kwargs
        )

    # --- wording ---------------------------------------------------------------------------

    def row_message(self, text: str) -> str:
        return f"第 {self._line} 行：{text}"

    def column_label(self, attribute: str) -> str:
        for field in self.fields.values():
            if field.attribute == attribute and not field.readonly:
                return field.column_name
        try:
            return str(self._meta.model._meta.get_field(attribute).verbose_name)
        except FieldDoesNotExist:
            return attribute

    def get_user_visible_fields(self):
        # The import page lists the columns it reads; export-only columns are not among them.
        return [f for f in super().get_user_visible_fields() if not f.readonly]

    def _key_columns(self) -> list[fields.Field]:
        return [self.fields[name] for name in self.get_import_id_fields()]

    def _describe_key(self, row) -> str:
        return "、".join(
            f"{f.column_name}“{cell_text(row.get(f.column_name))}”" for f in self._key_columns()
        )

    # --- hooks -----------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self._seen_keys = {}
        if len(dataset) > MAX_IMPORT_ROWS:
            raise SheetFileError(
                f"文件行数过多（{len(dataset)} 行），一次导入不超过 {MAX_IMPORT_ROWS} 行，"
                "请检查文件或分批导入。"
            )
        dataset.headers = [cell_text(header) for header in dataset.headers or []]
        missing = [
            f.column_name for f in self._key_columns() if f.column_name not in dataset.headers
        ]
        if missing:
            raise SheetFileError(
                f"文件缺少“{'”“'.join(missing)}”列。请先导出现有数据，以导出的表格为模板填写。"
            )
        super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        self._line = sheet_line(kwargs["row_number"])
        key = tuple(cell_text(row.get(f.column_name)) for f in self._key_columns())
        if all(key):
            first = self._seen_keys.setdefault(key, self._line)
            if first != self._line:
                label = "、".join(f.column_name for f in self._key_columns())
                raise ValidationError(
                    {label: [self.row_message(f"{self._describe_key(row)}与第 {first} 行重复")]}
                )
        super().before_import_row(row, **kwargs)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # An unreadable key (e.g. an unknown unit code): the row is treated as new and
            # import_field reports the bad cell with its line.
            return None

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except ValueError as exc:
            raise ValueError(self.row_message(str(exc))) from exc

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            cell_errors = import_validation_errors or {}
            errors: dict[str, list[str]] = {}
            for key, messages in exc.message_dict.items():
                if key in cell_errors:  # worded by a widget, line already added
                    errors[self.column_label(key)] = messages
                elif key == NON_FIELD_ERRORS:
                    errors[ROW_KEY] = [self.row_message(m) for m in messages]
                else:
                    label = self.column_label(key)
                    errors[label] = [self.row_message(f"{label}：{m}") for m in messages]
            raise ValidationError(errors) from exc

    def before_save_instance(self, instance, row, **kwargs):
        # Import must not grant more than the admin does: a new row needs the add permission.
        user = kwargs.get("user")
        opts = self._meta.model._meta
        add_perm = f"{opts.app_label}.{get_permission_codename('add', opts)}"
        may_add = user is None or user.has_perm(add_perm)
        if instance.pk is None and not may_add:
            name = opts.verbose_name
            message = f"{self._describe_key(row)}的{name}不存在，当前账号无权新增{name}"
            raise ValidationError({ROW_KEY: [self.row_message(message)]})
        super().before_save_instance(instance, row, **kwargs)
