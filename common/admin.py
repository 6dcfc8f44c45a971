"""Admin building blocks shared by every app."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm


class ChineseExportForm(SelectableFieldsExportForm):
    def _get_field_label(self, resource, field_name):
        # The column header the file will carry, not import-export's "Level2 (二级指标序号)".
        field = resource.fields.get(field_name)
        return field.column_name if field is not None else field_name


class SheetImportExportAdmin(ImportExportModelAdmin):
    """Excel (and CSV) import/export for whoever may change the model, i.e. the office.

    Import keeps import-export's two steps: the upload is a dry run whose preview (or list of
    row errors, which blocks confirmation) is shown before anything is written.
    """

    formats = [base_formats.XLSX, base_formats.CSV]
    export_form_class = ChineseExportForm

    def has_import_permission(self, request):
        return self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_change_permission(request)

    def process_result(self, result, request):
        # The confirm step re-reads the file against the current database; if it no longer
        # imports cleanly the resource has rolled everything back, so say so, not "导入成功".
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, "导入未执行：数据已发生变化或文件有误，请重新上传并核对预览。")
            url = reverse(
                "admin:{}_{}_import".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)
        return super().process_result(result, request)
