"""Roles are Django groups; this module names them."""

from django.db import models


class Role(models.TextChoices):
    OFFICE = "office", "区产改办评审"
    LEADER = "leader", "领导"
    APPROVER = "approver", "单位审核人"
    REPORTER = "reporter", "单位填报人"


# The group that carries each role. The label doubles as the group name shown in the admin.
ROLE_GROUPS: dict[Role, str] = {role: role.label for role in Role}
