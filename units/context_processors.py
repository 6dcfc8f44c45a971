from units.permissions import (
    user_is_leader,
    user_is_office,
    user_is_unit_approver,
    user_role_label,
    user_unit,
)


def role(request):
    """What the base layout needs to draw role-dependent navigation.

    Every predicate answers from the one snapshot units.permissions reads per request (shared
    with the view's own permission checks), so the navigation costs at most one query.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unit = user_unit(user)
    return {
        "nav_is_approver": unit is not None and user_is_unit_approver(user, unit),
        "nav_is_office": user_is_office(user),
        "nav_is_leader": user_is_leader(user),
        "nav_is_staff": user.is_staff,
        "nav_unit": unit,
        "nav_role_label": user_role_label(user),
    }
