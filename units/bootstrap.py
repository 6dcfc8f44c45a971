"""Role groups and their model permissions exist on every installation after `migrate`."""

from django.contrib.auth.models import Group, Permission

from units.roles import ROLE_GROUPS, Role

# Model permissions used by the Django admin. Object-level access (which unit's data) is
# decided by units.permissions, never by these.
ROLE_MODEL_PERMISSIONS: dict[Role, list[str]] = {
    Role.OFFICE: [
        "units.view_unit",
        "units.add_unit",
        "units.change_unit",
        "indicators.view_level1",
        "indicators.change_level1",
        "indicators.view_level2",
        "indicators.change_level2",
        "indicators.view_indicator",
        "indicators.change_indicator",
        "indicators.view_responsibility",
        "indicators.add_responsibility",
        "indicators.change_responsibility",
        "indicators.delete_responsibility",
        "scoring.view_cycle",
        "scoring.add_cycle",
        "scoring.change_cycle",
        "scoring.view_cycledesignation",
        "scoring.add_cycledesignation",
        "scoring.view_figuretemplate",
        "scoring.add_figuretemplate",
        "scoring.change_figuretemplate",
        "scoring.view_figurefield",
        "scoring.add_figurefield",
        "scoring.change_figurefield",
        "scoring.delete_figurefield",
        # Reviewing in the admin. Object access to unit drafts stays with guardian, which
        # ignores these global permissions (accept_global_perms=False in units.permissions).
        "scoring.view_slot",
        "scoring.change_slot",
        "scoring.view_submissionevent",
        "scoring.view_cycleevent",
        "scoring.view_adjustment",
        "scoring.add_adjustment",
        "scoring.view_cycleindicator",
        "scoring.view_gradelevel",
        # Seeing and lifting login lockouts (accounts.admin.LockoutAdmin).
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accessfailurelog",
        "axes.view_accesslog",
        "scoring.view_evidencepreview",
    ],
    Role.LEADER: [],
    Role.APPROVER: [],
    Role.REPORTER: [],
}


def ensure_role_groups(sender=None, **kwargs) -> None:
    using = kwargs.get("using", "default")
    for role, name in ROLE_GROUPS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        wanted = []
        for dotted in ROLE_MODEL_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".")
            perm = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if perm is not None:
                wanted.append(perm)
        group.permissions.add(*wanted)
