"""Admin building blocks shared by every app."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm

from common.errors import DomainError
from common.resources import SheetFileError, SheetXLSX
from common.signals import catalogue_changed


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

    def get_import_formats(self):
        # Reading refuses formula cells; export keeps import-export's own XLSX (which it
        # recognises by exact type to write numbers as numbers).
        return [SheetXLSX, base_formats.CSV]

    def add_data_read_fail_error_to_form(self, form, e):
        # A file-level refusal already speaks to the office; anything else keeps the default.
        if isinstance(e, SheetFileError):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

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


class CatalogueChangeAdminMixin:
    """After any admin write (form, inline, delete or Excel import), announce the change.

    scoring listens (common.signals.catalogue_changed) and re-syncs open cycles: it adds the
    slots a new responsibility or member unit calls for and removes only slots that hold nothing.
    """

    def _announce_change(self, request) -> None:
        catalogue_changed.send(sender=type(self), actor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._announce_change(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._announce_change(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._announce_change(request)

    def process_result(self, result, request):
        response = super().process_result(result, request)
        if not (result.has_errors() or result.has_validation_errors()):
            self._announce_change(request)
        return response


class ReadOnlyAdmin(admin.ModelAdmin):
    """Listed and viewable, never added, changed or deleted (not even by a superuser)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceErrorsAsMessages:
    """A DomainError raised by a service from save_model becomes an error message.

    The admin's changeform_view runs in a transaction, so nothing of the failed save remains;
    the user is sent back to the form with the service's own (Chinese) message.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
