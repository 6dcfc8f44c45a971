"""Accounts that exist before this app keep their passwords: their age starts at the upgrade."""

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def create_profiles(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    SecurityProfile = apps.get_model("accounts", "SecurityProfile")
    now = timezone.now()
    have = set(SecurityProfile.objects.values_list("user_id", flat=True))
    SecurityProfile.objects.bulk_create(
        SecurityProfile(user_id=pk, password_changed_at=now)
        for pk in User.objects.exclude(pk__in=have).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_profiles, migrations.RunPython.noop)]
