"""Small response-header middleware that Django has no setting for."""

from django.conf import settings


class PermissionsPolicyMiddleware:
    """Send Permissions-Policy (settings.FENGTAI_PERMISSIONS_POLICY): the app needs no camera,
    microphone, location or other powerful browser feature, so every page switches them off."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = getattr(settings, "FENGTAI_PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.value and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.value
        return response
