"""Keeps open cycles' slots in step when the office edits units or responsibilities in admin."""


class SlotSyncAdminMixin:
    """After any admin write (form, inline, delete or Excel import), re-sync open cycles.

    slots_sync adds the slots a new responsibility or member unit calls for (with their
    permissions) and removes only slots that hold nothing.
    """

    def _sync_slots(self, request) -> None:
        from scoring.services.cycles import slots_sync_open_cycles

        slots_sync_open_cycles(actor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._sync_slots(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._sync_slots(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._sync_slots(request)

    def process_result(self, result, request):
        response = super().process_result(result, request)
        if not (result.has_errors() or result.has_validation_errors()):
            self._sync_slots(request)
        return response
